// Package exporter is the running exporter: the configuration in force
// and its reloads, the cloud client and credentials built from it, and the
// HTTP handlers (/metrics, /probe, the status page, health and reload).
// The main package parses flags and wires it to a listener.
package exporter

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/common/version"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/collector"
	"github.com/apig-exporter/apig_exporter/config"
)

// Options configure an Exporter.
type Options struct {
	Logger log.Logger
	// Load returns the configuration to run with; it is called at start
	// and on every reload.
	Load func() (*config.Config, error)
	// TimeoutOffset is taken off Prometheus's announced scrape timeout so
	// that the answer is sent in time.
	TimeoutOffset time.Duration
	// MetricsPath is where /metrics is served.
	MetricsPath string
	// MetadataEndpoint is the metadata service the default chain tries
	// when auth is left out; "" means apig.DefaultMetadataEndpoint. Tests
	// set a loopback one.
	MetadataEndpoint string
	// Now is the clock of temporary keys, IAM tokens and signatures; nil
	// means time.Now. Tests set a fake one.
	Now func() time.Time
	// DialContext, if set, dials the cloud's connections (tests route
	// cloud host names to loopback fakes with it).
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Exporter is the long-lived state behind the HTTP handlers.
type Exporter struct {
	logger        log.Logger
	load          func() (*config.Config, error)
	timeoutOffset time.Duration
	metricsPath   string
	metadata      string
	// now is the clock of scrapes, credentials and the status page's
	// freshness.
	now  func() time.Time
	dial func(ctx context.Context, network, addr string) (net.Conn, error)

	metrics  *collector.Metrics
	registry *prometheus.Registry
	// limiter bounds API calls in flight across scrapes and reloads.
	limiter *apig.Limiter

	// ctx ends at Close: every scrape and every API call derives from it,
	// so a shutdown does not wait for calls that may take request_timeout.
	ctx    context.Context
	cancel context.CancelFunc

	current  atomic.Pointer[setup]
	reloadMu sync.Mutex
	gathers  gatherShare

	reloadOK        prometheus.Gauge
	reloadTimestamp prometheus.Gauge
}

// setup is everything built from one configuration. A reload builds a new
// one and swaps it in whole; scrapes in flight keep the one they started with.
type setup struct {
	cfg    *config.Config
	client *apig.Client
	source *collector.Source
	// temporaryKeys are the keys each project uses, for the projects
	// whose credentials are temporary keys (the expiry gauge reads them).
	temporaryKeys map[string]*apig.TemporaryAKSK
	// authSource and projectAuthSources say where credentials came from.
	authSource, projectAuthSources string
}

// New builds an exporter; it serves nothing until the first Reload
// succeeds.
func New(o Options) *Exporter {
	ctx, cancel := context.WithCancel(context.Background())
	ex := &Exporter{
		logger: o.Logger, load: o.Load, timeoutOffset: o.TimeoutOffset, metricsPath: o.MetricsPath,
		metadata: o.MetadataEndpoint, now: o.Now, dial: o.DialContext,
		metrics: collector.NewMetrics(),
		limiter: apig.NewLimiter(config.DefaultConcurrency),
		ctx:     ctx, cancel: cancel,
		reloadOK: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "apig_exporter_config_last_reload_successful",
			Help: "1 if the last configuration load succeeded, else 0.",
		}),
		reloadTimestamp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "apig_exporter_config_last_reload_success_timestamp_seconds",
			Help: "Unix time of the last successful configuration load.",
		}),
	}
	if ex.logger == nil {
		ex.logger = log.NewNopLogger()
	}
	if ex.now == nil {
		ex.now = time.Now
	}
	if ex.metricsPath == "" {
		ex.metricsPath = "/metrics"
	}
	ex.metrics.SetLimiter(ex.limiter)
	// The registry holds the series that outlive a scrape: build info, Go
	// and process metrics, the API counters and the reload gauges.
	ex.registry = prometheus.NewRegistry()
	ex.registry.MustRegister(
		versioncollector.NewCollector("apig_exporter"),
		prometheus.NewGoCollector(),
		prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}),
		ex.metrics, ex.reloadOK, ex.reloadTimestamp, expiryCollector{ex},
	)
	return ex
}

// Close cancels every scrape and API call in flight; scrapes then answer
// with what they have. Call it when shutting down.
func (ex *Exporter) Close() {
	ex.cancel()
	if s := ex.current.Load(); s != nil {
		s.client.CloseIdleConnections()
	}
}

