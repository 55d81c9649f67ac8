#!/bin/sh
# dpkg prerm: stop the service before its binary goes away.
set -e

if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl disable --now apig_exporter >/dev/null 2>&1 || true
fi
