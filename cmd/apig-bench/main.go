// Command apig-bench measures what scraping N gateways costs: it serves a
// fake APIG on loopback with a fixed latency, runs the real exporter
// binary against it as a child process, and prints a Markdown table of
// wall times, API calls, CPU, allocations and peak RSS, next to the naive
// way (one call per gateway per scrape, no cache, no sharing).
//
// Run it from the repository root: go run ./cmd/apig-bench
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	sizes := flag.String("n", "100,1000,5000", "comma-separated gateway counts")
	latency := flag.Duration("latency", 50*time.Millisecond, "latency the fake APIG adds to every answer")
	concurrency := flag.Int("concurrency", 16, "exporter concurrency (API calls in flight)")
	warm := flag.Int("warm", 5, "warm scrapes to average over")
	flag.Parse()

	dir, err := os.MkdirTemp("", "apig-bench-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	bin, err := buildExporter(dir)
	if err != nil {
		fail(err)
	}

	var rows []result
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fail(fmt.Errorf("-n: %q is not a gateway count", s))
		}
		fmt.Fprintf(os.Stderr, "apig-bench: %d gateways, %v latency, concurrency %d\n", n, *latency, *concurrency)
		r, err := run(bench{bin: bin, dir: dir, gateways: n, latency: *latency, concurrency: *concurrency, warm: *warm})
		if err != nil {
			fail(err)
		}
		rows = append(rows, r)
	}
	printTables(os.Stdout, rows, *latency, *concurrency)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "apig-bench:", err)
	os.Exit(1)
}
