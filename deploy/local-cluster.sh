#!/usr/bin/env bash
# A real standalone Flink session cluster (one JobManager JVM, one TaskManager JVM) on 127.0.0.1,
# built from Maven Central jars only: flink-dist is not on Maven Central for Flink 2.x, so the class
# path of deploy/flink-runtime/pom.xml stands in for a distribution's lib/, and this script does what
# bin/jobmanager.sh and bin/taskmanager.sh do (memory flags from BashJavaUtils, then the entry points).
#
#   deploy/local-cluster.sh start     generate conf/, start both JVMs, wait until the REST API answers
#   deploy/local-cluster.sh status    exit 0 and print the overview if it is up
#   deploy/local-cluster.sh stop      stop both JVMs (by the process ids recorded at start)
#   deploy/local-cluster.sh conf      only generate conf/ (what start would run with) and print its path
#   deploy/local-cluster.sh kill-taskmanager
#                                     SIGKILL the TaskManager JVM (a crash: no shutdown hook runs), start a
#                                     new one, wait until it registers (deploy/e2e-kill.sh)
#
# Settings (environment):
#   FLINK_REST_PORT       web UI / REST port (default 8081)
#   METRICS_PORTS         Prometheus endpoints: the JobManager and the TaskManager each take the
#                         first free port of this range (default 9249-9259)
#   FLOWCAST_CLUSTER_DIR  conf, logs, pids, checkpoints, savepoints (default deploy/target/local-cluster)
#   STATE_BACKEND         rocksdb (default) or hashmap
#   TM_SLOTS              task slots of the one TaskManager, also parallelism.default (default 2)
#   START_TIMEOUT         seconds to wait for the cluster (default 120)
set -euo pipefail

DEPLOY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${FLOWCAST_CLUSTER_DIR:-$DEPLOY/target/local-cluster}
REST_PORT=${FLINK_REST_PORT:-8081}
METRICS_PORTS=${METRICS_PORTS:-9249-9259}
STATE_BACKEND=${STATE_BACKEND:-rocksdb}
TM_SLOTS=${TM_SLOTS:-2}
START_TIMEOUT=${START_TIMEOUT:-120}
CLASSPATH_FILE=$DEPLOY/target/flink-runtime.classpath

# What Flink's own config.yaml passes to every JVM on Java 17 (env.java.opts.all).
JAVA17_OPTS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

# flowcast's LSTM kernel uses the Vector API, an incubator module in JDK 17 that only the launcher
# can add (without it a plain-loop kernel runs, same numbers, about 1.5x slower per batched step).
FLOWCAST_OPTS=(--add-modules=jdk.incubator.vector)

say() { echo "local-cluster: $*" >&2; }
die() { say "$*"; exit 1; }

# True when something accepts connections on 127.0.0.1:$1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port nothing listens on, from $1 upwards: the TaskManager must know the JobManager's RPC port.
free_port_from() {
  local p=$1
  while port_in_use "$p"; do p=$((p + 1)); done
  echo "$p"
}

