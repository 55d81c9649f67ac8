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
	cold := flag.String("cold", "", "instead: comma-separated concurrencies at which to time the first cold scrape after a start and after a reload from 16 (e.g. 16,64,256)")
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

	if *cold != "" {
		var rows []coldResult
		for _, c := range counts("-cold", *cold) {
			for _, n := range counts("-n", *sizes) {
				fmt.Fprintf(os.Stderr, "apig-bench: cold, %d gateways, %v latency, concurrency %d\n", n, *latency, c)
				r, err := coldRun(bench{bin: bin, dir: dir, gateways: n, latency: *latency, concurrency: c})
				if err != nil {
					fail(err)
				}
				rows = append(rows, r)
			}
		}
		printColdTable(os.Stdout, rows, *latency)
		return
	}

	var rows []result
	for _, n := range counts("-n", *sizes) {
		fmt.Fprintf(os.Stderr, "apig-bench: %d gateways, %v latency, concurrency %d\n", n, *latency, *concurrency)
		r, err := run(bench{bin: bin, dir: dir, gateways: n, latency: *latency, concurrency: *concurrency, warm: *warm})
		if err != nil {
			fail(err)
		}
		rows = append(rows, r)
	}
	printTables(os.Stdout, rows, *latency, *concurrency)
}

// counts parses a comma-separated list of positive numbers.
func counts(flagName, list string) []int {
	var out []int
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fail(fmt.Errorf("%s: %q is not a positive number", flagName, s))
		}
		out = append(out, n)
	}
	return out
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "apig-bench:", err)
	os.Exit(1)
}
