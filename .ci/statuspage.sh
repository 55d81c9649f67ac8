#!/usr/bin/env bash
# The status page in a real browser (Debian's chromium, headless).
#
#   .ci/statuspage.sh                    check the sample page: a fixed
#                                        demo-like snapshot with one hostile
#                                        gateway (internal/statuspage/sampleserver)
#   .ci/statuspage.sh --demo             check `apig_exporter --demo`'s page
#   .ci/statuspage.sh --url URL          check the page of a running server
#
# The check loads URL/ with `chromium --dump-dom` and, from the rendered DOM,
# finds every gateway of URL/api/v1/status (so it follows the data) in the
# same order, with its name as text, its status in words and its percent;
# compares the summary counts; and fails if the page holds a script, an image,
# a frame or any link or resource outside the server, or if the browser
# refused anything under the Content-Security-Policy.
#
# Screenshots (what docs/ holds; run again after changing the page):
#
#   .ci/statuspage.sh --screenshot docs/status-page.png
#   .ci/statuspage.sh --screenshot docs/status-page-phone.png --window-size 390,1500
#
# take the sample page without the hostile gateway (or --demo's / --url's page)
# instead of checking. Install the browser with
# `apt-get install -y chromium`; CHROMIUM overrides its path.
# STATUSPAGE_TIMEOUT (seconds, default 90) bounds the whole run, build included.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium=${CHROMIUM:-chromium}
timeout_s=${STATUSPAGE_TIMEOUT:-90}
deadline=$((SECONDS + timeout_s))
mode=sample url="" screenshot="" window=1280,900
while [ $# -gt 0 ]; do
  case $1 in
    --demo) mode=demo ;;
    --url) mode=url url=${2:?--url needs a URL}; shift ;;
    --screenshot) screenshot=${2:?--screenshot needs a file}; shift ;;
    --window-size) window=${2:?--window-size needs W,H}; shift ;;
    *) echo "statuspage: unknown argument $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
  shift
done
command -v "$chromium" >/dev/null || { echo "statuspage: $chromium not found; apt-get install -y chromium" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/apig-statuspage.XXXXXX")
pid=""
cleanup() {
  local rc=$?
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ "$rc" -ne 0 ] && [ -f "$tmp/server.log" ]; then
    echo "----- last lines of the server's log" >&2
    tail -n 15 "$tmp/server.log" >&2
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ci_name=statuspage
. .ci/lib.sh
# http_status URL: the HTTP status of a GET, or 000 when nothing answers.
http_status() {
  python3 - "$1" <<'PY'
import sys, urllib.error, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=2).status)
except urllib.error.HTTPError as e:
    print(e.code)
except OSError:
    print("000")
PY
}

case $mode in
  sample)
    log "building the sample server"
    timeout "$(remaining)" go build -o "$tmp/sampleserver" ./internal/statuspage/sampleserver
    port=$(free_port)
    hostile=-hostile
    [ -z "$screenshot" ] || hostile=
    "$tmp/sampleserver" -listen "127.0.0.1:$port" $hostile >"$tmp/server.log" 2>&1 &
    pid=$!
    url="http://127.0.0.1:$port"
    ;;
  demo)
    log "building apig_exporter"
    timeout "$(remaining)" go build -o "$tmp/apig_exporter" .
    port=$(free_port)
    "$tmp/apig_exporter" --demo --web.listen-address="127.0.0.1:$port" >"$tmp/server.log" 2>&1 &
    pid=$!
    url="http://127.0.0.1:$port"
    ;;
esac
url=${url%/}
until [ "$(http_status "$url/api/v1/status")" = 200 ]; do
  [ -z "$pid" ] || kill -0 "$pid" 2>/dev/null || fail "the server exited"
  code=$(http_status "$url/api/v1/status")
  case $code in 000|200|503) ;; *) fail "$url/api/v1/status answers $code: no status page there" ;; esac
  [ "$SECONDS" -lt "$deadline" ] || fail "timed out waiting for $url/api/v1/status"
  sleep 0.3
done
log "serving at $url"

# Headless chromium with a profile of its own, so parallel runs do not share one.
browse() {
  timeout "$(remaining)" "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 "$@" 2>"$tmp/chromium.log"
}

if [ -n "$screenshot" ]; then
  mkdir -p "$(dirname "$screenshot")"
  started=$SECONDS
  browse --window-size="$window" --screenshot="$(realpath -m "$screenshot")" "$url/" >/dev/null
  [ -s "$screenshot" ] || fail "no screenshot written"
  log "screenshot $screenshot ($window) in $((SECONDS - started))s"
  exit 0
fi

started=$SECONDS
python3 -c 'import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1], timeout=10).read())' \
  "$url/api/v1/status" >"$tmp/status.json"
browse --dump-dom "$url/" >"$tmp/dom.html"
if grep -E 'Refused to|violates the following Content Security Policy' "$tmp/chromium.log" >&2; then
  fail "the browser refused something under the Content-Security-Policy"
fi
python3 .ci/statuspage_check.py "$tmp/status.json" "$tmp/dom.html" "$url" || fail "the rendered page does not match $url/api/v1/status"
log "page checked in chromium in $((SECONDS - started))s"