# Process id from $1 if that process is alive and is one of ours (its command line names our conf dir).
live_pid() {
  local file=$DIR/$1.pid pid
  [[ -f $file ]] || return 1
  pid=$(<"$file")
  [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "--configDir $DIR/conf" || return 1
  echo "$pid"
}

rest_url() { echo "http://127.0.0.1:$(sed -n 's/^rest.port: *//p' "$DIR/conf/config.yaml")"; }

# The endpoints the reporters started on, from their log lines ("... HTTP server on port N").
metrics_urls() {
  local name port urls=()
  for name in jobmanager taskmanager; do
    port=$(sed -n 's/.*Started PrometheusReporter HTTP server on port \([0-9]*\).*/\1/p' "$DIR/log/flink-$name.log" | tail -n 1)
    if [[ -n $port ]]; then
      urls+=("$name http://127.0.0.1:$port/metrics")
    else
      urls+=("$name (no port logged; see $DIR/log)")
    fi
  done
  local IFS=,
  echo "${urls[*]}" | sed 's/,/, /g'
}

flink_classpath() {
  if [[ ! -s $CLASSPATH_FILE || $DEPLOY/flink-runtime/pom.xml -nt $CLASSPATH_FILE ]]; then
    say "resolving the Flink runtime class path with Maven (deploy/flink-runtime/pom.xml)"
    mkdir -p "$(dirname "$CLASSPATH_FILE")"
    local args=(-q -B -f "$DEPLOY/flink-runtime/pom.xml" dependency:build-classpath "-Dmdep.outputFile=$CLASSPATH_FILE")
    # Offline first (the usual case: everything is cached); online when an artifact is missing.
    mvn -o "${args[@]}" >/dev/null 2>&1 || mvn "${args[@]}" >&2 || die "could not resolve the Flink runtime with Maven"
  fi
  cat "$CLASSPATH_FILE"
}

write_conf() {
  local rpc_port=$1
  mkdir -p "$DIR/conf" "$DIR/log" "$DIR/plugins" "$DIR/tmp" "$DIR/web-upload" "$DIR/checkpoints" "$DIR/savepoints"
  cat >"$DIR/conf/config.yaml" <<EOF
# Generated by deploy/local-cluster.sh: a one-machine session cluster that listens on 127.0.0.1 only.
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $rpc_port
jobmanager.bind-host: 127.0.0.1
jobmanager.memory.process.size: 1024m
taskmanager.host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.numberOfTaskSlots: $TM_SLOTS
taskmanager.memory.process.size: 1728m
parallelism.default: $TM_SLOTS
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $REST_PORT
# Uploaded jars and temporary files stay inside this cluster's folder, not in the shared /tmp.
web.upload.dir: $DIR/web-upload
io.tmp.dirs: $DIR/tmp
# Keyed state (a recurrent state and a history ring per series, the trainer's replay buffers) grows
# with the number of series: RocksDB keeps it off the heap, and incremental checkpoints upload only
# what changed since the last one. Checkpoints go to files, never to the JobManager's memory, whose
# size limit fails every checkpoint once state is larger than a few MiB.
state.backend.type: $STATE_BACKEND
execution.checkpointing.incremental: true
# Every event reads its series' state by key: a Bloom filter per SST file lets a lookup skip the
# files that do not hold the key instead of searching each one.
state.backend.rocksdb.use-bloom-filter: true
execution.checkpointing.dir: file://$DIR/checkpoints
execution.checkpointing.savepoint-dir: file://$DIR/savepoints
# Keep the last checkpoint of a cancelled job, so it can be resumed like a savepoint.
execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION
# Flink's Prometheus reporter: every metric of the process it runs in (the cluster's, the job's,
# flowcast's own operators') as text for a scraper. Two JVMs on one machine: each takes the first
# free port of the range. The reporter has no address setting and listens on every interface.
metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
metrics.reporter.prom.port: $METRICS_PORTS
EOF
  # Flink's log4j.properties, shortened: one file per process, named by -Dlog.file, which is also
  # where the web UI's log tabs read from.
  cat >"$DIR/conf/log4j.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = RollingFile
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.filePattern = ${sys:log.file}.%i
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
appender.main.policies.type = Policies
appender.main.policies.size.type = SizeBasedTriggeringPolicy
appender.main.policies.size.size = 100MB
appender.main.strategy.type = DefaultRolloverStrategy
appender.main.strategy.max = 10
# Every transactional producer of the exactly-once sinks logs its whole configuration at INFO.
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
logger.pekko.name = org.apache.pekko
logger.pekko.level = INFO
EOF
}

# Memory flags (line 1) and the -D settings they imply (line 2), as bin/config.sh computes them.
resource_params() {
  local cmd=$1 cp=$2 out
  out=$(java -cp "$cp" org.apache.flink.runtime.util.bash.BashJavaUtils "$cmd" --configDir "$DIR/conf" 2>&1) ||
    die "BashJavaUtils $cmd failed: $out"
  out=$(grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$out" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')
  [[ $(wc -l <<<"$out") -eq 2 ]] || die "BashJavaUtils $cmd: unexpected output: $out"
  echo "$out"
}

# Starts one JVM in the background: $1 = jobmanager|taskmanager, $2 = class path, $3 = entry class.
launch() {
  local name=$1 cp=$2 main=$3 params jvm dynamic
  params=$(resource_params "$([[ $name == jobmanager ]] && echo GET_JM_RESOURCE_PARAMS || echo GET_TM_RESOURCE_PARAMS)" "$cp")
  read -r -a jvm <<<"$(sed -n 1p <<<"$params")"
  read -r -a dynamic <<<"$(sed -n 2p <<<"$params")"
  # Without a plugins folder Flink warns about ./plugins relative to wherever this was started.
  FLINK_PLUGINS_DIR=$DIR/plugins nohup java "${jvm[@]}" "${JAVA17_OPTS[@]}" "${FLOWCAST_OPTS[@]}" \
    "-Dlog.file=$DIR/log/flink-$name.log" "-Dlog4j.configurationFile=file:$DIR/conf/log4j.properties" \
    -classpath "$cp" "$main" --configDir "$DIR/conf" "${dynamic[@]}" \
    >"$DIR/log/flink-$name.out" 2>&1 </dev/null &
  echo $! >"$DIR/$name.pid"
}

stop_one() {
  local name=$1 pid waited=0
  pid=$(live_pid "$name") || { rm -f "$DIR/$name.pid"; return 0; }
  kill "$pid"
  # Flink shuts down cleanly on SIGTERM within seconds; give it 30 s, then end it hard.
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= 30)); then
      say "$name ($pid) still running after 30 s: killing it"
      kill -9 "$pid" 2>/dev/null || true
      break
    fi
    sleep 1
    waited=$((waited + 1))
  done
  rm -f "$DIR/$name.pid"
  say "stopped $name ($pid)"
}

