#!/usr/bin/env bash
# The chaos suite: the real service binaries, the real RabbitMQ and PostgreSQL and the sample
# site, one fault per scenario in the middle of a run. After each, the archive must equal the
# sample site's /manifest.json exactly (every article once, nothing else), and every dead letter
# must be a row in `failures` (and the other way round).
#
# Usage: scripts/chaos.sh [--issues N] [SCENARIO...]
#   scenarios: kill-crawler kill-parser kill-indexer site-faults rabbitmq-restart
#              postgres-restart (default: all of them)
#   EPAPER_CHAOS_RESTARTS=0 skips the two that restart RabbitMQ / PostgreSQL (they disturb
#   anything else using those servers at the same moment).
# Needs PostgreSQL on 127.0.0.1:5432 (postgres, trust), RabbitMQ on 127.0.0.1:5672 (guest), and
# permission to restart both (root, as in CI). Prints one table row per scenario; exits 1 if any
# scenario fails. Builds the binaries first (debug profile).
set -euo pipefail
cd "$(dirname "$0")/.."

ISSUES=60
if [ "${1:-}" = "--issues" ]; then ISSUES=$2; shift 2; fi
SCENARIOS=("$@")
if [ ${#SCENARIOS[@]} -eq 0 ]; then
  SCENARIOS=(kill-crawler kill-parser kill-indexer site-faults)
  if [ "${EPAPER_CHAOS_RESTARTS:-1}" != 0 ]; then
    SCENARIOS+=(rabbitmq-restart postgres-restart)
  fi
fi

cargo build -q --bins -p epaper -p epaper-crawler -p epaper-parser -p epaper-indexer
BIN=$PWD/target/debug
WORK=$(mktemp -d "${TMPDIR:-/tmp}/epaper-chaos.XXXXXX")
echo "logs in $WORK"
PSQL=(psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -Atq)

wait_up() {
  for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 && rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1; then
      return 0
    fi
    sleep 1
  done
  echo "PostgreSQL or RabbitMQ did not come back" >&2
  return 1
}

# Dead letters waiting in this run's dead-letter queues, exactly (passive declares).
dead_letters() {
  "$BIN/epaper" status --json 2>/dev/null | python3 -c '
import json, sys
print(sum(q["ready"] for q in json.load(sys.stdin)["queues"] if q["name"].endswith(".dlq")))'
}

# The messages of this run's queues, ready + unacked, by queue (dead-letter queues apart).
queue_depth() { # prefix
  local pattern="^$1[.](crawl|parse|index)([.]delay[.][0-9]+)?$"
  rabbitmqctl -q list_queues name messages --no-table-headers 2>/dev/null |
    awk -v p="$pattern" '$1 ~ p { n += $2 } END { print n + 0 }'
}

# A restarting loop around one service, as systemd/compose/Kubernetes would run it.
supervise() { # dir name
  local dir=$1 name=$2 rc
  while [ ! -e "$dir/stop" ]; do
    "$BIN/$name" >>"$dir/$name.log" 2>&1 &
    echo $! >"$dir/$name.pid"
    rc=0
    wait $! || rc=$?
    [ -e "$dir/stop" ] && break
    echo "$(date +%T.%N) $name exited $rc, restarting" >>"$dir/restarts"
    sleep 1
  done
}

run_scenario() {
  local scenario=$1 faults=none
  [ "$scenario" = site-faults ] && faults=transient
  local id
  id="chaos_$(date +%s)_$RANDOM"
  local dir="$WORK/$scenario"
  mkdir -p "$dir"

  "$BIN/epaper" sample-site --addr 127.0.0.1:0 --issues "$ISSUES" --faults "$faults" \
    >"$dir/site.out" 2>"$dir/site.log" &
  local site_pid=$!
  for _ in $(seq 1 50); do [ -s "$dir/site.out" ] && break; sleep 0.1; done
  local base
  base=$(head -n1 "$dir/site.out")
  curl -fs "${base}manifest.json" >"$dir/manifest.json"
  local dates
  dates=$(python3 -c 'import json,sys; d=[i["date"] for i in json.load(open(sys.argv[1]))["issues"]]; print(d[0], d[-1])' "$dir/manifest.json")
  local expected
  expected=$(python3 -c 'import json,sys; print(sum(len(p["articles"]) for i in json.load(open(sys.argv[1]))["issues"] for p in i["pages"]))' "$dir/manifest.json")

  "${PSQL[@]}" -d postgres -c "CREATE DATABASE $id"
  export EPAPER__DATABASE__URL="postgresql://postgres@127.0.0.1:5432/$id"
  export EPAPER__AMQP__URL="${EPAPER_TEST_AMQP:-amqp://guest:guest@127.0.0.1:5672/%2f}"
  export EPAPER__AMQP__QUEUE_PREFIX=$id
  # Tiers long enough together (1 + 3 + 8 s) to outlast a PostgreSQL restart.
  export EPAPER__AMQP__RETRY_DELAYS_SECS="1,3,8"
  export EPAPER__SERVICE__SHUTDOWN_GRACE_SECS=10
  export EPAPER__SERVICE__HTTP_ADDR=127.0.0.1:0
  export EPAPER__TELEMETRY__FORMAT=json
  "$BIN/epaper" migrate >"$dir/migrate.log" 2>&1

  local sup=()
  for name in epaper-crawler epaper-parser epaper-indexer; do
    supervise "$dir" "$name" &
    sup+=($!)
  done
  local started=$SECONDS
  "$BIN/epaper" enqueue --site sample --base-url "$base" --from "${dates% *}" --to "${dates#* }" \
    >"$dir/enqueue.log" 2>&1
  local want_dead=0
  if [ "$scenario" = site-faults ]; then
    # And one issue of a site that is down for good: its crawl goes through every delay tier
    # and ends as a dead letter and a failures row.
    "$BIN/epaper" enqueue --site sample --base-url http://127.0.0.1:9/ --from 2023-01-02 \
      --to 2023-01-02 >>"$dir/enqueue.log" 2>&1
    want_dead=1
  fi

  # Mid-run: once a fifth of the articles are stored.
  local stored=0
  for _ in $(seq 1 600); do
    stored=$("${PSQL[@]}" -d "$id" -c 'SELECT count(*) FROM articles')
    [ "$stored" -ge $((expected / 5)) ] && break
    sleep 0.1
  done
  local in_flight
  in_flight="$((expected - stored)) of $expected articles"
  case $scenario in
    kill-crawler | kill-parser | kill-indexer)
      kill -9 "$(cat "$dir/epaper-${scenario#kill-}.pid")"
      ;;
    rabbitmq-restart)
      rabbitmqctl -q stop_app
      sleep 2
      rabbitmqctl -q start_app
      wait_up
      ;;
    postgres-restart)
      # Down for 3 s, so that the indexer's writes fail meanwhile and go to the delay tiers.
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main stop
      sleep 3
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
      wait_up
      ;;
  esac

  # Wait for the archive to settle: every article stored and no message left in the work and
  # delay queues.
  local deadline=$((SECONDS + 240)) depth=1
  while [ $SECONDS -lt $deadline ]; do
    stored=$("${PSQL[@]}" -d "$id" -c 'SELECT count(*) FROM articles' 2>/dev/null || echo 0)
    depth=$(queue_depth "$id")
    if [ "$stored" -ge "$expected" ] && [ "$depth" -eq 0 ] && [ "$(dead_letters)" -ge $want_dead ]; then
      # RabbitMQ's listed counts of quorum queues lag by up to 5 s: make sure it stays quiet.
      sleep 6
      [ "$(queue_depth "$id")" -eq 0 ] && break
    fi
    sleep 1
  done
  local took=$((SECONDS - started))
  local dead
  dead=$(dead_letters)

  # Stop the services (SIGTERM: they drain and exit 0).
  touch "$dir/stop"
  for name in epaper-crawler epaper-parser epaper-indexer; do
    kill -TERM "$(cat "$dir/$name.pid")" 2>/dev/null || true
  done
  wait "${sup[@]}" 2>/dev/null || true
  kill "$site_pid" 2>/dev/null || true
  wait "$site_pid" 2>/dev/null || true

  # The verdict: the stored article URLs against the manifest, dead letters against failures.
  "${PSQL[@]}" -d "$id" -c 'SELECT url FROM articles' >"$dir/stored.txt"
  local failures restarts
  dead=$(dead_letters)
  failures=$("${PSQL[@]}" -d "$id" -c 'SELECT count(*) FROM failures')
  restarts=0
  [ -e "$dir/restarts" ] && restarts=$(wc -l <"$dir/restarts")
  local verdict
  verdict=$(python3 - "$dir/manifest.json" "$dir/stored.txt" "$dead" "$failures" "$want_dead" <<'PY'
import json, sys
manifest = json.load(open(sys.argv[1]))
want = [a for i in manifest["issues"] for p in i["pages"] for a in p["articles"]]
got = [l for l in open(sys.argv[2]).read().split("\n") if l]
dead, failures, want_dead = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
missing = set(want) - set(got)
extra = set(got) - set(want)
dups = len(got) - len(set(got))
ok = not missing and not extra and dups == 0 and dead == failures == want_dead
print(f"{'PASS' if ok else 'FAIL'} | {len(got)}/{len(want)} stored, {len(missing)} missing, "
      f"{len(extra)} unexpected, {dups} duplicates | {dead} dead letters, {failures} failures rows")
PY
)
  echo "| $scenario | $in_flight | $verdict | $restarts restarts | ${took} s |" | tee -a "$WORK/results.md"

  # Clean up this scenario's queues and database.
  rabbitmqctl -q list_queues name --no-table-headers 2>/dev/null | grep "^$id[.]" |
    while read -r q; do rabbitmqctl -q delete_queue "$q" </dev/null >/dev/null 2>&1 || true; done
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $id WITH (FORCE)"
  [[ $verdict == PASS* ]]
}

echo "| scenario | in flight at the fault (articles not yet stored) | outcome | supervisor restarts | time |"
echo "| --- | --- | --- | --- | --- |"
failed=0
for scenario in "${SCENARIOS[@]}"; do
  run_scenario "$scenario" || failed=1
done
exit $failed
