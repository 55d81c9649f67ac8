package exporter

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

// BenchmarkTwoConcurrentScrapes is what an HA pair of Prometheus servers
// that scrape at the same moment costs the exporter: two /metrics requests
// at once, on 1000 settled gateways whose answers are cached.
func BenchmarkTwoConcurrentScrapes(b *testing.B) {
	start := time.Now().Add(-time.Hour)
	var gws []simcloud.Gateway
	for i := range 1000 {
		gws = append(gws, simcloud.Gateway{ProjectID: testProject, ID: fmt.Sprintf("gw%04d", i), Name: fmt.Sprintf("gateway-%d", i),
			Progress: simcloud.Succeeded(start, start.Add(5*time.Minute))})
	}
	fake := simcloud.New(gws...).Start()
	defer fake.Close()
	path := benchConfig(b, "apig_endpoint: "+fake.URL()+"\nauth: {token: t}\nprojects: [{id: "+testProject+", discover: true}]\n")
	ex := New(Options{Load: fromFile(path)})
	defer ex.Close()
	if err := ex.Reload(); err != nil {
		b.Fatal(err)
	}
	h := ex.Handler()
	scrape := func() {
		r := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		r.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			b.Fatalf("HTTP %d", rec.Code)
		}
	}
	scrape() // fill the cache
	b.ReportAllocs()
	for b.Loop() {
		var wg sync.WaitGroup
		wg.Go(scrape)
		wg.Go(scrape)
		wg.Wait()
	}
}

func benchConfig(b *testing.B, content string) string {
	b.Helper()
	p := b.TempDir() + "/apig_exporter.yml"
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		b.Fatal(err)
	}
	return p
}
