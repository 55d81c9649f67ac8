#!/usr/bin/env bash
# Installs the Prometheus server, promtool and Alertmanager from Debian when
# they are missing. Safe to run again: it does nothing once the binaries exist.
set -euo pipefail

need=()
command -v promtool >/dev/null 2>&1 && [ -x /usr/bin/prometheus ] || need+=(prometheus)
[ -x /usr/bin/prometheus-alertmanager ] || need+=(prometheus-alertmanager)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
# The packages try to start their services; in containers without systemd
# that step fails harmlessly. CI only ever runs the binaries directly.
$sudo apt-get install -y --no-install-recommends "${need[@]}"
