package main

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// naiveConfig is the naive way: the gateways configured one by one, no
// discovery and settled_ttl: 0s, so that every scrape asks every gateway.
func naiveConfig(endpoint string, ids []string, concurrency int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apig_endpoint: %s\nauth: {token: bench}\nconcurrency: %d\nrequest_timeout: 60s\ncache: {settled_ttl: 0s}\nprojects:\n  - id: %s\n    instances:\n", endpoint, concurrency, benchProject)
	for _, id := range ids {
		fmt.Fprintf(&b, "      - id: %s\n", id)
	}
	return b.String()
}

// naiveScrape runs the exporter with naiveConfig and returns the wall time
// of one scrape.
func naiveScrape(b bench, endpoint string, ids []string) (time.Duration, error) {
	p, err := startExporter(b.bin, b.dir, naiveConfig(endpoint, ids, b.concurrency))
	if err != nil {
		return 0, err
	}
	defer p.stop()
	d, _, err := p.scrape(context.Background())
	return d, err
}
