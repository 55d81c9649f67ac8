package apig_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

// throttleObserver records throttled answers and final errors.
type throttleObserver struct {
	mu        sync.Mutex
	throttled int
	errors    []string
}

func (o *throttleObserver) ObserveRequest(string, string, time.Duration) {}
func (o *throttleObserver) ObserveError(_, code string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.errors = append(o.errors, code)
}
func (o *throttleObserver) ObserveThrottle(string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.throttled++
}

// throttleFirst answers the first n calls with the given refusal, then
// with a created gateway.
func throttleFirst(n int64, status int, code, retryAfter string, calls *atomic.Int64) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if calls.Add(1) <= n {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"error_code":"` + code + `","error_msg":"The throttling threshold has been reached"}`))
			return
		}
		_, _ = w.Write([]byte(`{"progress":100,"status":"success","start_time":1,"end_time":2}`))
	}
}

func TestThrottledCallsBackOff(t *testing.T) {
	for _, tc := range []struct {
		name       string
		throttles  int64
		status     int
		code       string
		retryAfter string
		wantCalls  int64
		wantWaits  []time.Duration
		wantErr    string
	}{
		{"429 once, then success: one jittered wait", 1, 429, "APIGW.0308", "", 2, []time.Duration{2 * time.Second}, ""},
		{"429 with Retry-After: 3s is honoured", 1, 429, "APIGW.0308", "3", 2, []time.Duration{3*time.Second + 150*time.Millisecond}, ""},
		{"500 APIG.9008 is throttling too", 1, 500, "APIG.9008", "", 2, []time.Duration{2 * time.Second}, ""},
		{"always throttled: two retries, then give up", 99, 429, "APIGW.0308", "", 3, []time.Duration{2 * time.Second, 4 * time.Second}, "APIGW.0308"},
		{"Retry-After beyond the cap: no retry", 99, 429, "APIGW.0308", "60", 1, nil, "APIGW.0308"},
		{"plain 500 is not retried here", 99, 500, "APIC.9999", "", 1, nil, "APIC.9999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int64
			fake := simcloud.New(simcloud.Gateway{ProjectID: "p1", ID: "gw1", Handler: throttleFirst(tc.throttles, tc.status, tc.code, tc.retryAfter, &calls)}).Start()
			defer fake.Close()
			var waits []time.Duration
			obs := &throttleObserver{}
			lim := apig.NewLimiter(16)
			c := testClient(t, apig.Options{Observer: obs, Limiter: lim, Backoff: apig.Backoff{
				Jitter: func() float64 { return 0.5 },
				Sleep:  func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil },
			}})
			_, err := c.Progress(context.Background(), apig.Project{ID: "p1", Endpoint: fake.URL()}, "gw1")
			if calls.Load() != tc.wantCalls {
				t.Errorf("%d calls, want %d", calls.Load(), tc.wantCalls)
			}
			if len(waits) != len(tc.wantWaits) {
				t.Fatalf("waits %v, want %v", waits, tc.wantWaits)
			}
			for i := range waits {
				if waits[i] != tc.wantWaits[i] {
					t.Errorf("wait %d = %v, want %v", i, waits[i], tc.wantWaits[i])
				}
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("err %v", err)
			case tc.wantErr != "":
				if e, ok := apig.AsError(err); !ok || e.Code != tc.wantErr {
					t.Fatalf("err %v, want %s", err, tc.wantErr)
				}
				if len(obs.errors) != 1 || obs.errors[0] != tc.wantErr {
					t.Errorf("observed errors %v, want one %s", obs.errors, tc.wantErr)
				}
			}
			wantThrottled := min(tc.throttles, tc.wantCalls)
			if tc.code == "APIC.9999" {
				wantThrottled = 0
			}
			if int64(obs.throttled) != wantThrottled {
				t.Errorf("%d throttles observed, want %d", obs.throttled, wantThrottled)
			}
			if wantThrottled > 0 && lim.Limit() != 8 {
				t.Errorf("limit %d after throttling, want 8 (halved once)", lim.Limit())
			}
		})
	}
}

func TestThrottleRetryStopsAtDeadline(t *testing.T) {
	var calls atomic.Int64
	fake := simcloud.New(simcloud.Gateway{ProjectID: "p1", ID: "gw1", Handler: throttleFirst(99, 429, "APIGW.0308", "", &calls)}).Start()
	defer fake.Close()
	slept := false
	c := testClient(t, apig.Options{Backoff: apig.Backoff{Sleep: func(context.Context, time.Duration) error { slept = true; return nil }}})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := c.Progress(ctx, apig.Project{ID: "p1", Endpoint: fake.URL()}, "gw1")
	if e, ok := apig.AsError(err); !ok || !e.Throttled() {
		t.Fatalf("err %v, want throttled", err)
	}
	if slept || calls.Load() != 1 {
		t.Errorf("slept %v after %d calls; a 1s+ wait cannot fit a 500ms deadline", slept, calls.Load())
	}
}
