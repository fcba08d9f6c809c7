#!/usr/bin/env bash
# The runtime images of the four binaries, without a registry: release binaries built on the
# host (cargo build --release), stripped, each wrapped by Dockerfile.runtime on the debootstrap
# base image (base-image.sh). smoke.sh and compose-test.sh call it; unchanged binaries hit
# podman's layer cache, so a second call costs the cargo no-op and a few seconds.
#
# Usage: deploy/runtime-images.sh [TAG]   (default smoke)
#   localhost/epaper-crawler:TAG, localhost/epaper-parser:TAG, localhost/epaper-indexer:TAG,
#   localhost/epaper:TAG (the CLI; `schedule`, `migrate`, `sample-site` are its commands)
# EPAPER_SMOKE_TARGET_DIR (else CARGO_TARGET_DIR, else target) is the cargo target directory.
set -euo pipefail
cd "$(dirname "$0")/.."

TAG=${1:-smoke}
BASE_IMAGE=${EPAPER_SMOKE_BASE_IMAGE:-localhost/epaper-base:bookworm}
TARGET_DIR=${EPAPER_SMOKE_TARGET_DIR:-${CARGO_TARGET_DIR:-target}}
export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/deploy/containers.conf}

deploy/base-image.sh "$BASE_IMAGE"

echo "cargo build --release (target dir $TARGET_DIR)"
CARGO_TARGET_DIR="$TARGET_DIR" cargo build --release --locked --quiet \
  -p epaper-crawler -p epaper-parser -p epaper-indexer -p epaper
ctx=$(mktemp -d "${TMPDIR:-/tmp}/epaper-runtime-images.XXXXXX")
trap 'rm -rf "$ctx"' EXIT
declare -A PORT_OF=([epaper-crawler]=9101 [epaper-parser]=9102 [epaper-indexer]=9103 [epaper]=9101)
for bin in epaper-crawler epaper-parser epaper-indexer epaper; do
  cp "$TARGET_DIR/release/$bin" "$ctx/"
  strip "$ctx/$bin"  # line tables and symbols off: smaller images
done
for bin in epaper-crawler epaper-parser epaper-indexer epaper; do
  echo "image localhost/$bin:$TAG"
  previous=$(podman image inspect --format '{{.Id}}' "localhost/$bin:$TAG" 2>/dev/null || true)
  podman build --quiet --isolation=chroot -f deploy/Dockerfile.runtime \
    --build-arg BASE="$BASE_IMAGE" --build-arg BIN="$bin" --build-arg PORT="${PORT_OF[$bin]}" \
    -t "localhost/$bin:$TAG" "$ctx" >/dev/null
  # The image this run replaced, so that runs do not pile up untagged images.
  current=$(podman image inspect --format '{{.Id}}' "localhost/$bin:$TAG")
  if [ -n "$previous" ] && [ "$previous" != "$current" ]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
  fi
done
