#!/usr/bin/env bash
# The RabbitMQ and PostgreSQL images of the compose stack, without a registry: Debian bookworm's
# rabbitmq-server and postgresql-15 installed on the debootstrap base image (base-image.sh), each
# with a small entrypoint that honours what compose.yaml gives the official images (local/).
# Cached by tag: an image is rebuilt only when its Dockerfile, its entrypoint or the base image
# changed (a label records their digest). compose-test.sh calls it.
#
# Usage: deploy/service-images.sh [--force]
#   localhost/epaper-rabbitmq:bookworm, localhost/epaper-postgres:bookworm
# Needs root, podman and the apt mirror (and debootstrap when the base image is missing).
set -euo pipefail
cd "$(dirname "$0")"

BASE_IMAGE=${EPAPER_BASE_IMAGE:-localhost/epaper-base:bookworm}
export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/containers.conf}
force=false
[ "${1:-}" = --force ] && force=true

./base-image.sh "$BASE_IMAGE"
base_id=$(podman image inspect --format '{{.Id}}' "$BASE_IMAGE")

for service in rabbitmq postgres; do
  image="localhost/epaper-$service:bookworm"
  inputs=$( (cat "local/Dockerfile.$service" "local/$service-entrypoint.sh"; echo "$base_id") | sha256sum | cut -c1-16)
  have=$(podman image inspect --format '{{index .Labels "epaper.inputs"}}' "$image" 2>/dev/null || true)
  if ! $force && [ "$have" = "$inputs" ]; then
    echo "service image $image cached"
    continue
  fi
  echo "building $image from Debian packages (about a minute)"
  previous=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  podman build --quiet --isolation=chroot --network=host -f "local/Dockerfile.$service" \
    --build-arg BASE="$BASE_IMAGE" --label "epaper.inputs=$inputs" -t "$image" local >/dev/null
  current=$(podman image inspect --format '{{.Id}}' "$image")
  if [ -n "$previous" ] && [ "$previous" != "$current" ]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
  fi
  echo "service image $image built"
done
