#!/usr/bin/env bash
# The whole deployment path on this machine, with real processes, checked end to end:
#   a Kafka broker (flowcast kafka) -> a standalone Flink cluster (local-cluster.sh) -> the cluster jar
#   submitted over REST (submit.sh) -> Beijing events fed (flowcast feed) -> every forecast read back
#   with read_committed, exactly once (flowcast tail) -> stop with a savepoint -> the job resumed from
#   it -> the next events fed -> again every forecast exactly once -> everything stopped.
# Exits 0 only if every check passes; whatever it started is stopped on any exit, Ctrl-C included.
#
#   mvn -q -B package -DskipTests && deploy/e2e.sh
#
# EVENTS (default 2000) events are fed per phase; KEEP=1 keeps the work folder (logs, outputs).
set -euo pipefail

DEPLOY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$DEPLOY")
EVENTS=${EVENTS:-2000}
FLOWCAST_JAR=$ROOT/jobs/target/flowcast.jar
WAIT=120 # seconds, for every bounded wait below

WORK=$(mktemp -d -t flowcast-e2e.XXXXXX)
# Its own cluster folder and ports: a cluster or broker someone else runs here is left alone.
export FLOWCAST_CLUSTER_DIR=$WORK/cluster
KAFKA_PID=
READERS=() # background tail processes

# shellcheck source=script-lib.sh
source "$DEPLOY/script-lib.sh"
now_ms() { date +%s%3N; }
# An array, not a function: a function run with & forks a subshell, and $! would be the subshell's
# process id rather than the JVM's, which then outlives the kill in cleanup.
FLOWCAST=(java -jar "$FLOWCAST_JAR")

