#!/usr/bin/env bash
# End-to-end check of the shipped alerts and dashboard against real servers:
#
#   apig_exporter --demo  ->  Prometheus (mixin rules)  ->  Alertmanager  ->  webhook
#
# Passes when ApigGatewayCreationFailed reaches the webhook with instance_id
# and error_code for each failure code the demo serves, Prometheus reports
# the exporter target up, and mixin/check-dashboard.sh accepts every
# dashboard query. Everything listens on 127.0.0.1 free ports and lives in a
# temporary directory; every process started here is stopped on exit.
#
# Timing: scrapes and rule evaluation run every second, Alertmanager groups
# with 1s waits, and the rules are loaded from a copy in which the `for:` of
# ApigGatewayCreationFailed is cut from 1m to 2s. The shipped file is not
# changed. E2E_TIMEOUT (seconds, default 110) bounds the whole run, build
# included.
set -euo pipefail
cd "$(dirname "$0")/.."

timeout_s=${E2E_TIMEOUT:-110}
deadline=$((SECONDS + timeout_s))
want_codes=(APIC.9206 APIC.9218 APIC.9219)
prometheus=${PROMETHEUS:-/usr/bin/prometheus}
alertmanager=${ALERTMANAGER:-/usr/bin/prometheus-alertmanager}
for bin in "$prometheus" "$alertmanager"; do
  [ -x "$bin" ] || { echo "e2e: $bin not found; run .ci/install-prometheus.sh" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/apig-e2e.XXXXXX")
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$rc" -ne 0 ]; then
    for log in "$tmp"/*.log; do
      [ -f "$log" ] || continue
      echo "----- last lines of $(basename "$log")" >&2
      tail -n 15 "$log" >&2
    done
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ci_name=e2e
. .ci/lib.sh
# free_ports N: N distinct free TCP ports on 127.0.0.1, one per line.
free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in socks))
PY
}
# wait_for DESCRIPTION COMMAND...: retries COMMAND until it succeeds or the
# overall deadline passes.
wait_for() {
  local what=$1; shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out after ${timeout_s}s waiting for $what"
    sleep 0.5
  done
  log "$what: ok"
}
http_ok() { python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1"; }

{ read -r exporter_port; read -r prom_port; read -r am_port; read -r hook_port; } < <(free_ports 4)
exporter_url="http://127.0.0.1:$exporter_port"
prom_url="http://127.0.0.1:$prom_port"

# 1. The exporter in demo mode.
log "building apig_exporter"
timeout "$(remaining)" go build -o "$tmp/apig_exporter" .
"$tmp/apig_exporter" --demo --web.listen-address="127.0.0.1:$exporter_port" >"$tmp/exporter.log" 2>&1 &
pids+=($!)

# 2. A webhook receiver that appends every notification body as one line.
cat >"$tmp/webhook.py" <<'PY'
import http.server, json, sys

class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with open(sys.argv[2], "a") as f:
            f.write(json.dumps(body) + "\n")
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass

http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Hook).serve_forever()
PY
python3 "$tmp/webhook.py" "$hook_port" "$tmp/notifications.jsonl" >"$tmp/webhook.log" 2>&1 &
pids+=($!)

# 3. Alertmanager, sending everything to the webhook at once.
cat >"$tmp/alertmanager.yml" <<YAML
route:
  receiver: webhook
  group_by: [alertname, instance_id]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: webhook
    webhook_configs:
      - url: http://127.0.0.1:$hook_port/
        send_resolved: false
YAML
"$alertmanager" --config.file="$tmp/alertmanager.yml" --storage.path="$tmp/alertmanager" \
  --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= \
  >"$tmp/alertmanager.log" 2>&1 &
pids+=($!)

# 4. Prometheus with the shipped rules; only the failed alert's `for` is cut.
mkdir -p "$tmp/rules"
for f in mixin/alerts/*.yaml mixin/rules/*.yaml; do
  [ -f "$f" ] || continue
  sed '/alert: ApigGatewayCreationFailed$/,/for:/ s/for: .*/for: 2s/' "$f" >"$tmp/rules/$(basename "$f")"
done
grep -q 'for: 2s' "$tmp/rules/apig-alerts.yaml" || fail "could not shorten the for: of ApigGatewayCreationFailed"
cat >"$tmp/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $tmp/rules/*.yaml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:$am_port']
scrape_configs:
  - job_name: apig_exporter
    static_configs:
      - targets: ['127.0.0.1:$exporter_port']
YAML
"$prometheus" --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/prometheus" \
  --web.listen-address="127.0.0.1:$prom_port" >"$tmp/prometheus.log" 2>&1 &
pids+=($!)

wait_for "exporter /metrics" http_ok "$exporter_url/metrics"
wait_for "Alertmanager ready" http_ok "http://127.0.0.1:$am_port/-/ready"
wait_for "Prometheus ready" http_ok "$prom_url/-/ready"

# 5. The target is up in Prometheus.
target_up() {
  python3 - "$prom_url" <<'PY'
import json, sys, urllib.request
targets = json.load(urllib.request.urlopen(sys.argv[1] + "/api/v1/targets", timeout=2))["data"]["activeTargets"]
sys.exit(0 if any(t["labels"].get("job") == "apig_exporter" and t["health"] == "up" for t in targets) else 1)
PY
}
wait_for "Prometheus target job=apig_exporter up" target_up

# 6. The creation-failed alert reaches the webhook for every code.
alerts_delivered() {
  python3 - "$tmp/notifications.jsonl" "${want_codes[@]}" <<'PY'
import json, sys
path, want = sys.argv[1], set(sys.argv[2:])
seen = {}
with open(path) as f:
    for line in f:
        for a in json.loads(line)["alerts"]:
            l = a["labels"]
            if l.get("alertname") == "ApigGatewayCreationFailed" and l.get("instance_id") and l.get("error_code"):
                seen.setdefault(l["error_code"], l["instance_id"])
missing = want - set(seen)
print("delivered: " + ", ".join(f"{c} ({i})" for c, i in sorted(seen.items())))
sys.exit(1 if missing else 0)
PY
}
wait_for "ApigGatewayCreationFailed delivered for ${want_codes[*]}" alerts_delivered
alerts_delivered | sed 's/^/e2e        /'

# 7. The exposition is clean by promtool's rules.
python3 -c 'import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1], timeout=5).read())' \
  "$exporter_url/metrics" >"$tmp/metrics.txt"
promtool check metrics <"$tmp/metrics.txt" || fail "promtool check metrics found problems"
log "promtool check metrics: ok ($(grep -c '^apig_' "$tmp/metrics.txt") apig_ series)"

# 8. Every dashboard query parses and uses exported metrics.
log "checking the dashboard against Prometheus"
timeout "$(remaining)" mixin/check-dashboard.sh --prometheus "$prom_url" --metrics "$exporter_url/metrics"

# 9. The README's example queries parse and, on the demo, each finds something.
readme_queries() {
  python3 - "$prom_url" <<'PY'
import json, re, sys, urllib.parse, urllib.request
text = open("README.md").read()
block = re.search(r"```promql\n(.*?)```", text, re.S).group(1)
queries = [q.strip() for q in re.split(r"^#.*$", block, flags=re.M) if q.strip()]
bad = 0
for q in queries:
    url = sys.argv[1] + "/api/v1/query?" + urllib.parse.urlencode({"query": q})
    try:
        result = json.load(urllib.request.urlopen(url, timeout=5))["data"]["result"]
    except Exception as e:
        print(f"bad  {q!r}: {e}")
        bad += 1
        continue
    if not result:
        print(f"empty {q!r}")
        bad += 1
print(f"README queries: {len(queries)}, {bad} failing")
sys.exit(1 if bad or not queries else 0)
PY
}
wait_for "README example queries answer" readme_queries
readme_queries | sed 's/^/e2e        /'

log "PASS"
