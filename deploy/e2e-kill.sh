#!/usr/bin/env bash
# Exactly once when the TaskManager process dies, on the real standalone cluster: the same events go
# through the cluster job twice, each time on a fresh broker and cluster,
#   1. undisturbed (the reference), and
#   2. with the TaskManager JVM killed with SIGKILL mid-stream (local-cluster.sh kill-taskmanager: no
#      shutdown hook, no clean close of anything) and a new one started; the job fails over to it from
#      its last checkpoint;
# then what each run committed is compared, as read_committed consumers read it: every forecast and
# dead letter of the reference exactly once in the killed run, with the same bytes (the wall-clock
# emittedAt left out), and nothing else.
#
#   mvn -q -B package -DskipTests && deploy/e2e-kill.sh
#
# EVENTS (default 4000) events, fed at SPEED (default 400) events/s so that the kill lands mid-stream
# (after half of them are committed); KEEP=1 keeps the work folder. `mvn verify` runs it
# (deploy's TaskManagerKillITCase, after the jars are packaged).
set -euo pipefail

DEPLOY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$DEPLOY")
EVENTS=${EVENTS:-4000}
SPEED=${SPEED:-400}
FLOWCAST_JAR=$ROOT/jobs/target/flowcast.jar
WAIT=${WAIT:-240} # seconds, for every bounded wait below

WORK=$(mktemp -d -t flowcast-e2e-kill.XXXXXX)
export FLOWCAST_CLUSTER_DIR=$WORK/cluster
KAFKA_PID=
FEED_PID=

# shellcheck source=script-lib.sh
source "$DEPLOY/script-lib.sh"
FLOWCAST=(java -jar "$FLOWCAST_JAR")

stop_kafka() {
  if [[ -n $KAFKA_PID ]] && kill -0 "$KAFKA_PID" 2>/dev/null; then
    kill "$KAFKA_PID"
    for _ in $(seq 30); do kill -0 "$KAFKA_PID" 2>/dev/null || break; sleep 1; done
    kill -9 "$KAFKA_PID" 2>/dev/null || true
    wait "$KAFKA_PID" 2>/dev/null || true
  fi
  KAFKA_PID=
}

cleanup() {
  local rc=$?
  set +e
  trap - INT TERM
  [[ -n $FEED_PID ]] && kill "$FEED_PID" 2>/dev/null
  "$DEPLOY/local-cluster.sh" stop 2>&1 | sed 's/^/        /'
  stop_kafka
  if [[ $rc -ne 0 || ${KEEP:-0} == 1 ]]; then
    say "logs and outputs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ -f $FLOWCAST_JAR && -f $DEPLOY/target/flowcast-cluster.jar ]] || die "build first: mvn -q -B package -DskipTests"
command -v jq >/dev/null && command -v curl >/dev/null || die "needs curl and jq (apt-get install curl jq)"

# One run on a fresh broker (its topics empty: it deletes its data when it stops) and a fresh cluster;
# $1 = name, $2 = kill (1: SIGKILL the TaskManager once half of the records are committed), $3 = the
# first port to try for the broker (each run its own: clients of the last one may still knock on its).
run() {
  local name=$1 kill=$2 port bootstrap job out=$WORK/$1
  mkdir -p "$out"
  port=$(free_port_from "$3")
  bootstrap=127.0.0.1:$port
  "${FLOWCAST[@]}" kafka --port "$port" --partitions 2 >"$out/kafka.out" 2>"$out/kafka.log" &
  KAFKA_PID=$!
  for ((i = 0; ; i++)); do
    grep -qs '^  topics' "$out/kafka.out" && break
    kill -0 "$KAFKA_PID" 2>/dev/null || die "the broker exited: $(tail -n 5 "$out/kafka.log")"
    ((i < WAIT)) || die "no broker after $WAIT s"
    sleep 1
  done
  export FLINK_REST_PORT
  FLINK_REST_PORT=$(free_port_from $(($3 - 1011)))
  rm -rf "$FLOWCAST_CLUSTER_DIR"
  "$DEPLOY/local-cluster.sh" start 2>&1 | sed 's/^/        /'
  job=$("$DEPLOY/submit.sh" --rest "http://127.0.0.1:$FLINK_REST_PORT" -- --bootstrap-servers "$bootstrap" \
    --checkpoint-interval 2s 2> >(sed 's/^/        /' >&2))
  say "$name: job $job running"
  "${FLOWCAST[@]}" feed --bootstrap-servers "$bootstrap" --limit "$EVENTS" --speed "$SPEED" >"$out/feed.log" 2>&1 &
  FEED_PID=$!
  if ((kill)); then
    "${FLOWCAST[@]}" tail --bootstrap-servers "$bootstrap" --max $((EVENTS / 2)) --timeout "${WAIT}s" >/dev/null \
      2>>"$out/tail.log" || die "$name: fewer than $((EVENTS / 2)) records committed within $WAIT s"
    say "$name: $((EVENTS / 2)) records committed; killing the TaskManager"
    "$DEPLOY/local-cluster.sh" kill-taskmanager 2>&1 | sed 's/^/        /'
  fi
  wait "$FEED_PID" || die "$name: the feed failed: $(tail -n 3 "$out/feed.log")"
  FEED_PID=
  "${FLOWCAST[@]}" tail --bootstrap-servers "$bootstrap" --max "$EVENTS" --timeout "${WAIT}s" >"$out/committed.jsonl" \
    2>>"$out/tail.log" || die "$name: fewer than $EVENTS records committed within $WAIT s"
  sleep 6 # three checkpoints: a duplicate, if any, would be committed by now
  # Everything committed: one more than expected never comes (unless duplicated); the timeout ends the read.
  "${FLOWCAST[@]}" tail --bootstrap-servers "$bootstrap" --max $((EVENTS + 1)) --timeout 15s >"$out/committed.jsonl" \
    2>>"$out/tail.log" || true
  local restarts
  restarts=$(curl -sf "http://127.0.0.1:$FLINK_REST_PORT/jobs/$job/checkpoints" | jq -r '.counts.restored')
  say "$name: $(wc -l <"$out/committed.jsonl") records committed; checkpoints restored: $restarts"
  if ((kill)); then
    ((restarts >= 1)) || die "$name: the job did not restore a checkpoint after the kill"
  fi
  curl -sf -X PATCH "http://127.0.0.1:$FLINK_REST_PORT/jobs/$job?mode=cancel" >/dev/null || true
  "$DEPLOY/local-cluster.sh" stop 2>&1 | sed 's/^/        /'
  stop_kafka
  # Comparable lines: each record without its wall-clock field, sorted.
  jq -c 'del(.emittedAt)' "$out/committed.jsonl" | sort >"$out/records.sorted"
}

run reference 0 19092
run killed 1 19192

ref=$WORK/reference/records.sorted
got=$WORK/killed/records.sorted
total=$(wc -l <"$ref")
distinct=$(sort -u "$got" | wc -l)
lost=$(comm -23 "$ref" <(sort -u "$got") | wc -l)
extra=$(comm -13 "$ref" <(sort -u "$got") | wc -l)
duplicated=$(($(wc -l <"$got") - distinct))
say "compared $total records: lost $lost, duplicated $duplicated, other (extra or differing) $extra"
((total >= EVENTS)) || die "the reference committed $total records, fewer than $EVENTS"
((lost == 0 && duplicated == 0 && extra == 0)) || die "the killed run differs from the reference"
say "PASSED: a TaskManager killed mid-stream lost, duplicated and changed nothing ($SECONDS s)"
