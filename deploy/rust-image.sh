#!/usr/bin/env bash
# A Rust builder image for deploy/Dockerfile on a machine without a container registry.
#
# deploy/Dockerfile builds FROM ${RUST_IMAGE} (docker.io/library/rust:1-bookworm by default).
# Where no registry is reachable, this script makes a stand-in from what the machine has:
#
#  1. the Debian bookworm base image localhost/epaper-base:bookworm (debootstrap --variant=minbase
#     from the apt mirror + `podman import`, as deploy/smoke.sh does), made only when missing;
#  2. gcc, libc6-dev, make, pkg-config, binutils and ca-certificates from the apt mirror;
#  3. the CA certificates the host added to its trust store (/usr/local/share/ca-certificates,
#     e.g. a TLS-intercepting proxy's, without which cargo cannot reach crates.io from the build);
#  4. the host's rustup toolchain (one toolchain, docs left out) and the rustup binary, laid out
#     like the official image: RUSTUP_HOME=/usr/local/rustup, CARGO_HOME=/usr/local/cargo,
#     /usr/local/cargo/bin first in PATH.
#
# Then build the images from source with it (from the repository root):
#
#   podman build --isolation=chroot -f deploy/Dockerfile --ignorefile deploy/Dockerfile.dockerignore \
#       --build-arg RUST_IMAGE=localhost/epaper-rust:1.95-bookworm \
#       --build-arg RUNTIME_IMAGE=localhost/epaper-base:bookworm --target crawler -t epaper-crawler .
#
# Usage: deploy/rust-image.sh [--force]
# Idempotent: when the image exists with the same rustc and base image it is kept (--force
# rebuilds it). Needs root (podman; debootstrap for the base image), the toolchain installed with
# rustup (`rustup toolchain install 1.95.0`) and the apt mirror; cargo inside the builds then
# needs crates.io. Environment: EPAPER_RUST_TOOLCHAIN (1.95.0), EPAPER_RUST_IMAGE
# (localhost/epaper-rust:1.95-bookworm), EPAPER_BASE_IMAGE (localhost/epaper-base:bookworm),
# RUSTUP_HOME / CARGO_HOME (where the host's rustup lives, ~/.rustup and ~/.cargo),
# EPAPER_EXTRA_CA_DIR (/usr/local/share/ca-certificates; set it empty to add no CA). The CAs go
# into this builder image only, never into the runtime images of deploy/Dockerfile.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLCHAIN=${EPAPER_RUST_TOOLCHAIN:-1.95.0}
IMAGE=${EPAPER_RUST_IMAGE:-localhost/epaper-rust:1.95-bookworm}
BASE_IMAGE=${EPAPER_BASE_IMAGE:-localhost/epaper-base:bookworm}
HOST_RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup}
HOST_CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
EXTRA_CA_DIR=${EPAPER_EXTRA_CA_DIR-/usr/local/share/ca-certificates}
FORCE=0
case "${1:-}" in
  "") ;;
  --force) FORCE=1 ;;
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: $0 [--force]" >&2; exit 2 ;;
esac

T0=$(date +%s)
log() { printf '[rust-image %3ds] %s\n' "$(($(date +%s) - T0))" "$*"; }
fail() { log "ERROR: $*"; exit 1; }

command -v podman >/dev/null 2>&1 || fail "podman is not installed (apt-get install podman buildah runc)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/epaper-rust-image.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Same podman settings as smoke.sh, unless the caller has its own: runc, no systemd.
export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/deploy/containers.conf}

# ---- the toolchain on the host -----------------------------------------------------------
arch=$(uname -m)
triple="$arch-unknown-linux-gnu"
name="$TOOLCHAIN-$triple"
toolchain_dir=""
if [ -d "$HOST_RUSTUP_HOME/toolchains/$name" ]; then
  toolchain_dir=$(readlink -f "$HOST_RUSTUP_HOME/toolchains/$name")
else
  # A channel toolchain (stable-…) may be the wanted version: match on `rustc -V`.
  for d in "$HOST_RUSTUP_HOME"/toolchains/*-"$triple"; do
    if [ -x "$d/bin/rustc" ] && "$d/bin/rustc" -V 2>/dev/null | grep -q "^rustc $TOOLCHAIN "; then
      toolchain_dir=$(readlink -f "$d")
      break
    fi
  done
fi
[ -n "$toolchain_dir" ] || fail "no rustup toolchain $TOOLCHAIN ($triple) in $HOST_RUSTUP_HOME; install it with: rustup toolchain install $TOOLCHAIN"
rustc_version=$("$toolchain_dir/bin/rustc" -V)
case "$rustc_version" in
  "rustc $TOOLCHAIN "*) ;;
  *) fail "$toolchain_dir/bin/rustc is '$rustc_version', not $TOOLCHAIN" ;;
esac
[ -x "$toolchain_dir/bin/cargo" ] || fail "the toolchain in $toolchain_dir has no cargo"
rustup_bin="$HOST_CARGO_HOME/bin/rustup"
[ -x "$rustup_bin" ] || rustup_bin=$(command -v rustup || true)
[ -n "$rustup_bin" ] && [ -x "$rustup_bin" ] || fail "rustup not found in $HOST_CARGO_HOME/bin or PATH"
log "toolchain: $rustc_version from $toolchain_dir"

# ---- 1. base image -----------------------------------------------------------------------
deploy/base-image.sh "$BASE_IMAGE" || fail "no base image $BASE_IMAGE"
base_id=$(podman image inspect --format '{{.Id}}' "$BASE_IMAGE")

# The host's own CAs (*.crt, as update-ca-certificates takes them), and a digest of them.
ca_files=()
if [ -n "$EXTRA_CA_DIR" ] && [ -d "$EXTRA_CA_DIR" ]; then
  while IFS= read -r -d '' f; do ca_files+=("$f"); done \
    < <(find "$EXTRA_CA_DIR" -name '*.crt' -type f -print0 | sort -z)
fi
if [ ${#ca_files[@]} -gt 0 ]; then
  ca_digest=$(cat "${ca_files[@]}" | sha256sum | cut -c1-16)
  log "extra CA certificates from $EXTRA_CA_DIR: ${#ca_files[@]} (${ca_files[*]##*/})"
