package main

import (
	"context"
	"crypto/tls"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/collector"
	"github.com/apig-exporter/apig_exporter/config"
)

// setup is everything built from one configuration. A reload builds a new
// one and swaps it in whole; scrapes in flight keep the one they started with.
type setup struct {
	cfg     *config.Config
	client  *apig.Client
	targets []collector.Target
	source  *collector.Source
}

// exporter is the long-lived state behind the HTTP handlers.
type exporter struct {
	logger       log.Logger
	metrics      *collector.Metrics
	registry     *prometheus.Registry
	load         func() (*config.Config, error)
	timeoutShave time.Duration

	current  atomic.Pointer[setup]
	gathers  gatherShare
	reloadMu sync.Mutex
	// limiter bounds API calls in flight across scrapes and reloads.
	limiter *apig.Limiter

	reloadOK        prometheus.Gauge
	reloadTimestamp prometheus.Gauge
}

func newExporter(logger log.Logger, metrics *collector.Metrics, registry *prometheus.Registry, load func() (*config.Config, error), timeoutShave time.Duration) *exporter {
	ex := &exporter{logger: logger, metrics: metrics, registry: registry, load: load, timeoutShave: timeoutShave,
		limiter: apig.NewLimiter(config.DefaultConcurrency),
		reloadOK: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "apig_exporter_config_last_reload_successful",
			Help: "1 if the last configuration load succeeded, else 0.",
		}),
		reloadTimestamp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "apig_exporter_config_last_reload_success_timestamp_seconds",
			Help: "Unix time of the last successful configuration load.",
		}),
	}
	registry.MustRegister(ex.reloadOK, ex.reloadTimestamp)
	metrics.SetLimiter(ex.limiter)
	return ex
}

// newRegistry holds the series that outlive a scrape: build info, Go and
// process metrics, and the API counters.
func newRegistry(metrics *collector.Metrics) *prometheus.Registry {
	registry := prometheus.NewRegistry()
	registry.MustRegister(
		versioncollector.NewCollector("apig_exporter"),
		prometheus.NewGoCollector(),
		prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}),
		metrics,
	)
	return registry
}

// reload loads the configuration and swaps it in only if it is good; a bad
// one leaves the serving setup untouched.
func (ex *exporter) reload() error {
	cfg, err := ex.load()
	if err == nil {
		var s *setup
		if s, err = buildSetup(cfg, ex.metrics, ex.limiter, ex.current.Load(), ex.logger); err == nil {
			ex.limiter.SetMax(cfg.Concurrency)
			if old := ex.current.Swap(s); old != nil {
				old.client.CloseIdleConnections()
			}
			ex.reloadOK.Set(1)
			ex.reloadTimestamp.SetToCurrentTime()
			level.Info(ex.logger).Log("msg", "configuration loaded", "projects", len(cfg.Projects), "gateways", len(s.targets),
				"auth", cfg.Auth.Mode(), "auth_source", authSource(cfg.Auth))
			if cfg.TLS.InsecureSkipVerify {
				level.Warn(ex.logger).Log("msg", "TLS certificate verification is off (tls.insecure_skip_verify): anyone on the path can read the credentials")
			}
			return nil
		}
	}
	ex.reloadOK.Set(0)
	return err
}

// reloadOnSignal reloads on SIGHUP until ctx ends.
func (ex *exporter) reloadOnSignal(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	ex.reloadOn(ctx, hup)
}

// reloadOn reloads each time sig delivers, until ctx ends.
func (ex *exporter) reloadOn(ctx context.Context, hup <-chan os.Signal) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			_ = ex.reloadLogged()
		}
	}
}

// reloadLogged reloads, logging the outcome, and serialises reloads from
// SIGHUP and HTTP.
func (ex *exporter) reloadLogged() error {
	ex.reloadMu.Lock()
	defer ex.reloadMu.Unlock()
	err := ex.reload()
	if err != nil {
		level.Error(ex.logger).Log("msg", "reload failed; keeping the previous configuration", "err", err)
	}
	return err
}

// buildSetup turns a validated config into a client, a target list and a
// source; the source keeps what prev's learnt (settled answers, lists).
func buildSetup(cfg *config.Config, metrics *collector.Metrics, limiter *apig.Limiter, prev *setup, logger log.Logger) (*setup, error) {
	httpClient, err := newHTTPClient(cfg.TLS)
	if err != nil {
		return nil, err
	}
	// One HTTP client for APIG and IAM alike: same proxy, TLS and limits.
	shared := authShared{http: httpClient, observer: metrics, userAgent: "apig_exporter/" + versionString()}
	auth, err := newAuthorizer(cfg, shared)
	if err != nil {
		return nil, err
	}
	client, err := apig.NewClient(apig.Options{
		HTTPClient: shared.http,
		Auth:       auth,
		Observer:   metrics,
		UserAgent:  shared.userAgent,
		Timeout:    time.Duration(cfg.RequestTimeout),
		Limiter:    limiter,
	})
	if err != nil {
		return nil, err
	}
	s := &setup{cfg: cfg, client: client}
	var projects []collector.Project
	for _, p := range cfg.Projects {
		project := apig.Project{ID: p.ID, Endpoint: cfg.APIGEndpointFor(p)}
		cp := collector.Project{Project: project, Discover: p.Discover, Filter: p.Discovery.Matches}
		for _, in := range p.Instances {
			t := collector.Target{Project: project, InstanceID: in.ID, InstanceName: in.Name}
			s.targets = append(s.targets, t)
			cp.Instances = append(cp.Instances, t)
		}
		projects = append(projects, cp)
	}
	var prevSource *collector.Source
	if prev != nil {
		prevSource = prev.source
	}
	// TODO(lead): the run context, so that shutdown ends the calls in flight.
	s.source = collector.NewSource(context.Background(), collector.SourceOptions{
		Fetcher:    client,
		Lister:     client,
		Projects:   projects,
		SettledTTL: time.Duration(cfg.Cache.SettledTTL),
		Logger:     logger,
	}, prevSource)
	return s, nil
}

// authSource says where credentials came from, for the log.
func authSource(a config.Auth) string {
	if a.Source == "" {
		return "config file"
	}
	return a.Source
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
