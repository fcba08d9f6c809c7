#!/usr/bin/env bash
# The Debian bookworm base image of the epaper images, without a registry: debootstrap
# --variant=minbase from the mirror apt uses, trimmed of docs and apt caches, then `podman
# import`. Does nothing when the image exists. smoke.sh and rust-image.sh call it.
#
# Usage: deploy/base-image.sh [IMAGE]   (default localhost/epaper-base:bookworm)
# Needs root, podman and debootstrap.
set -euo pipefail

IMAGE=${1:-localhost/epaper-base:bookworm}
export CONTAINERS_CONF=${CONTAINERS_CONF:-$(cd "$(dirname "$0")" && pwd)/containers.conf}

if podman image exists "$IMAGE"; then
  echo "base image $IMAGE cached"
  exit 0
fi
command -v debootstrap >/dev/null 2>&1 \
  || { echo "error: $IMAGE is missing and debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }

# The mirror apt uses: the first URIs line of a deb822 source, or the first deb line.
mirror=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | grep -v security | awk '{print $2; exit}' || true)
[ -n "$mirror" ] || mirror=$(grep -hs '^deb ' /etc/apt/sources.list | grep -v security | awk '{print $2; exit}' || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

work=$(mktemp -d "${TMPDIR:-/tmp}/epaper-base-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "building $IMAGE: debootstrap --variant=minbase bookworm from $mirror (about a minute)"
rootfs="$work/rootfs"
debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror" \
  >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; echo "error: debootstrap failed" >&2; exit 1; }
# What a runtime image does not need: docs, man pages, apt's lists and downloaded packages.
rm -rf "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
       "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$IMAGE" >/dev/null 2>"$work/import.log" \
  || { cat "$work/import.log" >&2; echo "error: podman import failed" >&2; exit 1; }
echo "base image $IMAGE built"
