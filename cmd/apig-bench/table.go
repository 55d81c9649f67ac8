package main

import (
	"fmt"
	"io"
	"time"
)

func printTables(w io.Writer, rows []result, latency time.Duration, concurrency int) {
	fmt.Fprintf(w, "Fake APIG latency %v, concurrency %d, settled_ttl 10m, one project with discover: true.\n\n", latency, concurrency)
	fmt.Fprintln(w, "| gateways | first scrape | floor ceil(N/c)×latency | ratio | warm scrape | API calls per warm scrape | naive scrape | naive calls per scrape |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %d | %s | %s | %.2f× | %s | %.1f | %s | %d |\n", r.gateways, ms(r.first), ms(r.floor),
			r.first.Seconds()/r.floor.Seconds(), ms(r.warmWall), r.warmCalls, ms(r.naiveWall), r.naiveCalls)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| gateways | calls, 2 scrapers ÷ 1 (cold) | (warm) | CPU per warm scrape | CPU per gateway | allocs per gateway | peak RSS |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		n := float64(r.gateways)
		fmt.Fprintf(w, "| %d | %.2f | %.2f | %s | %.1f µs | %.0f | %.1f MiB |\n", r.gateways, r.pairCold, r.pairWarm,
			ms(r.cpuPerScrape),
			float64(r.cpuPerScrape.Microseconds())/n, r.allocsPerScrape/n, float64(r.peakRSS)/(1<<20))
	}
}

func ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000)
}
