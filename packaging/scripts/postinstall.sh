#!/bin/sh
# dpkg postinst: create the system user, let it read its configuration, and
# tell systemd about the unit. The service is not started: the shipped
# configuration names example gateways and a token file that does not exist.
set -e

if [ "$1" = configure ]; then
  if ! getent passwd apig_exporter >/dev/null; then
    adduser --system --group --no-create-home --home /nonexistent \
      --shell /usr/sbin/nologin --gecos "apig_exporter" apig_exporter >/dev/null
  fi
  chgrp apig_exporter /etc/apig_exporter /etc/apig_exporter/apig_exporter.yml
fi

if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null || true
  if systemctl is-active --quiet apig_exporter; then
    systemctl try-restart apig_exporter || true
  fi
fi

if [ -z "$2" ]; then
  echo "apig_exporter: edit /etc/apig_exporter/apig_exporter.yml, add the credentials, then: systemctl enable --now apig_exporter"
fi
