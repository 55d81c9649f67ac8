package exporter

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/apig-exporter/apig_exporter/config"
)

// Concurrent scrapes in every format encode at once, sharing the cached
// series of settled gateways; the race detector would see any write to them.
func TestConcurrentScrapesInEveryFormat(t *testing.T) {
	te, _ := demoExporter(t, config.ModeToken)
	h := te.handler
	accepts := []string{
		"text/plain;version=0.0.4",
		"application/openmetrics-text;version=1.0.0",
		"application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited",
		"",
	}
	var wg sync.WaitGroup
	codes := make([]int, 4*len(accepts))
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			r.Header.Set("Accept", accepts[i%len(accepts)])
			r.Header.Set("Accept-Encoding", "gzip")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			codes[i] = rec.Code
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Errorf("scrape %d (%q): HTTP %d", i, accepts[i%len(accepts)], c)
		}
	}
}
