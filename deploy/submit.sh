#!/usr/bin/env bash
# Submits the forecasting job to a running Flink cluster through its REST API, the way the web UI's
# "Submit New Job" does: upload flowcast-cluster.jar (POST /jars/upload), run it with the program
# arguments (POST /jars/{id}/run), then wait until every task is RUNNING. The job id goes to stdout,
# everything else to stderr, so scripts can do: job=$(deploy/submit.sh -- --bootstrap-servers ...).
#
#   deploy/submit.sh [--rest URL] [--jar JAR] [--parallelism N] [--savepoint PATH [--allow-non-restored-state]] -- PROGRAM_ARGS...
#     --parallelism defaults to the cluster's parallelism.default
#   deploy/submit.sh -- --bootstrap-servers 127.0.0.1:9092 --checkpoint-interval 5s
#
# PROGRAM_ARGS are ClusterJob's: java -cp deploy/target/flowcast-cluster.jar:... io.flowcast.deploy.ClusterJob --help
# --savepoint resumes from a savepoint or retained checkpoint; --allow-non-restored-state drops the
# state of operators the new job no longer has (an upgrade from the first release: docs/training.md).
# SUBMIT_TIMEOUT (default 120) bounds each wait.
set -euo pipefail

DEPLOY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REST=http://127.0.0.1:${FLINK_REST_PORT:-8081}
JAR=$DEPLOY/target/flowcast-cluster.jar
PARALLELISM=
SAVEPOINT=
ALLOW_NON_RESTORED=false
TIMEOUT=${SUBMIT_TIMEOUT:-120}

say() { echo "submit: $*" >&2; }
die() { say "$*"; exit 1; }

while (($#)); do
  case $1 in
    --rest) REST=${2%/}; shift 2 ;;
    --jar) JAR=$2; shift 2 ;;
    --parallelism) PARALLELISM=$2; shift 2 ;;
    --savepoint) SAVEPOINT=$2; shift 2 ;;
    --allow-non-restored-state) ALLOW_NON_RESTORED=true; shift ;;
    --) shift; break ;;
    *) die "unknown option $1 (program arguments go after --)" ;;
  esac
done
(($#)) || die "no program arguments: deploy/submit.sh -- --bootstrap-servers HOST:PORT ..."
command -v curl >/dev/null && command -v jq >/dev/null || die "needs curl and jq (apt-get install curl jq)"
[[ -f $JAR ]] || die "$JAR not found: build it with 'mvn -q -B package -DskipTests'"
curl -sf --max-time 5 "$REST/overview" >/dev/null || die "no Flink REST API at $REST (deploy/local-cluster.sh start?)"

# A REST submission without a parallelism runs at 1, whatever the cluster's parallelism.default
# says (the run handler fills in the option's own default): pass the cluster's value explicitly.
if [[ -z $PARALLELISM ]]; then
  PARALLELISM=$(curl -sf --max-time 5 "$REST/jobmanager/config" |
    jq -r '[.[] | select(.key == "parallelism.default") | .value][0] // "1"')
fi

started=$SECONDS
upload=$(curl -sS --max-time "$TIMEOUT" -X POST -H "Expect:" -F "jarfile=@$JAR" "$REST/jars/upload")
[[ $(jq -r .status <<<"$upload" 2>/dev/null) == success ]] || die "upload failed: $upload"
jar_id=$(basename "$(jq -r .filename <<<"$upload")")
say "uploaded $(basename "$JAR") as $jar_id"

request=$(jq -n --arg parallelism "$PARALLELISM" --arg savepoint "$SAVEPOINT" --argjson allow "$ALLOW_NON_RESTORED" '
  {programArgsList: $ARGS.positional}
  + (if $parallelism == "" then {} else {parallelism: ($parallelism | tonumber)} end)
  + (if $savepoint == "" then {} else {savepointPath: $savepoint, allowNonRestoredState: $allow} end)' --args -- "$@")
# The cluster runs main() to build the job graph; bad arguments come back here as its exception.
run=$(curl -sS --max-time "$TIMEOUT" -X POST -H "Content-Type: application/json" -d "$request" "$REST/jars/$jar_id/run")
# The job now lives in the cluster's blob store; the uploaded copy is no longer needed.
curl -sS --max-time 10 -X DELETE "$REST/jars/$jar_id" >/dev/null || true
job=$(jq -r '.jobid // empty' <<<"$run" 2>/dev/null) || job=
if [[ -z $job ]]; then
  jq -r '.errors[]? // .' <<<"$run" | grep -v '^\s*at ' | head -n 30 >&2 || echo "$run" >&2
  die "the cluster refused the job"
fi
say "job $job accepted in $((SECONDS - started)) s (parallelism $PARALLELISM); waiting until its tasks run"

while :; do
  details=$(curl -sf --max-time 5 "$REST/jobs/$job") || details='{}'
  state=$(jq -r '.state // "UNKNOWN"' <<<"$details")
  case $state in
    FAILED | CANCELED | FINISHED)
      curl -sf --max-time 5 "$REST/jobs/$job/exceptions" | jq -r '.exceptionHistory.entries[0].stacktrace // empty' | head -n 20 >&2 || true
      die "job $job is $state" ;;
  esac
  # RUNNING as a job means scheduled; the tasks are deployed once every vertex is RUNNING too.
  if [[ $state == RUNNING ]] && jq -e '[.vertices[].status] | all(. == "RUNNING")' <<<"$details" >/dev/null; then
    break
  fi
  ((SECONDS - started < TIMEOUT)) || die "job $job not running after $TIMEOUT s (state $state); see $REST/#/job/running/$job"
  sleep 1
done
say "job $job running after $((SECONDS - started)) s: $REST/#/job/running/$job/overview"
echo "$job"
