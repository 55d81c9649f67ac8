// Command apig_exporter exports the creation progress of Huawei Cloud APIG
// dedicated gateways as Prometheus metrics.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/go-kit/log/level"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"

	"github.com/apig-exporter/apig_exporter/config"
	"github.com/apig-exporter/apig_exporter/internal/demo"
	"github.com/apig-exporter/apig_exporter/internal/exporter"
)

const exporterName = "apig_exporter"

// devVersion is reported by builds made without the release ldflags
// (go run, go build).
const devVersion = "0.1.0-dev"

// shutdownGrace bounds how long a shutdown waits for requests in flight.
// API calls are cancelled at once, so scrapes answer with what they have
// well within it; Kubernetes allows 30 s before it kills a pod.
const shutdownGrace = 5 * time.Second

func init() {
	if version.Version == "" {
		version.Version = devVersion
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole program; it returns the exit code so that tests can
// drive it and deferred clean-ups always run.
func run(args []string, stdout, stderr io.Writer) int {
	app := kingpin.New(exporterName, "Prometheus exporter for the creation progress of Huawei Cloud APIG dedicated gateways.")
	app.UsageWriter(stderr)
	app.ErrorWriter(stderr)
	var (
		configFile    = app.Flag("config.file", "Path to the configuration file.").Default("apig_exporter.yml").String()
		configCheck   = app.Flag("config.check", "Validate the configuration file, print what is wrong, and exit.").Bool()
		metricsPath   = app.Flag("web.telemetry-path", "Path under which to expose metrics.").Default("/metrics").String()
		timeoutOffset = app.Flag("scrape.timeout-offset", "Subtracted from Prometheus's scrape timeout so that the answer is sent in time.").Default("500ms").Duration()
		logLevel      = app.Flag("log.level", "Only log messages with the given severity or above: debug, info, warn, error.").Default("info").Enum("debug", "info", "warn", "error")
		logFormat     = app.Flag("log.format", "Output format of log messages: logfmt or json.").Default("logfmt").Enum("logfmt", "json")
		demoMode      = app.Flag("demo", "Serve a built-in simulated APIG on loopback and watch its gateways; needs no configuration file.").Bool()
		demoAuth      = app.Flag("demo.auth", "With --demo, the authentication the simulated APIG requires: token, aksk (verifies every signature), password (adds a simulated IAM), agency (a simulated metadata service) or oidc (a simulated IAM OIDC exchange).").Default("token").Enum("token", "aksk", "password", "agency", "oidc")
		webFlags      = kingpinflag.AddFlags(app, ":10172")
	)
	app.Version(version.Print(exporterName))
	app.HelpFlag.Short('h')
	if _, err := app.Parse(args); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", exporterName, err)
		return 2
	}

	logger, slogger, err := newLogger(stderr, *logLevel, *logFormat)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", exporterName, err)
		return 2
	}

	if *configCheck {
		if _, err := config.Load(*configFile); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "%s: configuration is valid\n", *configFile)
		return 0
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	level.Info(logger).Log("msg", "starting "+exporterName, "version", version.Info(), "build_context", version.BuildContext())

	load := func() (*config.Config, error) { return config.Load(*configFile) }
	if *demoMode {
		sim, cfg, err := demo.Start(*demoAuth)
		if err != nil {
			level.Error(logger).Log("msg", "cannot start the demo", "err", err)
			return 1
		}
		defer sim.Close()
		level.Info(logger).Log("msg", "demo mode: watching a simulated APIG on loopback", "apig_endpoint", cfg.APIGEndpoint, "auth", *demoAuth)
		load = func() (*config.Config, error) { return cfg, nil }
	}

	ex := exporter.New(exporter.Options{Logger: logger, Load: load, TimeoutOffset: *timeoutOffset, MetricsPath: *metricsPath})
	defer ex.Close()
	if err := ex.Reload(); err != nil {
		level.Error(logger).Log("msg", "cannot load configuration", "file", *configFile, "err", err)
		return 1
	}

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go ex.ReloadOn(ctx, hup)

	server := &http.Server{Handler: ex.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- web.ListenAndServe(server, webFlags, slogger) }()
	select {
	case err := <-errc:
		level.Error(logger).Log("msg", "web server stopped", "err", err)
		return 1
	case <-ctx.Done():
	}

	// Stop accepting, cancel the API calls in flight so that scrapes
	// answer with what they have, and wait a bounded time for them.
	level.Info(logger).Log("msg", "shutting down")
	ex.Close()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		level.Warn(logger).Log("msg", "shutdown", "err", err)
	}
	return 0
}
