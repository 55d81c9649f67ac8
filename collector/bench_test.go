package collector

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

// BenchmarkWarmScrape is one /metrics scrape of 1000 settled, discovered
// gateways once the cache is warm: the list call plus building, gathering
// and encoding every series. The fake answers at once, so the figures are
// the exporter's own cost. For wall times against a remote API, use
// go run ./cmd/apig-bench.
func BenchmarkWarmScrape(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("gateways=%d", n), func(b *testing.B) {
			fake := simcloud.New()
			for i := range n {
				fake.Put(simcloud.Gateway{ProjectID: "p1", ID: fmt.Sprintf("%032x", i), Name: fmt.Sprintf("gw-%d", i), Progress: succeeded(), ListStatus: "Running"})
			}
			fake.Start()
			defer fake.Close()
			client, _ := apig.NewClient(apig.Options{Auth: apig.StaticToken{Token: apig.StaticSecret("t")}})
			metrics := NewMetrics()
			src := NewSource(b.Context(), SourceOptions{Fetcher: client, Lister: client, SettledTTL: time.Hour,
				Projects: []Project{{Project: apig.Project{ID: "p1", Endpoint: fake.URL()}, Discover: true}}}, nil)
			scrape := func() {
				reg := prometheus.NewRegistry()
				reg.MustRegister(New(context.Background(), Options{Source: src, Concurrency: 16, Metrics: metrics}))
				mfs, err := reg.Gather()
				if err != nil {
					b.Fatal(err)
				}
				enc := expfmt.NewEncoder(discard{}, expfmt.NewFormat(expfmt.TypeTextPlain))
				for _, mf := range mfs {
					_ = enc.Encode(mf)
				}
			}
			scrape() // warm the cache
			fake.ResetCalls()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				scrape()
			}
			b.StopTimer()
			calls := fake.Calls(apig.OpProgress) + fake.Calls(apig.OpList)
			b.ReportMetric(float64(calls)/float64(b.N), "calls/scrape")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/gateway")
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkListPaging lists 5000 gateways (10 pages) from an API with
// 50 ms latency, with and without the size hint a Source passes from the
// previous list: with it, every page is asked at once.
//
//	go test -run XXX -bench ListPaging ./collector
func BenchmarkListPaging(b *testing.B) {
	const n = 5000
	fake := simcloud.New()
	for i := range n {
		fake.Put(simcloud.Gateway{ProjectID: "p1", ID: fmt.Sprintf("%032x", i), Progress: succeeded(), ListStatus: "Running"})
	}
	fake.Latency.Store(int64(50 * time.Millisecond))
	fake.Start()
	defer fake.Close()
	client, _ := apig.NewClient(apig.Options{Auth: apig.StaticToken{Token: apig.StaticSecret("t")}})
	p := apig.Project{ID: "p1", Endpoint: fake.URL()}
	for _, hint := range []int{0, n} {
		b.Run(fmt.Sprintf("hint=%d", hint), func(b *testing.B) {
			for b.Loop() {
				got, err := client.ListInstances(context.Background(), p, apig.ListOptions{Hint: hint})
				if err != nil || len(got) != n {
					b.Fatalf("%d gateways, %v", len(got), err)
				}
			}
		})
	}
}
