#!/bin/sh
# dpkg postrm. dpkg removes the files and, on purge, the conffiles. The
# apig_exporter user is kept, as Debian packages keep system users: files
# it owns (credentials) may remain.
set -e

if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null || true
fi
