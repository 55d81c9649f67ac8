package exporter

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/apig-exporter/apig_exporter/collector"
	"github.com/apig-exporter/apig_exporter/internal/hwcloud"
)

// probeHandler serves /probe?project_id=...&instance_id=...: the series of
// one gateway on a fresh registry, in the manner of blackbox_exporter, so
// that Prometheus replicas can split the gateways between exporters. The
// project must be configured (it brings the endpoint and credentials); the
// gateway need not be. Settled answers and calls in flight are shared with
// /metrics.
func (ex *Exporter) probeHandler() http.Handler {
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

		ctx, cancel := ex.scrapeContext(r)
		defer cancel()
		reg := prometheus.NewRegistry()
		reg.MustRegister(collector.New(ctx, collector.Options{
			Source:      s.source,
			Targets:     []collector.Target{target},
			Concurrency: 1,
			Metrics:     ex.metrics,
			Logger:      ex.logger,
			Now:         ex.now,
		}))
		ex.serveGathered(w, r, reg)
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
	case !hwcloud.ValidID(projectID):
		return fmt.Sprintf("project_id %q is not a project ID (1 to 64 letters, digits, - or _)", projectID)
	case !hwcloud.ValidID(instanceID):
		return fmt.Sprintf("instance_id %q is not a gateway ID (1 to 64 letters, digits, - or _)", instanceID)
	}
	return ""
}
