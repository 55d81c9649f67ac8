#!/usr/bin/env bash
# Checks the shipped Prometheus rules and runs their unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v promtool >/dev/null 2>&1 || {
  echo "rules.sh: promtool not found; run .ci/install-prometheus.sh" >&2
  exit 1
}
shopt -s nullglob
rule_files=(mixin/alerts/*.yaml mixin/rules/*.yaml)
promtool check rules "${rule_files[@]}"
promtool test rules mixin/tests/*.yaml

# Every Prometheus configuration the README shows must load in Prometheus.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp" <<'PY'
import re, sys
blocks = re.findall(r"```yaml\n(.*?)```", open("README.md").read(), re.S)
configs = [b for b in blocks if "scrape_configs:" in b]
if not configs:
    sys.exit("rules.sh: README shows no Prometheus scrape configuration")
for i, b in enumerate(configs):
    open(f"{sys.argv[1]}/readme-prometheus-{i}.yml", "w").write(b)
PY
for f in "$tmp"/readme-prometheus-*.yml; do
  promtool check config --syntax-only "$f"
done
