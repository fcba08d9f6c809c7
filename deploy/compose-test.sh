#!/usr/bin/env bash
# The compose stack left alone (issue 18's "done when"), brought up for real without a registry:
# compose.yaml with compose.local.yaml under podman-compose, profile `sample` (the sample site
# publishing a new issue every EPAPER_COMPOSE_PUBLISH_EVERY seconds, 20 by default), the
# scheduler keeping the sample paper current every minute. No enqueue command is run: the test
# waits until the issues published after the stack came up are `complete` in the stack's
# PostgreSQL, compares their stored articles with the site's /manifest.json, prints the timings,
# and takes everything down again (`down -v`, the network, the copies), also on failure, after
# printing the containers' last log lines.
#
#  1. images, each built only when missing or stale: the debootstrap base (base-image.sh),
#     RabbitMQ and PostgreSQL from Debian packages (service-images.sh), the four runtime images
#     from release binaries (runtime-images.sh, the smoke test's; EPAPER_SMOKE_TARGET_DIR);
#  2. `podman-compose up` on a copy of the compose files (a developer's deploy/.env, which
#     podman-compose 1.0.3 lets override the environment, stays out), under a project name of
#     its own, so that nothing clashes with another run or the host's RabbitMQ and PostgreSQL:
#     no port is published but the management UI's, on a free one;
#  3. wait (EPAPER_COMPOSE_TIMEOUT_SECS from `up`, 360 by default) for the issues, then compare.
#
# Needs root, podman, podman-compose (installed with apt when missing), the apt mirror for the
# first build of the images, and cargo. The images stay (cached); `podman rmi` them to reclaim
# space.
set -euo pipefail
cd "$(dirname "$0")/.."

PUBLISH_EVERY=${EPAPER_COMPOSE_PUBLISH_EVERY:-20}
TIMEOUT_SECS=${EPAPER_COMPOSE_TIMEOUT_SECS:-360}
NEED_AFTER_START=2   # issues published after the stack came up that must be archived
TAG=${EPAPER_LOCAL_TAG:-smoke}
RUN_ID=$(tr -dc 'a-z0-9' </dev/urandom | head -c 8 || true)
PROJECT="epaper-compose-$RUN_ID"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/epaper-compose-test.XXXXXX")
SERVICES=(rabbitmq postgres migrate crawler parser indexer schedule sample-site)
T0=$(date +%s)

log() { printf '[compose %3ds] %s\n' "$(($(date +%s) - T0))" "$*"; }
fail() { log "FAIL: $*"; exit 1; }

export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/deploy/containers.conf}

compose() {
  (cd "$WORK/deploy" && timeout 180 podman-compose -p "$PROJECT" -f compose.yaml -f compose.local.yaml "$@")
}
container_of() { echo "${PROJECT}_$1_1"; }