else
  ca_digest=none
fi

# ---- 2. up to date? ----------------------------------------------------------------------
if [ "$FORCE" = 0 ] && podman image exists "$IMAGE"; then
  have_rustc=$(podman image inspect --format '{{index .Labels "org.epaper.rustc"}}' "$IMAGE" 2>/dev/null || true)
  have_base=$(podman image inspect --format '{{index .Labels "org.epaper.base-id"}}' "$IMAGE" 2>/dev/null || true)
  have_ca=$(podman image inspect --format '{{index .Labels "org.epaper.extra-ca"}}' "$IMAGE" 2>/dev/null || true)
  if [ "$have_rustc" = "$rustc_version" ] && [ "$have_base" = "$base_id" ] && [ "$have_ca" = "$ca_digest" ]; then
    log "$IMAGE is up to date ($rustc_version on $BASE_IMAGE); --force rebuilds it"
    exit 0
  fi
  log "$IMAGE is stale (rustc '${have_rustc:-?}', base ${have_base:0:12}, CAs ${have_ca:-?}); rebuilding"
fi

# ---- 3. the build context: CAs, toolchain, rustup, Containerfile ------------------------------
ctx="$WORK/context"
mkdir -p "$ctx/rustup/toolchains/$name" "$ctx/cargo/bin" "$ctx/extra-ca"
if [ ${#ca_files[@]} -gt 0 ]; then cp "${ca_files[@]}" "$ctx/extra-ca/"; fi
log "staging the toolchain (without share/doc)"
tar -C "$toolchain_dir" --exclude=./share/doc -cf - . | tar -C "$ctx/rustup/toolchains/$name" -xf -
cp "$rustup_bin" "$ctx/cargo/bin/rustup"
# rustup's proxies: every tool the toolchain has, as a link to rustup (as rustup-init makes them).
for tool in cargo rustc rustdoc rustfmt cargo-fmt cargo-clippy clippy-driver rust-gdb rust-gdbgui rust-lldb; do
  if [ -e "$ctx/rustup/toolchains/$name/bin/$tool" ]; then ln -s rustup "$ctx/cargo/bin/$tool"; fi
done
cat >"$ctx/rustup/settings.toml" <<EOF
version = "12"
default_toolchain = "$name"
profile = "minimal"
auto_self_update = "disable"

[overrides]
EOF

cat >"$ctx/Containerfile" <<'EOF'
ARG BASE
FROM ${BASE}
ARG RUSTC_VERSION
ARG BASE_ID
ARG EXTRA_CA
# What cargo builds need beyond rustc: a C compiler and linker (cc, ring, libsqlite3-sys,
# zstd-sys), libc headers, strip, make, pkg-config, and CA certificates for crates.io, with the
# host's extra CAs (extra-ca/ may be empty).
COPY extra-ca/ /usr/local/share/ca-certificates/
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates gcc libc6-dev binutils make pkg-config \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* \
 && update-ca-certificates
ENV RUSTUP_HOME=/usr/local/rustup \
    CARGO_HOME=/usr/local/cargo \
    PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
COPY rustup /usr/local/rustup
COPY cargo /usr/local/cargo
RUN chmod -R a+rwX /usr/local/rustup /usr/local/cargo \
 && rustup --version 2>/dev/null && rustc -V && cargo -V && cc --version | head -1
LABEL org.epaper.rustc="${RUSTC_VERSION}" org.epaper.base-id="${BASE_ID}" org.epaper.extra-ca="${EXTRA_CA}"
CMD ["/bin/bash"]
EOF

# ---- 4. build ----------------------------------------------------------------------------
log "building $IMAGE from $BASE_IMAGE (apt-get needs the mirror)"
previous=$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
podman build --isolation=chroot --layers=false -f "$ctx/Containerfile" \
  --build-arg BASE="$BASE_IMAGE" --build-arg BASE_ID="$base_id" \
  --build-arg RUSTC_VERSION="$rustc_version" --build-arg EXTRA_CA="$ca_digest" -t "$IMAGE" "$ctx" >"$WORK/build.log" 2>&1 \
  || { tail -30 "$WORK/build.log"; fail "podman build failed"; }
current=$(podman image inspect --format '{{.Id}}' "$IMAGE")
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then
  podman rmi "$previous" >/dev/null 2>&1 || true  # the image this run replaced
fi

# ---- 5. check ----------------------------------------------------------------------------
got=$(podman run --rm "$IMAGE" rustc -V)
[ "$got" = "$rustc_version" ] || fail "rustc in $IMAGE says '$got', expected '$rustc_version'"
podman run --rm "$IMAGE" sh -c 'cargo -V && cc --version | head -1 && strip --version | head -1' \
  | sed 's/^/    /'
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
log "done: $IMAGE ($((size / 1000000)) MB) — pass it as --build-arg RUST_IMAGE=$IMAGE"
