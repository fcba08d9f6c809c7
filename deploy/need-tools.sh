# Sourced by deploy/smoke.sh and deploy/compose-test.sh: need_tools COMMAND:PACKAGE ... installs,
# with apt, the package of every command that is not on PATH (a fresh machine has none of the
# container tools). Uses the caller's `log`.
need_tools() {
  local missing=() tool
  for tool in "$@"; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
