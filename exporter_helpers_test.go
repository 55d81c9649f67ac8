package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-kit/log"

	"github.com/apig-exporter/apig_exporter/collector"
	"github.com/apig-exporter/apig_exporter/config"
)

// wireExporter builds the exporter as run() does, minus flags and the
// listener, and loads its first configuration; the load error is returned
// so that tests of bad configurations can look at it.
func wireExporter(t *testing.T, logger log.Logger, load func() (*config.Config, error)) (*exporter, *http.ServeMux, error) {
	t.Helper()
	metrics := collector.NewMetrics()
	ex := newExporter(logger, metrics, newRegistry(metrics), load, 500*time.Millisecond)
	t.Cleanup(func() {
		if s := ex.current.Load(); s != nil {
			s.client.CloseIdleConnections()
		}
	})
	mux, err := ex.routes("/metrics")
	if err != nil {
		t.Fatal(err)
	}
	return ex, mux, ex.reload()
}

// serveConfig serves an exporter for cfg on a loopback test server.
func serveConfig(t *testing.T, logger log.Logger, cfg *config.Config) *httptest.Server {
	t.Helper()
	_, mux, err := wireExporter(t, logger, func() (*config.Config, error) { return cfg, nil })
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}