# The end of podman-compose's log, which echoes the commands it ran, environment included: the
# run's throwaway passwords are masked all the same.
compose_log_tail() {
  local tail secret
  tail=$(tail -40 "$WORK/compose.log" 2>/dev/null || true)
  for secret in "${PG_PASSWORD:-}" "${MQ_PASSWORD:-}"; do
    if [ -n "$secret" ]; then tail=${tail//"$secret"/***}; fi
  done
  printf '%s\n' "$tail"
}

cleanup() {
  local status=$?
  set +e
  if [ -d "$WORK/deploy" ]; then
    if [ $status -ne 0 ]; then
      for service in "${SERVICES[@]}"; do
        echo "---- last log lines of $service"
        podman logs --tail 25 "$(container_of "$service")" 2>&1
      done
    fi
    compose down -v -t 10 >>"$WORK/compose.log" 2>&1
    # podman-compose 1.0.3 leaves the network; and a container it could not remove goes here.
    for service in "${SERVICES[@]}"; do
      podman rm -f -t 5 "$(container_of "$service")" >/dev/null 2>&1
    done
    podman network rm -f "${PROJECT}_default" >/dev/null 2>&1
    for volume in $(podman volume ls -q --filter "label=io.podman.compose.project=$PROJECT"); do
      podman volume rm -f "$volume" >/dev/null 2>&1
    done
    [ $status -ne 0 ] && compose_log_tail
  fi
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT

# ---- tools -------------------------------------------------------------------------------
. deploy/need-tools.sh
need_tools podman:podman podman-compose:podman-compose buildah:buildah debootstrap:debootstrap \
  runc:runc fuse-overlayfs:fuse-overlayfs slirp4netns:slirp4netns newuidmap:uidmap

# ---- 1. images ---------------------------------------------------------------------------
t=$(date +%s)
deploy/service-images.sh >"$WORK/images.log" 2>&1 || { cat "$WORK/images.log"; fail "no service images"; }
log "RabbitMQ and PostgreSQL images ready ($(($(date +%s) - t)) s)"
t=$(date +%s)
deploy/runtime-images.sh "$TAG" >>"$WORK/images.log" 2>&1 || { cat "$WORK/images.log"; fail "no runtime images"; }
log "runtime images localhost/epaper*:$TAG ready ($(($(date +%s) - t)) s)"

# ---- 2. the stack ------------------------------------------------------------------------
mkdir -p "$WORK/deploy"
cp -r deploy/compose.yaml deploy/compose.local.yaml deploy/rabbitmq deploy/sites "$WORK/deploy/"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Throwaway passwords of this run; the stack's .env, as an operator would write it.
PG_PASSWORD=$(tr -dc 'a-zA-Z0-9' </dev/urandom | head -c 24 || true)
MQ_PASSWORD=$(tr -dc 'a-zA-Z0-9' </dev/urandom | head -c 24 || true)
cat >"$WORK/deploy/.env" <<EOF
EPAPER_PG_PASSWORD=$PG_PASSWORD
EPAPER_MQ_PASSWORD=$MQ_PASSWORD
EPAPER_MQ_UI_PORT=$(free_port)
EPAPER_SCHEDULE_SITES=sample
EPAPER_SCHEDULE_TIMES=*:*
EPAPER_TEST_SITES=private
EPAPER_SAMPLE_PUBLISH_EVERY=$PUBLISH_EVERY
EPAPER_LOCAL_TAG=$TAG
EOF

log "podman-compose up (project $PROJECT): ${SERVICES[*]}"
t_up=$(date +%s)
# podman-compose 1.0.3 knows no profiles: the services are named, which leaves out `monitoring`.
compose up -d --no-build "${SERVICES[@]}" >"$WORK/compose.log" 2>&1 \
  || { compose_log_tail; fail "podman-compose up failed"; }
log "containers created ($(($(date +%s) - t_up)) s)"
deadline=$((t_up + TIMEOUT_SECS))

psql_stack() {
  podman exec "$(container_of postgres)" psql -U epaper -d epaper -Atqc "$1" 2>/dev/null
}
ip_of() {
  podman inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$(container_of "$1")"
}

# migrate: one run that exits 0 (it retries on its own restart policy until the broker and the
# database answer).
while :; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "migrate did not finish"
  state=$(podman inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$(container_of migrate)" 2>/dev/null || true)
  [ "$state" = "exited 0" ] && break
  sleep 1
done
log "migrate exited 0 ($(($(date +%s) - t_up)) s after up; restarts: $(podman inspect --format '{{.RestartCount}}' "$(container_of migrate)"))"

site_ip=$(ip_of sample-site)
manifest() { curl -fsS --max-time 5 "http://$site_ip:8080/manifest.json" >"$WORK/manifest.json"; }
until manifest 2>/dev/null; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "the sample site never answered"
  sleep 1
done
site_started=$(podman inspect --format '{{.State.StartedAt.Unix}}' "$(container_of sample-site)")
log "sample site up at $site_ip:8080, publishing an issue every $PUBLISH_EVERY s"

# The healthcheck commands of compose.yaml, run in these images (podman without systemd runs no
# timer for them, so they are asked once here).
for service in rabbitmq postgres crawler parser indexer schedule; do
  until podman healthcheck run "$(container_of "$service")" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "$service: its compose healthcheck never passed"
    sleep 2
  done
done
log "the compose healthchecks pass in every service ($(($(date +%s) - t_up)) s after up)"

# ---- 3. left alone: the issues appear, the stack archives them ---------------------------
# An issue k of the site (0 first) is published at site start + k × PUBLISH_EVERY; those with
# k ≥ 1 appeared after the stack came up. Wait until NEED_AFTER_START of them are published and
# every published issue is complete.
n_after_wanted=$NEED_AFTER_START
while :; do
  [ "$(date +%s)" -lt "$deadline" ] || {
    psql_stack "SELECT issue_date, state FROM issues WHERE site = 'sample' ORDER BY issue_date"
    fail "after ${TIMEOUT_SECS}s not every published issue is complete"
  }
  sleep 2
  manifest || continue
  published=$(python3 -c 'import json,sys; print(" ".join(i["date"] for i in json.load(open(sys.argv[1]))["issues"]))' "$WORK/manifest.json")
  n_published=$(wc -w <<<"$published")
  [ "$n_published" -gt "$n_after_wanted" ] || continue
  complete=$(psql_stack "SELECT issue_date FROM issues WHERE site = 'sample' AND state = 'complete' ORDER BY issue_date" | tr '\n' ' ')
  missing=$(for d in $published; do grep -qw "$d" <<<"$complete" || echo "$d"; done)
  [ -z "$missing" ] && break
done
t_done=$(date +%s)
log "every published issue is complete ($n_published issues, $((n_published - 1)) of them published after up)"

# Stored articles against the manifest, URL for URL, through `epaper export` on the stack's
# network. The export may trail the issue state by a moment, as in the pipeline test.
export_rows() {
  podman run --rm --network "${PROJECT}_default" "localhost/epaper:$TAG" export \
    --db "postgresql://epaper:$PG_PASSWORD@postgres:5432/epaper" --format jsonl >"$WORK/export.jsonl"
}
compare() {
  python3 - "$WORK/manifest.json" "$WORK/export.jsonl" <<'EOF'
import json, sys
from urllib.parse import urlsplit
manifest, export = sys.argv[1:]
# The manifest names the site by the address it listens on (0.0.0.0:8080), the archive by the
# one the scheduler crawled (sample-site:8080): articles are compared by path.
def path(url):
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")
rows = [json.loads(line) for line in open(export) if line.strip()]
bad = 0
for issue in json.load(open(manifest))["issues"]:
    date = issue["date"]
    expected = {path(u) for page in issue["pages"] for u in page["articles"]}
    stored = {path(r["url"]) for r in rows if r["date"] == date and r["site"] == "sample"}
    empty = [r["url"] for r in rows if r["date"] == date and (not r.get("title") or not r.get("paragraphs"))]
    ok = stored == expected and not empty
    bad += not ok
    print(f"  {date}: manifest {len(expected)} articles on {len(issue['pages'])} pages, stored {len(stored)}"
          + ("" if ok else f"; missing {sorted(expected - stored)[:3]}, unexpected {sorted(stored - expected)[:3]}, empty {empty[:3]}"))
sys.exit(1 if bad else 0)
EOF
}
until export_rows && compare >"$WORK/compare.txt"; do
  [ "$(date +%s)" -lt "$deadline" ] || { cat "$WORK/compare.txt"; fail "stored articles differ from the manifest"; }
  sleep 1
done
cat "$WORK/compare.txt"

# What the scheduler says it did: every issue enqueued by it, none by hand.
sched_metrics=$(curl -fsS --max-time 5 "http://$(ip_of schedule):9104/metrics")
grep '^epaper_schedule_enqueued_total{site="sample"' <<<"$sched_metrics" | sed 's/^/  /'
grep -q '^epaper_schedule_enqueued_total{site="sample",reason="new"} [1-9]' <<<"$sched_metrics" \
  || fail "the scheduler's /metrics shows no issue it enqueued"

log "timings (seconds after up; publication = site start + k × $PUBLISH_EVERY s):"
k=0
for d in $published; do
  done_at=$(psql_stack "SELECT extract(epoch FROM updated_at)::bigint FROM issues WHERE site = 'sample' AND issue_date = '$d'")
  pub_at=$((site_started + k * PUBLISH_EVERY))
  printf '  issue %s: published %4d, complete %4d (%d s after publication)\n' \
    "$d" "$((pub_at - t_up))" "$((done_at - t_up))" "$((done_at - pub_at))"
  k=$((k + 1))
done
log "PASS: $((n_published - 1)) issues published after up archived without a command ($((t_done - t_up)) s from up)"
