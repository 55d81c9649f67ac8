package collector

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/apig-exporter/apig_exporter/apig"
)

// Metrics holds the counters that outlive a scrape: API calls made,
// their errors and latency, and distinct failed creations. It is the
// apig.Observer of the client.
type Metrics struct {
	apiRequests      *prometheus.CounterVec
	apiDuration      *prometheus.HistogramVec
	apiErrors        *prometheus.CounterVec
	apiThrottled     *prometheus.CounterVec
	creationFailures *prometheus.CounterVec
	cacheHits        prometheus.Counter
	concurrencyLimit prometheus.GaugeFunc
	limiter          atomic.Pointer[apig.Limiter]
}

// NewMetrics creates the long-lived metrics; register them once.
func NewMetrics() *Metrics {
	m := &Metrics{
		apiRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "api_requests_total",
			Help: "HTTP requests sent to the cloud API, by operation and HTTP status code (\"error\" when no answer came).",
		}, []string{"operation", "code"}),
		apiDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "api_request_duration_seconds",
			Help:    "Latency of HTTP requests to the cloud API, by operation.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"operation"}),
		apiErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "api_errors_total",
			Help: "Failed cloud API calls, by operation and error code: the API's code (APIC.7102, APIGW.0308, ...) or timeout, connection, decode, http_<status>.",
		}, []string{"operation", "error_code"}),
		apiThrottled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "api_throttled_total",
			Help: "Cloud API answers that asked the exporter to slow down (HTTP 429 APIGW.0308, or APIG.9008), including those a retry then recovered from.",
		}, []string{"operation"}),
		cacheHits: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "progress_cache_hits_total",
			Help: "Gateway progress answers reused from the settled cache instead of calling the API.",
		}),
		creationFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "creation_failures_total",
			Help: "Distinct failed gateway creations seen by this process, by project and error code (a gateway seen failed on many scrapes counts once).",
		}, []string{"project_id", "error_code"}),
	}
	// Throttling is rare; start its series at 0 so that rate() and alerts
	// see a zero rather than no data.
	for _, op := range []string{apig.OpProgress, apig.OpList, apig.OpIAM, apig.OpMetadata} {
		m.apiThrottled.WithLabelValues(op)
	}
	m.concurrencyLimit = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: namespace, Name: "api_concurrency_limit",
		Help: "Cloud API calls currently allowed in flight: the configured concurrency, lowered while APIG throttles.",
	}, func() float64 {
		if l := m.limiter.Load(); l != nil {
			return float64(l.Limit())
		}
		return 0
	})
	return m
}

// SetLimiter makes apig_api_concurrency_limit report l.
func (m *Metrics) SetLimiter(l *apig.Limiter) { m.limiter.Store(l) }

// ObserveThrottle implements apig.ThrottleObserver.
func (m *Metrics) ObserveThrottle(operation string) {
	m.apiThrottled.WithLabelValues(operation).Inc()
}

// ObserveRequest implements apig.Observer.
func (m *Metrics) ObserveRequest(operation, code string, d time.Duration) {
	m.apiRequests.WithLabelValues(operation, code).Inc()
	m.apiDuration.WithLabelValues(operation).Observe(d.Seconds())
}

// ObserveError implements apig.Observer.
func (m *Metrics) ObserveError(operation, code string) {
	m.apiErrors.WithLabelValues(operation, code).Inc()
}

// countCreationFailure counts one distinct failed creation.
func (m *Metrics) countCreationFailure(projectID, code string) {
	if code == "" {
		code = "unknown"
	}
	m.creationFailures.WithLabelValues(projectID, code).Inc()
}

func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	m.apiRequests.Describe(ch)
	m.apiDuration.Describe(ch)
	m.apiErrors.Describe(ch)
	m.apiThrottled.Describe(ch)
	m.creationFailures.Describe(ch)
	m.cacheHits.Describe(ch)
	m.concurrencyLimit.Describe(ch)
}

func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.apiRequests.Collect(ch)
	m.apiDuration.Collect(ch)
	m.apiErrors.Collect(ch)
	m.apiThrottled.Collect(ch)
	m.creationFailures.Collect(ch)
	m.cacheHits.Collect(ch)
	m.concurrencyLimit.Collect(ch)
}
