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