stop() {
  stop_one taskmanager
  stop_one jobmanager
}

start() {
  if live_pid jobmanager >/dev/null || live_pid taskmanager >/dev/null; then
    die "already running ($(rest_url)); deploy/local-cluster.sh stop first"
  fi
  command -v curl >/dev/null || die "needs curl"
  port_in_use "$REST_PORT" && die "port $REST_PORT on 127.0.0.1 is in use; set FLINK_REST_PORT to another one"
  local started=$SECONDS cp
  cp=$(flink_classpath)
  rm -rf "$DIR/conf" "$DIR/log"
  write_conf "$(free_port_from 6123)"
  # A start that fails half-way (an error, a timeout, Ctrl-C) must not leave a JVM behind.
  up=0
  trap 'if ((!up)); then say "start failed: stopping what was started"; stop; fi' EXIT
  trap 'exit 130' INT TERM
  launch jobmanager "$cp" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
  launch taskmanager "$cp" org.apache.flink.runtime.taskexecutor.TaskManagerRunner
  local url overview
  url=$(rest_url)
  say "waiting for $url (up to $START_TIMEOUT s)"
  until overview=$(curl -sf --max-time 2 "$url/overview") && [[ $overview == *'"taskmanagers":1'* ]]; do
    for name in jobmanager taskmanager; do
      if ! live_pid "$name" >/dev/null; then
        tail -n 20 "$DIR/log/flink-$name.out" "$DIR/log/flink-$name.log" >&2 2>/dev/null || true
        die "$name exited during start; logs in $DIR/log"
      fi
    done
    if ((SECONDS - started > START_TIMEOUT)); then
      die "no TaskManager registered at $url after $START_TIMEOUT s; logs in $DIR/log"
    fi
    sleep 1
  done
  up=1
  trap - INT TERM
  cat >&2 <<EOF
local-cluster: up in $((SECONDS - started)) s
  web UI / REST  $url/
  Prometheus     $(metrics_urls)
  slots          $TM_SLOTS (one TaskManager), parallelism.default $TM_SLOTS
  state backend  $STATE_BACKEND, checkpoints $DIR/checkpoints, savepoints $DIR/savepoints
  conf           $DIR/conf/config.yaml
  logs           $DIR/log (also in the web UI)
  stop           ${FLOWCAST_CLUSTER_DIR:+FLOWCAST_CLUSTER_DIR=$DIR }deploy/local-cluster.sh stop
EOF
}

# A TaskManager crash and its replacement: the running job fails over to the new one from its last
# checkpoint (the restart strategy of a checkpointed job retries without end).
kill_taskmanager() {
  local pid url before now started=$SECONDS
  pid=$(live_pid taskmanager) || die "no TaskManager running"
  live_pid jobmanager >/dev/null || die "no JobManager running"
  command -v jq >/dev/null || die "needs jq"
  url=$(rest_url)
  before=$(curl -sf --max-time 5 "$url/taskmanagers" | jq -r '.taskmanagers[].id')
  kill -9 "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  say "killed taskmanager ($pid) with SIGKILL"
  launch taskmanager "$(flink_classpath)" org.apache.flink.runtime.taskexecutor.TaskManagerRunner
  # The new TaskManager registers at once; the dead one is dropped when its heartbeats fail.
  while :; do
    now=$(curl -sf --max-time 2 "$url/taskmanagers" | jq -r '.taskmanagers[].id' 2>/dev/null) || now=
    [[ -n $now ]] && grep -qvxF -f <(echo "$before") <<<"$now" && break
    live_pid taskmanager >/dev/null || die "the new taskmanager exited; logs in $DIR/log"
    ((SECONDS - started <= START_TIMEOUT)) || die "the new taskmanager did not register in $START_TIMEOUT s"
    sleep 1
  done
  say "new taskmanager ($(live_pid taskmanager)) registered $((SECONDS - started)) s after the kill"
}

# Only the configuration, for a look at it (and for the deploy module's tests) without starting anything.
conf() {
  if live_pid jobmanager >/dev/null || live_pid taskmanager >/dev/null; then
    die "running ($(rest_url)): its conf/ stays as it started; deploy/local-cluster.sh stop first"
  fi
  write_conf "$(free_port_from 6123)"
  echo "$DIR/conf/config.yaml"
}

status() {
  local jm tm
  jm=$(live_pid jobmanager) || jm=
  tm=$(live_pid taskmanager) || tm=
  if [[ -z $jm && -z $tm ]]; then
    say "not running"
    return 3
  fi
  say "jobmanager pid ${jm:-none}, taskmanager pid ${tm:-none}, REST $(rest_url)"
  curl -sf --max-time 5 "$(rest_url)/overview" || { say "REST API does not answer"; return 1; }
  echo
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  conf) conf ;;
  kill-taskmanager) kill_taskmanager ;;
  *) echo "usage: $0 start|stop|status|conf|kill-taskmanager" >&2; exit 2 ;;
esac
