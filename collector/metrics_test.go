package collector

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

func TestThrottlingIsCountedAndLowersConcurrency(t *testing.T) {
	var calls atomic.Int64
	throttleOnce := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 second"}`))
			return
		}
		_, _ = w.Write([]byte(`{"progress":100,"status":"success","start_time":1,"end_time":2}`))
	}
	r := newRig(t, simcloud.New(simcloud.Gateway{ProjectID: "p1", ID: "gw", Handler: throttleOnce}))
	p := r.project("p1")
	r.use(0, Project{Project: p, Instances: []Target{{Project: p, InstanceID: "gw"}}})

	err := testutil.GatherAndCompare(r.gatherer(r.collector(context.Background())), stringsReader(`
# HELP apig_api_concurrency_limit Cloud API calls currently allowed in flight: the configured concurrency, lowered while APIG throttles.
# TYPE apig_api_concurrency_limit gauge
apig_api_concurrency_limit 8
# HELP apig_api_throttled_total Cloud API answers that asked the exporter to slow down (HTTP 429 APIGW.0308, or APIG.9008), including those a retry then recovered from.
# TYPE apig_api_throttled_total counter
apig_api_throttled_total{operation="iam"} 0
apig_api_throttled_total{operation="list"} 0
apig_api_throttled_total{operation="metadata"} 0
apig_api_throttled_total{operation="progress"} 1
# HELP apig_instance_scrape_success 1 if this scrape got and decoded the gateway's creation progress, else 0 (then no progress, status or time series for the gateway). Settled results may be up to cache.settled_ttl old.
# TYPE apig_instance_scrape_success gauge
apig_instance_scrape_success{instance_id="gw",project_id="p1"} 1
`), "apig_api_concurrency_limit", "apig_api_throttled_total", "apig_instance_scrape_success")
	if err != nil {
		t.Error(err)
	}
	if calls.Load() != 2 {
		t.Errorf("%d calls, want 2: one throttled, one retry", calls.Load())
	}
}
