# Helpers sourced by the .ci scripts. The installers install only what is
# missing, so a second run costs nothing. A script sets ci_name before
# sourcing this file (and deadline, in SECONDS, if it uses remaining).

# log, ok and fail print one line naming the script and its elapsed time;
# fail exits.
log() { printf '%s [%3ds] %s\n' "${ci_name:-ci}" "$SECONDS" "$*"; }
ok() { log "ok: $*"; }
fail() { log "FAIL: $*" >&2; exit 1; }
# remaining: seconds left before the deadline (at least 1), for commands
# that could hang.
remaining() { echo $((deadline > SECONDS ? deadline - SECONDS : 1)); }

# ensure_go_tool BIN MODULE/PATH VERSION: puts BIN, built from the Go module
# proxy at VERSION, in $(go env GOPATH)/bin unless that exact version is
# already there, and adds that directory to PATH.
ensure_go_tool() {
  local bin=$1 pkg=$2 version=$3 gobin
  gobin=$(go env GOPATH)/bin
  export PATH="$gobin:$PATH"
  if [ -x "$gobin/$bin" ]; then
    local info
    info=$(go version -m "$gobin/$bin")
    if grep -Eq "^[[:space:]]+path[[:space:]]+$pkg\$" <<<"$info" &&
      grep -Eq "^[[:space:]]+mod[[:space:]].*[[:space:]]$version([[:space:]]|\$)" <<<"$info"; then
      return 0
    fi
  fi
  echo "building $bin $version from the Go module proxy"
  (cd / && GOFLAGS= go install "$pkg@$version")
}

# ensure_commands PACKAGE:COMMAND...: installs each Debian PACKAGE whose
# COMMAND is missing; runs apt-get update at most once an hour.
ensure_commands() {
  local want=() pair stamp=${TMPDIR:-/tmp}/apig-ci-apt-updated
  for pair in "$@"; do
    command -v "${pair#*:}" >/dev/null 2>&1 || want+=("${pair%%:*}")
  done
  [ ${#want[@]} -gt 0 ] || return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  if [ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -q
    touch "$stamp"
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${want[@]}"
}

# free_port: a free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL SECONDS: waits until URL answers 200, at most SECONDS.
wait_http() {
  local url=$1 until=$((SECONDS + $2))
  until python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$url" 2>/dev/null; do
    [ "$SECONDS" -lt "$until" ] || { echo "no answer from $url after $2 s" >&2; return 1; }
    sleep 0.2
  done
}

# fetch URL: prints the body of URL.
fetch() {
  python3 -c 'import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1], timeout=5).read())' "$1"
}