// Reload loads the configuration and swaps it in only if it is good; a bad
// one leaves the serving setup untouched. Reloads from SIGHUP and HTTP are
// serialised, and the outcome is logged.
func (ex *Exporter) Reload() error {
	ex.reloadMu.Lock()
	defer ex.reloadMu.Unlock()
	err := ex.reload()
	if err != nil {
		ex.reloadOK.Set(0)
		if ex.current.Load() != nil {
			level.Error(ex.logger).Log("msg", "reload failed; keeping the previous configuration", "err", err)
		}
		return err
	}
	ex.reloadOK.Set(1)
	ex.reloadTimestamp.SetToCurrentTime()
	return nil
}

func (ex *Exporter) reload() error {
	cfg, err := ex.load()
	if err != nil {
		return err
	}
	s, err := ex.buildSetup(cfg, ex.current.Load())
	if err != nil {
		return err
	}
	ex.limiter.SetMax(cfg.Concurrency)
	if old := ex.current.Swap(s); old != nil {
		old.client.CloseIdleConnections()
	}
	cfg = s.cfg // with the project found from the region, if any
	kv := []any{"msg", "configuration loaded", "projects", len(cfg.Projects), "gateways", configuredGateways(cfg),
		"auth", cfg.Auth.Mode(), "auth_source", s.authSource}
	if s.projectAuthSources != "" {
		kv = append(kv, "project_auth", s.projectAuthSources)
	}
	level.Info(ex.logger).Log(kv...)
	if cfg.TLS.InsecureSkipVerify {
		level.Warn(ex.logger).Log("msg", "TLS certificate verification is off (tls.insecure_skip_verify): anyone on the path can read the credentials")
	}
	return nil
}

// ReloadOn reloads each time sig delivers, until ctx ends.
func (ex *Exporter) ReloadOn(ctx context.Context, sig <-chan os.Signal) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-sig:
			_ = ex.Reload()
		}
	}
}

// buildSetup turns a validated config into a client and a source; the
// source keeps what prev's learnt (settled answers, lists).
func (ex *Exporter) buildSetup(cfg *config.Config, prev *setup) (*setup, error) {
	httpClient, err := newHTTPClient(cfg.TLS)
	if err != nil {
		return nil, err
	}
	if ex.dial != nil {
		httpClient.Transport.(*http.Transport).DialContext = ex.dial
	}
	// One HTTP client for APIG and IAM alike: same proxy, TLS and limits.
	shared := authShared{http: httpClient, observer: ex.metrics, userAgent: "apig_exporter/" + version.Version,
		now: ex.now, metadataEndpoint: ex.metadata}
	acc, err := ex.buildAccounts(cfg, shared)
	if err != nil {
		return nil, err
	}
	cfg = acc.cfg
	client, err := apig.NewClient(apig.Options{
		HTTPClient: shared.http,
		Auth:       acc.auth,
		Observer:   ex.metrics,
		UserAgent:  shared.userAgent,
		Timeout:    time.Duration(cfg.RequestTimeout),
		Limiter:    ex.limiter,
	})
	if err != nil {
		return nil, err
	}
	var projects []collector.Project
	for _, p := range cfg.Projects {
		project := apig.Project{ID: p.ID, Endpoint: cfg.APIGEndpointFor(p)}
		cp := collector.Project{Project: project, Discover: p.Discover, Filter: p.Discovery.Matches}
		for _, in := range p.Instances {
			cp.Instances = append(cp.Instances, collector.Target{Project: project, InstanceID: in.ID, InstanceName: in.Name})
		}
		projects = append(projects, cp)
	}
	var prevSource *collector.Source
	if prev != nil {
		prevSource = prev.source
	}
	source := collector.NewSource(ex.ctx, collector.SourceOptions{
		Fetcher:    client,
		Lister:     client,
		Projects:   projects,
		SettledTTL: time.Duration(cfg.Cache.SettledTTL),
		Logger:     ex.logger,
	}, prevSource)
	return &setup{cfg: cfg, client: client, source: source, temporaryKeys: acc.temporaryKeys,
		authSource: acc.source, projectAuthSources: acc.logSources()}, nil
}

func configuredGateways(cfg *config.Config) int {
	n := 0
	for _, p := range cfg.Projects {
		n += len(p.Instances)
	}
	return n
}

// newHTTPClient is the cloud client with the configured TLS trust:
// verification stays on unless insecure_skip_verify is set explicitly.
func newHTTPClient(c config.TLS) (*http.Client, error) {
	pool, err := c.CertPool()
	if err != nil {
		return nil, err
	}
	if pool == nil && !c.InsecureSkipVerify {
		return apig.NewHTTPClient(nil), nil
	}
	return apig.NewHTTPClient(&tls.Config{
		RootCAs:            pool,
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: c.InsecureSkipVerify, //nolint:gosec // only by explicit configuration, with a warning
	}), nil
}
