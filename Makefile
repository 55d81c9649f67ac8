# Developer entry points. CI runs .ci/run; these targets are shortcuts.
GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
REVISION  ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
BRANCH    ?= $(shell git rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)
IMAGE     ?= apig_exporter
VERSION_PKG := github.com/prometheus/common/version
LDFLAGS := -X $(VERSION_PKG).Version=$(VERSION) \
           -X $(VERSION_PKG).Revision=$(REVISION) \
           -X $(VERSION_PKG).Branch=$(BRANCH)

.PHONY: all build test lint rules e2e bench docker

all: lint test rules build

build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o apig_exporter .

test:
	$(GO) vet ./...
	$(GO) test -race ./...

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "not gofmt-formatted: $$unformatted" >&2; exit 1; fi
	$(GO) vet ./...

# Needs promtool (.ci/install-prometheus.sh).
rules:
	.ci/rules.sh

# Needs Prometheus and Alertmanager (.ci/install-prometheus.sh).
e2e:
	.ci/e2e.sh

bench:
	$(GO) test -run '^$$' -bench . ./...

docker:
	docker build --build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) -t $(IMAGE):$(VERSION) .
