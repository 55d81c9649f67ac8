package main

import (
	"net/http/httptest"
	"testing"
	"time"
)

func TestScrapeTimeoutIgnoresAbsurdHeaders(t *testing.T) {
	for _, tc := range []struct {
		name, header string
		want         time.Duration
	}{
		{"no header", "", defaultScrapeTimeout},
		{"ten seconds", "10", 9500 * time.Millisecond},
		{"fractional", "2.5", 2 * time.Second},
		{"just above the offset", "0.6", 100 * time.Millisecond},
		{"below the offset: half the timeout", "0.4", 200 * time.Millisecond},
		{"zero", "0", defaultScrapeTimeout},
		{"negative", "-5", defaultScrapeTimeout},
		{"not a number", "soon", defaultScrapeTimeout},
		{"NaN", "NaN", defaultScrapeTimeout},
		{"infinity", "+Inf", defaultScrapeTimeout},
		{"overflowing", "1e300", defaultScrapeTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/metrics", nil)
			if tc.header != "" {
				r.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", tc.header)
			}
			if got := scrapeTimeout(r, 500*time.Millisecond); got != tc.want {
				t.Errorf("scrapeTimeout(%q) = %v, want %v", tc.header, got, tc.want)
			}
		})
	}
}
