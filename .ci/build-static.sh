#!/usr/bin/env bash
# Builds the release binary: static (no cgo), paths trimmed, symbols
# stripped, version stamped. The Dockerfile, .ci/deb.sh and
# .ci/container.sh all build with this script, so the binary they check is
# the one the image ships.
#
# Usage: .ci/build-static.sh OUTPUT
# Environment: VERSION (default 0.1.0), REVISION (default unknown),
#              BRANCH (default main), BUILD_USER (default $USER or ci).
set -euo pipefail
out=${1:?usage: build-static.sh OUTPUT}
cd "$(dirname "$0")/.."

pkg=github.com/prometheus/common/version
CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w \
    -X $pkg.Version=${VERSION:-0.1.0} \
    -X $pkg.Revision=${REVISION:-unknown} \
    -X $pkg.Branch=${BRANCH:-main} \
    -X $pkg.BuildUser=${BUILD_USER:-${USER:-ci}} \
    -X $pkg.BuildDate=$(date -u +%Y%m%d-%H:%M:%S)" \
  -o "$out" .