cleanup() {
  local rc=$?
  set +e
  trap - INT TERM
  say "stopping everything"
  for pid in "${READERS[@]}"; do kill "$pid" 2>/dev/null; done
  "$DEPLOY/local-cluster.sh" stop 2>&1 | sed 's/^/        /'
  if [[ -n $KAFKA_PID ]] && kill -0 "$KAFKA_PID" 2>/dev/null; then
    kill "$KAFKA_PID"
    # The broker stops on SIGTERM in a few seconds and deletes its data; give it 30 s.
    for _ in $(seq 30); do kill -0 "$KAFKA_PID" 2>/dev/null || break; sleep 1; done
    kill -9 "$KAFKA_PID" 2>/dev/null && say "the broker did not stop in 30 s: killed"
    wait "$KAFKA_PID" 2>/dev/null
    say "Kafka stopped"
  fi
  if [[ $rc -ne 0 || ${KEEP:-0} == 1 ]]; then
    say "logs and outputs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Reads forecasts with read_committed until $1 records arrived into $2; fails after $WAIT s.
read_back() {
  "${FLOWCAST[@]}" tail --bootstrap-servers "$BOOTSTRAP" --max "$1" --timeout "${WAIT}s" >"$2" 2>>"$WORK/tail.log" ||
    die "fewer than $1 committed records within $WAIT s: $(tail -n 2 "$WORK/tail.log")"
}

# Every line a forecast, and each (series, event time) exactly once: $1 = file, $2 = expected count.
check_exactly_once() {
  local lines forecasts distinct
  lines=$(wc -l <"$1")
  forecasts=$(jq -r 'select(.values) | "\(.key) \(.eventTime)"' "$1" | wc -l)
  distinct=$(jq -r 'select(.values) | "\(.key) \(.eventTime)"' "$1" | sort -u | wc -l)
  [[ $lines -eq $2 && $forecasts -eq $2 && $distinct -eq $2 ]] ||
    die "expected $2 distinct forecasts, got $lines records, $forecasts forecasts, $distinct distinct"
  say "checked: $2 records, all forecasts, $distinct distinct (series, event time): exactly once"
}

[[ -f $FLOWCAST_JAR && -f $DEPLOY/target/flowcast-cluster.jar ]] ||
  die "build first: mvn -q -B package -DskipTests"
command -v jq >/dev/null && command -v curl >/dev/null || die "needs curl and jq (apt-get install curl jq)"

# 1. Kafka
KAFKA_PORT=$(free_port_from 19092)
BOOTSTRAP=127.0.0.1:$KAFKA_PORT
"${FLOWCAST[@]}" kafka --port "$KAFKA_PORT" --partitions 2 >"$WORK/kafka.out" 2>"$WORK/kafka.log" &
KAFKA_PID=$!
for ((i = 0; ; i++)); do
  grep -qs '^  topics' "$WORK/kafka.out" && break
  kill -0 "$KAFKA_PID" 2>/dev/null || die "the broker exited: $(tail -n 5 "$WORK/kafka.log")"
  ((i < WAIT)) || die "no broker after $WAIT s"
  sleep 1
done
say "Kafka up at $BOOTSTRAP (flowcast kafka, pid $KAFKA_PID)"

# 2. Flink
export FLINK_REST_PORT
FLINK_REST_PORT=$(free_port_from 18081)
REST=http://127.0.0.1:$FLINK_REST_PORT
t=$SECONDS
"$DEPLOY/local-cluster.sh" start 2>&1 | sed 's/^/        /'
say "Flink cluster up in $((SECONDS - t)) s at $REST"
curl -sf "$REST/jobmanager/logs" | jq -e '.logs[] | select(.name == "flink-jobmanager.log" and .size > 0)' >/dev/null ||
  die "the web UI lists no JobManager log"

JOB_ARGS=(--bootstrap-servers "$BOOTSTRAP" --checkpoint-interval 2s)

# 3. Submit, feed, read back
t_submit=$(now_ms)
job=$("$DEPLOY/submit.sh" --rest "$REST" -- "${JOB_ARGS[@]}" 2> >(sed 's/^/        /' >&2))
say "job $job running, $(($(now_ms) - t_submit)) ms after submission"
"${FLOWCAST[@]}" tail --bootstrap-servers "$BOOTSTRAP" --max 1 --timeout "${WAIT}s" >"$WORK/first.jsonl" 2>>"$WORK/tail.log" &
first_pid=$!
READERS+=("$first_pid")
"${FLOWCAST[@]}" feed --bootstrap-servers "$BOOTSTRAP" --limit "$EVENTS" --speed 0 2>"$WORK/feed.log" | sed 's/^/        /'
wait "$first_pid" || die "no committed forecast within $WAIT s"
say "first committed forecast $(($(now_ms) - t_submit)) ms after submission: $(head -c 150 "$WORK/first.jsonl")..."
kernel=$(grep -ho 'LSTM kernel: .*' "$FLOWCAST_CLUSTER_DIR/log/flink-taskmanager.log" | head -n 1)
[[ $kernel == "LSTM kernel: Vector API"* ]] || die "the task manager does not run the Vector API kernel: '$kernel'"
say "task manager log: $kernel"
read_back "$EVENTS" "$WORK/phase1.jsonl"
check_exactly_once "$WORK/phase1.jsonl" "$EVENTS"

# 4. Stop with a savepoint, as the Kubernetes operator's savepoint upgrade mode does, and resume.
trigger=$(curl -sf -X POST -H "Content-Type: application/json" -d '{"drain": false}' "$REST/jobs/$job/stop" | jq -r '."request-id"')
for ((i = 0; ; i++)); do
  result=$(curl -sf "$REST/jobs/$job/savepoints/$trigger")
  [[ $(jq -r .status.id <<<"$result") == COMPLETED ]] && break
  ((i < WAIT)) || die "no savepoint after $WAIT s: $result"
  sleep 1
done
savepoint=$(jq -r '.operation.location // empty' <<<"$result")
[[ -n $savepoint ]] || die "savepoint failed: $result"
say "job stopped with savepoint $savepoint"
job=$("$DEPLOY/submit.sh" --rest "$REST" --savepoint "$savepoint" -- "${JOB_ARGS[@]}" 2> >(sed 's/^/        /' >&2))
say "job $job resumed from the savepoint"
"${FLOWCAST[@]}" feed --bootstrap-servers "$BOOTSTRAP" --skip "$EVENTS" --limit "$EVENTS" --speed 0 2>>"$WORK/feed.log" | sed 's/^/        /'
read_back $((2 * EVENTS)) "$WORK/phase2.jsonl"
restored=$(curl -sf "$REST/jobs/$job/checkpoints" | jq -r '.latest.restored.external_path // empty')
[[ $restored == "$savepoint" ]] || die "the resumed job restored from '$restored', not from $savepoint"
say "checked: the job restored its state and offsets from the savepoint"
# Offsets and open transactions carried over: no event of either phase is lost or forecast twice.
check_exactly_once "$WORK/phase2.jsonl" $((2 * EVENTS))
say "newest forecasts:"
jq -c '{key, ts, values}' "$WORK/phase2.jsonl" | tail -n 3 | sed 's/^/        /'

curl -sf -X PATCH "$REST/jobs/$job?mode=cancel" >/dev/null || die "could not cancel job $job"
say "PASSED: end to end in $SECONDS s"
