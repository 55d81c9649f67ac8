// Command apig_exporter exports the creation progress of Huawei Cloud APIG
// dedicated gateways as Prometheus metrics.
package main

import (
	"context"
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

	"github.com/apig-exporter/apig_exporter/collector"
	"github.com/apig-exporter/apig_exporter/config"
)

const exporterName = "apig_exporter"

// devVersion is reported by builds made without the release ldflags
// (go run, go build).
const devVersion = "0.1.0-dev"

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
		configFile   = app.Flag("config.file", "Path to the configuration file.").Default("apig_exporter.yml").String()
		configCheck  = app.Flag("config.check", "Validate the configuration file, print what is wrong, and exit.").Bool()
		metricsPath  = app.Flag("web.telemetry-path", "Path under which to expose metrics.").Default("/metrics").String()
		timeoutShave = app.Flag("scrape.timeout-offset", "Subtracted from Prometheus's scrape timeout so that the answer is sent in time.").Default("500ms").Duration()
		logLevel     = app.Flag("log.level", "Only log messages with the given severity or above: debug, info, warn, error.").Default("info").Enum("debug", "info", "warn", "error")
		logFormat    = app.Flag("log.format", "Output format of log messages: logfmt or json.").Default("logfmt").Enum("logfmt", "json")
		demo         = app.Flag("demo", "Serve a built-in simulated APIG on loopback and watch its gateways; needs no configuration file.").Bool()
		demoAuth     = app.Flag("demo.auth", "With --demo, the authentication the simulated APIG requires: token, aksk (verifies every signature) or password (adds a simulated IAM).").Default("token").Enum("token", "aksk", "password")
		webFlags     = kingpinflag.AddFlags(app, ":10172")
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

	loadConfig := func() (*config.Config, error) { return config.Load(*configFile) }
	if *demo {
		fake, cfg, err := startDemoAuth(ctx, *demoAuth)
		if err != nil {
			level.Error(logger).Log("msg", "cannot start the demo", "err", err)
			return 1
		}
		defer fake.Close()
		level.Info(logger).Log("msg", "demo mode: watching a simulated APIG on loopback", "apig_endpoint", cfg.APIGEndpoint, "auth", *demoAuth)
		loadConfig = func() (*config.Config, error) { return cfg, nil }
	}

	metrics := collector.NewMetrics()
	ex := newExporter(logger, metrics, newRegistry(metrics), loadConfig, *timeoutShave)
	if err := ex.reload(); err != nil {
		level.Error(logger).Log("msg", "cannot load configuration", "file", *configFile, "err", err)
		return 1
	}

	mux, err := ex.routes(*metricsPath)
	if err != nil {
		level.Error(logger).Log("msg", "cannot build the landing page", "err", err)
		return 1
	}
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- web.ListenAndServe(server, webFlags, slogger) }()
	go ex.reloadOnSignal(ctx)

	select {
	case err := <-errc:
		level.Error(logger).Log("msg", "web server stopped", "err", err)
		return 1
	case <-ctx.Done():
		level.Info(logger).Log("msg", "shutting down")
		_ = server.Shutdown(context.Background())
		return 0
	}
}
