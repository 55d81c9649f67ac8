#!/usr/bin/env bash
# Checks what the container image runs, without a container runtime (no
# registry here to pull the base images from):
#   * the binary built as the Dockerfile builds it (.ci/build-static.sh) is
#     static: no dynamic section, no program interpreter;
#   * in a root filesystem holding only that binary (at the Dockerfile's
#     ENTRYPOINT path) and a CA bundle, mounted read-only, run as the
#     Dockerfile's USER with no supplementary groups, the ENTRYPOINT + CMD
#     of the Dockerfile accept a configuration at the CMD's path
#     (--config.check), and --demo answers /metrics on loopback at the
#     EXPOSEd port's flag.
# Needs root (mount namespace, chroot).
set -euo pipefail
cd "$(dirname "$0")/.."
ci_name=container
. .ci/lib.sh

[ "$(id -u)" -eq 0 ] || { echo "container.sh: needs root (unshare, chroot)" >&2; exit 1; }
ensure_commands binutils:readelf util-linux:unshare python3:python3
[ -f /etc/ssl/certs/ca-certificates.crt ] || ensure_commands ca-certificates:update-ca-certificates

tmp=$(mktemp -d "${TMPDIR:-/tmp}/apig-container.XXXXXX")
pid=""
cleanup() {
  local rc=$?
  [ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; } || true
  [ "$rc" -eq 0 ] || { echo "----- exporter log" >&2; tail -n 20 "$tmp/exporter.log" >&2 || true; }
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT

# What the final stage of the Dockerfile says.
spec=$(python3 - <<'PY'
import json, re, shlex
final = open("Dockerfile").read().split("\nFROM ")[-1]
def instr(name):
    m = re.search(rf"^{name}\s+(.+)$", final, re.M)
    if not m:
        raise SystemExit(f"Dockerfile: the final stage has no {name}")
    return m.group(1).strip()
entrypoint, cmd = json.loads(instr("ENTRYPOINT")), json.loads(instr("CMD"))
user = instr("USER")
print(f"entrypoint=({' '.join(map(shlex.quote, entrypoint))})")
print(f"cmd=({' '.join(map(shlex.quote, cmd))})")
print(f"uid={shlex.quote(user.split(':')[0])} gid={shlex.quote(user.split(':')[-1])}")
print(f"expose={shlex.quote(instr('EXPOSE'))}")
copy = re.search(r"^COPY --from=build \S+ (\S+)$", final, re.M)
if not copy:
    raise SystemExit("Dockerfile: the final stage copies no binary from the build stage")
print(f"copy_dst={shlex.quote(copy.group(1))}")
PY
)
eval "$spec"
[ "${entrypoint[0]}" = "$copy_dst" ] || fail "ENTRYPOINT ${entrypoint[0]} is not the copied binary $copy_dst"
config=""
for a in "${cmd[@]}"; do
  case $a in --config.file=*) config=${a#--config.file=} ;; esac
done
[ -n "$config" ] || fail "the Dockerfile's CMD names no --config.file"
ok "Dockerfile: ENTRYPOINT ${entrypoint[*]}, CMD ${cmd[*]}, USER $uid:$gid, EXPOSE $expose"

# 1. The binary, built as the Dockerfile builds it, is static.
.ci/build-static.sh "$tmp/apig_exporter"
readelf -d "$tmp/apig_exporter" 2>&1 | grep -q 'There is no dynamic section' ||
  fail "the binary has a dynamic section: $(readelf -d "$tmp/apig_exporter" | head -n 5)"
! readelf -l "$tmp/apig_exporter" | grep -q 'INTERP' || fail "the binary asks for a program interpreter"
ok "static binary ($(du -k "$tmp/apig_exporter" | cut -f1) KiB): no dynamic section, no interpreter"

# 2. The root filesystem of the image: the binary and the CA bundle.
root=$tmp/root
install -D -m 0755 "$tmp/apig_exporter" "$root$copy_dst"
install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
# The operator's mounted configuration, with a token file it names.
mkdir -p "$root$(dirname "$config")"
cat >"$root$config" <<YAML
region: ap-southeast-1
auth:
  token_file: $(dirname "$config")/token
projects:
  - id: 0123456789abcdef0123456789abcdef
    discover: true
YAML
echo ci-test-token >"$root$(dirname "$config")/token"
chmod -R a+rX "$root"
log "root filesystem: $(cd "$root" && find . -type f | sort | tr '\n' ' ')"

# in_image ARGS...: runs ARGS in $root, mounted read-only in a private
# mount namespace, as $uid:$gid with no supplementary groups. unshare, sh
# and chroot each exec the next, so the pid of `"${in_image[@]}" ... &` is
# the exporter's.
in_image=(unshare --mount --propagation private -- /bin/sh -c '
    root=$1; ids=$2; shift 2
    mount --bind "$root" "$root" && mount -o remount,bind,ro "$root" &&
    exec chroot --userspec="$ids" --groups="${ids#*:}" "$root" "$@"' in_image "$root" "$uid:$gid")

"${in_image[@]}" "${entrypoint[@]}" "${cmd[@]}" --config.check ||
  fail "ENTRYPOINT + CMD + --config.check rejects the configuration at $config"
ok "ENTRYPOINT + CMD read the configuration at $config"

port=$(free_port)
"${in_image[@]}" "${entrypoint[@]}" --demo --web.listen-address="127.0.0.1:$port" >"$tmp/exporter.log" 2>&1 &
pid=$!
wait_http "http://127.0.0.1:$port/metrics" 30
n=$(fetch "http://127.0.0.1:$port/metrics" | grep -c '^apig_') || true
[ "$n" -gt 0 ] || fail "/metrics has no apig_ series"

# The process really is the image's: its user, its root, read-only.
exe_pid=$pid
status=/proc/$exe_pid/status
[ "$(awk '/^Uid:/ {print $2, $3, $4, $5}' "$status")" = "$uid $uid $uid $uid" ] || fail "runs as $(grep ^Uid: "$status")"
[ "$(awk '/^Gid:/ {print $2, $3, $4, $5}' "$status")" = "$gid $gid $gid $gid" ] || fail "runs as $(grep ^Gid: "$status")"
groups=$(awk '/^Groups:/ {$1 = ""; print}' "$status" | xargs)
[ -z "$groups" ] || [ "$groups" = "$gid" ] || fail "has supplementary groups $groups"
[ "$(readlink "/proc/$exe_pid/root")" = "$root" ] || fail "its root is $(readlink "/proc/$exe_pid/root"), not $root"
awk '$5 == "/" {print $6}' "/proc/$exe_pid/mountinfo" | grep -Eq '^ro(,|$)' || fail "its root is not mounted read-only"
ok "--demo served $n apig_ series on 127.0.0.1:$port as uid $uid, gid $gid, on a read-only root"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""

[ "$expose" = 10172 ] || fail "EXPOSE $expose, but the default --web.listen-address is :10172"
log PASS
