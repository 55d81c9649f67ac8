#!/usr/bin/env bash
# The dashboard as code: mixin/ is its own Go module (the Grafana Foundation
# SDK stays out of the exporter's go.mod). Vets and tests it, then checks
# that mixin/dashboards/apig-provisioning.json is exactly what
# `go run ./dashboards/gen` writes and that the SDK's strict decoder accepts
# it. Its queries are checked against a real Prometheus by
# mixin/check-dashboard.sh, from .ci/e2e.sh.
set -euo pipefail
cd "$(dirname "$0")/../mixin"

go vet ./...
go test ./...
go run ./dashboards/gen -check
echo "dashboard.sh: ok: dashboards/apig-provisioning.json is generated and strict-decodes"
