package exporter

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/version"

	"github.com/apig-exporter/apig_exporter/collector"
	"github.com/apig-exporter/apig_exporter/internal/statuspage"
)

// defaultScrapeTimeout bounds a scrape that did not say its own timeout
// (curl, a browser).
const defaultScrapeTimeout = 30 * time.Second

// maxScrapeTimeout is more than any Prometheus scrape timeout in use.
const maxScrapeTimeout = time.Hour

// Handler serves every endpoint of the exporter.
func (ex *Exporter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(ex.metricsPath, ex.metricsHandler())
	mux.Handle("/probe", ex.probeHandler())
	mux.HandleFunc("/-/healthy", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("Healthy\n"))
	})
	mux.HandleFunc("/-/reload", ex.reloadHandler)
	mux.HandleFunc("/-/ready", func(w http.ResponseWriter, _ *http.Request) {
		if ex.current.Load() == nil {
			http.Error(w, "Not ready: no configuration loaded", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("Ready\n"))
	})
	if ex.metricsPath != "/" {
		mux.Handle("/", statuspage.New(statuspage.Options{
			Version:     version.Version,
			MetricsPath: ex.metricsPath,
			Snapshot:    ex.statusSnapshot,
		}))
	}
	return mux
}

// reloadHandler reloads the configuration on POST and answers with the
// error, if any; the old configuration keeps serving when the new one is bad.
func (ex *Exporter) reloadHandler(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "This endpoint requires a POST request.", http.StatusMethodNotAllowed)
		return
	}
	if err := ex.Reload(); err != nil {
		http.Error(w, "failed to reload config: "+err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write([]byte("Reloaded\n"))
}

// scrapeContext bounds one scrape: Prometheus's announced timeout (less
// the offset) or the default, and the exporter's life. It is detached from
// the request so that calls shared with other scrapes are not cut short by
// one client hanging up.
func (ex *Exporter) scrapeContext(r *http.Request) (context.Context, context.CancelFunc) {
	d := scrapeTimeout(r, ex.timeoutOffset)
	return context.WithTimeoutCause(ex.ctx, d,
		fmt.Errorf("scrape deadline of %s passed: %w", d.Round(time.Millisecond), context.DeadlineExceeded))
}

// metricsHandler serves the exporter's own metrics together with a fresh
// gateway collector bound to the scrape's deadline, which bounds every API
// call made for it. Concurrent scrapes share one gather when their
// deadlines allow (gatherShare), and always share the API calls in flight.
func (ex *Exporter) metricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		deadline := time.Now().Add(scrapeTimeout(r, ex.timeoutOffset))
		mfs, err := ex.gathers.gather(ex.ctx, deadline, func(ctx context.Context) ([]*dto.MetricFamily, error) {
			s := ex.current.Load()
			scrape := prometheus.NewRegistry()
			scrape.MustRegister(collector.New(ctx, collector.Options{
				Source:      s.source,
				Concurrency: s.cfg.Concurrency,
				Metrics:     ex.metrics,
				Logger:      ex.logger,
				Now:         ex.now,
			}))
			// The scrape registry goes first: the counters it moves are
			// then current in the same answer.
			return prometheus.Gatherers{scrape, ex.registry}.Gather()
		})
		ex.serveGathered(w, r, prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) { return mfs, err }))
	})
}

func (ex *Exporter) serveGathered(w http.ResponseWriter, r *http.Request, g prometheus.Gatherer) {
	promhttp.HandlerFor(g, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError,
		ErrorLog:      promLogger{ex},
	}).ServeHTTP(w, r)
}

// promLogger passes promhttp's error log to ours, as one message string.
type promLogger struct{ ex *Exporter }

func (l promLogger) Println(v ...any) {
	level.Error(l.ex.logger).Log("msg", strings.TrimSpace(fmt.Sprintln(v...)))
}

// scrapeTimeout is Prometheus's announced scrape timeout minus a margin
// for writing the answer, or a default for clients that announce none.
func scrapeTimeout(r *http.Request, offset time.Duration) time.Duration {
	v := r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds")
	if v == "" {
		return defaultScrapeTimeout
	}
	secs, err := strconv.ParseFloat(v, 64)
	// NaN, Inf and absurd values would overflow time.Duration into an
	// already expired deadline; treat them like a missing header.
	if err != nil || !(secs > 0) || secs > maxScrapeTimeout.Seconds() {
		return defaultScrapeTimeout
	}
	d := time.Duration(secs*float64(time.Second)) - offset
	if d < 100*time.Millisecond {
		// A margin larger than the timeout would leave nothing; keep a sliver.
		d = time.Duration(secs * float64(time.Second) / 2)
	}
	return d
}
