package main

import (
	"context"
	"fmt"
	"net/http"
	"regexp"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/apig-exporter/apig_exporter/collector"
)

// probeIDPattern is what a project or gateway ID may look like; the same
// rule as the configuration's.
var probeIDPattern = regexp.MustCompile(`^[0-9A-Za-z_-]{1,64}$`)

// probeHandler serves /probe?project_id=...&instance_id=...: the series of
// one gateway on a fresh registry, in the manner of blackbox_exporter, so
// that Prometheus replicas can split the gateways between exporters. The
// project must be configured (it brings the endpoint and credentials); the
// gateway need not be. Settled answers and calls in flight are shared with
// /metrics.
func (ex *exporter) probeHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := ex.current.Load()
		q := r.URL.Query()
		projectID, instanceID := q.Get("project_id"), q.Get("instance_id")
		if msg := probeParamsProblem(projectID, instanceID); msg != "" {
			http.Error(w, msg, http.StatusBadRequest)
			return
		}
		target, ok := s.source.ProbeTarget(projectID, instanceID)
		if !ok {
			http.Error(w, fmt.Sprintf("project_id %q is not configured; add it under projects in the configuration", projectID), http.StatusBadRequest)
			return
		}

		ctx, cancel := context.WithTimeout(r.Context(), scrapeTimeout(r, ex.timeoutShave))
		defer cancel()
		reg := prometheus.NewRegistry()
		reg.MustRegister(collector.New(ctx, collector.Options{
			Source:      s.source,
			Targets:     []collector.Target{target},
			Concurrency: 1,
			Metrics:     ex.metrics,
			Logger:      ex.logger,
		}))
		promhttp.HandlerFor(reg, promhttp.HandlerOpts{
			ErrorHandling: promhttp.ContinueOnError,
			ErrorLog:      promLogger{ex.logger},
		}).ServeHTTP(w, r)
	})
}

func probeParamsProblem(projectID, instanceID string) string {
	switch {
	case projectID == "" && instanceID == "":
		return "missing parameters: use /probe?project_id=<project>&instance_id=<gateway>"
	case projectID == "":
		return "missing parameter project_id"
	case instanceID == "":
		return "missing parameter instance_id"
	case !probeIDPattern.MatchString(projectID):
		return fmt.Sprintf("project_id %q is not a project ID (1 to 64 letters, digits, - or _)", projectID)
	case !probeIDPattern.MatchString(instanceID):
		return fmt.Sprintf("instance_id %q is not a gateway ID (1 to 64 letters, digits, - or _)", instanceID)
	}
	return ""
}
