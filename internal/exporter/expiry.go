package exporter

import (
	"github.com/prometheus/client_golang/prometheus"
)

// expiryDesc is the expiry gauge of temporary keys.
var expiryDesc = prometheus.NewDesc("apig_credentials_expiry_timestamp_seconds",
	"Unix time when the temporary keys in use for the project expire (agency and oidc modes; absent before the first fetch).",
	[]string{"project_id"}, nil)

// expiryCollector reads, at each gather, when the temporary keys of the
// serving setup's projects expire.
type expiryCollector struct{ ex *Exporter }

func (c expiryCollector) Describe(ch chan<- *prometheus.Desc) { ch <- expiryDesc }

func (c expiryCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.ex.current.Load()
	if s == nil {
		return
	}
	for project, keys := range s.temporaryKeys {
		if t := keys.Expiry(); !t.IsZero() {
			ch <- prometheus.MustNewConstMetric(expiryDesc, prometheus.GaugeValue, float64(t.UnixMilli())/1e3, project)
		}
	}
}
