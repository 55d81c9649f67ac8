package main

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/apig-exporter/apig_exporter/collector"
)

// defaultScrapeTimeout bounds a scrape that did not say its own timeout
// (curl, a browser).
const defaultScrapeTimeout = 30 * time.Second

// maxScrapeTimeout is more than any Prometheus scrape timeout in use.
const maxScrapeTimeout = time.Hour

func versionString() string { return version.Version }

func (ex *exporter) routes(metricsPath string) (*http.ServeMux, error) {
	mux := http.NewServeMux()
	mux.Handle(metricsPath, ex.metricsHandler())
	mux.Handle("/probe", ex.probeHandler())
	mux.HandleFunc("/-/healthy", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
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
	if metricsPath != "/" {
		landing, err := web.NewLandingPage(web.LandingConfig{
			Name:        "APIG Exporter",
			Description: "Creation progress of Huawei Cloud APIG dedicated gateways",
			Version:     version.Info(),
			Links: []web.LandingLinks{
				{Address: metricsPath, Text: "Metrics"},
				{Address: "/probe?project_id=&instance_id=", Text: "Probe one gateway"},
				{Address: "/-/healthy", Text: "Health"},
				{Address: "/-/ready", Text: "Readiness"},
			},
		})
		if err != nil {
			return nil, err
		}
		mux.Handle("/", landing)
	}
	return mux, nil
}

// reloadHandler reloads the configuration on POST and answers with the
// error, if any; the old configuration keeps serving when the new one is bad.
func (ex *exporter) reloadHandler(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "This endpoint requires a POST request.", http.StatusMethodNotAllowed)
		return
	}
	if err := ex.reloadLogged(); err != nil {
		http.Error(w, "failed to reload config: "+err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write([]byte("Reloaded\n"))
}

// metricsHandler serves the exporter's own metrics together with a fresh
// gateway collector bound to the scrape's deadline, which bounds every API
// call made for it. Concurrent scrapes share one gather (gatherShare).
func (ex *exporter) metricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		deadline := time.Now().Add(scrapeTimeout(r, ex.timeoutShave))
		mfs, err := ex.gathers.gather(deadline, func(ctx context.Context) ([]*dto.MetricFamily, error) {
			s := ex.current.Load()
			scrape := prometheus.NewRegistry()
			scrape.MustRegister(collector.New(ctx, collector.Options{
				Source:      s.source,
				Concurrency: s.cfg.Concurrency,
				Metrics:     ex.metrics,
				Logger:      ex.logger,
			}))
			// The scrape registry goes first: the counters it moves are
			// then current in the same answer.
			return prometheus.Gatherers{scrape, ex.registry}.Gather()
		})
		gathered := prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) { return mfs, err })
		promhttp.HandlerFor(gathered, promhttp.HandlerOpts{
			ErrorHandling: promhttp.ContinueOnError,
			ErrorLog:      promLogger{ex.logger},
		}).ServeHTTP(w, r)
	})
}

// scrapeTimeout is Prometheus's announced scrape timeout minus a margin
// for writing the answer, or a default for clients that announce none.
func scrapeTimeout(r *http.Request, shave time.Duration) time.Duration {
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
	d := time.Duration(secs*float64(time.Second)) - shave
	if d < 100*time.Millisecond {
		// A margin larger than the timeout would leave nothing; keep a sliver.
		d = time.Duration(secs * float64(time.Second) / 2)
	}
	return d
}
