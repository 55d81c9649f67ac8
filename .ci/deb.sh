#!/usr/bin/env bash
# Builds the .deb with nfpm and checks it on this machine, as root:
# install, files, owners and modes, the system user, the conffiles, the
# installed binary (--config.check on the shipped configuration as the
# apig_exporter user, --demo answering /metrics on loopback), the unit
# (systemd-analyze verify), then remove (only conffiles stay) and purge
# (nothing stays). The apig_exporter user is deleted at the end only if
# this script created it.
set -euo pipefail
cd "$(dirname "$0")/.."
ci_name=deb
. .ci/lib.sh

[ "$(id -u)" -eq 0 ] || { echo "deb.sh: needs root (dpkg -i)" >&2; exit 1; }
ensure_commands adduser:adduser util-linux:setpriv python3:python3
ensure_go_tool nfpm github.com/goreleaser/nfpm/v2/cmd/nfpm v2.45.2

pkg=apig-exporter
conffiles=(/etc/apig_exporter/apig_exporter.yml /etc/default/apig_exporter)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/apig-deb.XXXXXX")
pid=""
had_user=no
getent passwd apig_exporter >/dev/null && had_user=yes
cleanup() {
  local rc=$?
  [ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; } || true
  rm -f /etc/apig_exporter/token
  dpkg -P "$pkg" >/dev/null 2>&1 || true
  [ "$had_user" = yes ] || ! getent passwd apig_exporter >/dev/null || userdel apig_exporter
  [ "$rc" -eq 0 ] || { echo "----- exporter log" >&2; tail -n 20 "$tmp/exporter.log" >&2 || true; }
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
# expect PATH OWNER:GROUP MODE
expect() {
  [ -e "$1" ] || fail "$1 missing"
  local got
  got=$(stat -c '%U:%G %a' "$1")
  [ "$got" = "$2 $3" ] || fail "$1 is $got, want $2 $3"
}

# A leftover of an interrupted run would hide what this install does.
dpkg -P "$pkg" >/dev/null 2>&1 || true

mkdir -p "$tmp/dist" dist
.ci/build-static.sh dist/apig_exporter
VERSION=${VERSION:-0.1.0} nfpm package --config packaging/nfpm.yaml --packager deb --target "$tmp/dist/"
deb=$(echo "$tmp"/dist/*.deb)
ok "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

dpkg -i "$deb"
[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg")" = installed ] || fail "$pkg not installed"

# The user: a system account without a login shell.
IFS=: read -r _ _ uid _ _ home shell < <(getent passwd apig_exporter) || fail "no apig_exporter user"
[ "$uid" -lt 1000 ] || fail "apig_exporter has uid $uid, not a system uid"
[ "$shell" = /usr/sbin/nologin ] || fail "apig_exporter has shell $shell"
getent group apig_exporter >/dev/null || fail "no apig_exporter group"
ok "system user apig_exporter (uid $uid, home $home, shell $shell)"

expect /usr/bin/apig_exporter root:root 755
expect /lib/systemd/system/apig_exporter.service root:root 644
expect /etc/apig_exporter root:apig_exporter 750
expect /etc/apig_exporter/apig_exporter.yml root:apig_exporter 640
expect /etc/default/apig_exporter root:root 600
want_conf=$(printf '%s\n' "${conffiles[@]}" | sort)
got_conf=$(dpkg-query -W -f='${Conffiles}\n' "$pkg" | awk 'NF {print $1}' | sort)
[ "$got_conf" = "$want_conf" ] || fail "conffiles are [$got_conf], want [$want_conf]"
ok "files, owners, modes, conffiles"

# The installed binary, run as the service user, reads the shipped
# configuration with a token file in the place it names.
printf 'ci-test-token\n' >/etc/apig_exporter/token
chgrp apig_exporter /etc/apig_exporter/token
chmod 0640 /etc/apig_exporter/token
as_user=(setpriv --reuid apig_exporter --regid apig_exporter --init-groups)
"${as_user[@]}" /usr/bin/apig_exporter --config.check --config.file=/etc/apig_exporter/apig_exporter.yml ||
  fail "the shipped configuration does not pass --config.check"
ok "shipped configuration passes --config.check as apig_exporter"
"${as_user[@]}" /usr/bin/apig_exporter --version 2>&1 | head -n 1

port=$(free_port)
(cd / && exec "${as_user[@]}" /usr/bin/apig_exporter --demo --web.listen-address="127.0.0.1:$port") \
  >"$tmp/exporter.log" 2>&1 &
pid=$!
wait_http "http://127.0.0.1:$port/metrics" 30
n=$(fetch "http://127.0.0.1:$port/metrics" | grep -c '^apig_') || true
[ "$n" -gt 0 ] || fail "/metrics of the installed binary has no apig_ series"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
ok "installed binary with --demo served $n apig_ series on 127.0.0.1:$port"

if command -v systemd-analyze >/dev/null 2>&1; then
  # Unknown keys are only warnings there; any output fails the check.
  out=$(systemd-analyze verify /lib/systemd/system/apig_exporter.service 2>&1) || fail "systemd-analyze verify: $out"
  [ -z "$out" ] || fail "systemd-analyze verify: $out"
  ok "systemd-analyze verify: no warnings"
else
  log "systemd-analyze not found; the unit is not verified"
fi

# Remove: everything but the conffiles goes.
rm -f /etc/apig_exporter/token
files=$(dpkg-query -L "$pkg")
dpkg -r "$pkg"
[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg")" = config-files ] || fail "after dpkg -r, $pkg is not in state config-files"
left=()
while read -r f; do
  [ -f "$f" ] && left+=("$f")
done <<<"$files"
[ "$(printf '%s\n' "${left[@]}" | sort)" = "$want_conf" ] ||
  fail "after dpkg -r these files remain: ${left[*]} (want only the conffiles)"
ok "dpkg -r leaves only the conffiles"

dpkg -P "$pkg"
for f in "${conffiles[@]}" /etc/apig_exporter /usr/bin/apig_exporter /lib/systemd/system/apig_exporter.service; do
  [ ! -e "$f" ] || fail "$f remains after dpkg -P"
done
status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null) || true
[ -z "$status" ] || [ "$status" = not-installed ] || fail "after dpkg -P, $pkg is in state $status"
ok "dpkg -P removes the conffiles and /etc/apig_exporter"
log PASS
