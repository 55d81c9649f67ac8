// Package collector turns APIG answers into Prometheus metrics. It knows
// nothing of HTTP: a Source asks the cloud (through its cache, sharing
// calls between scrapes), and a Collector per scrape emits the series,
// reusing those of settled gateways until their answer, name or list
// status changes.
package collector

import "github.com/prometheus/client_golang/prometheus"

const namespace = "apig"

var gatewayLabels = []string{"project_id", "instance_id"}

// settledNote ends the help of series a cached settled answer feeds.
const settledNote = " Settled results may be up to cache.settled_ttl old."

// Per-gateway series: built for an answer under way or an error on every
// scrape, and once per settled answer (see progressCache.series).
var (
	infoDesc = prometheus.NewDesc("apig_instance_info",
		"Configured or discovered APIG dedicated gateway, value 1; status is the list API's status (Creating, Running, ...), empty for a configured gateway no list showed.",
		[]string{"project_id", "instance_id", "instance_name", "status"}, nil)
	scrapeSuccessDesc = prometheus.NewDesc("apig_instance_scrape_success",
		"1 if this scrape got and decoded the gateway's creation progress, else 0 (then no progress, status or time series for the gateway)."+settledNote,
		gatewayLabels, nil)
	progressDesc = prometheus.NewDesc("apig_instance_creation_progress_ratio",
		"Creation progress of the gateway as a ratio from 0 to 1 (the API's percent divided by 100)."+settledNote,
		gatewayLabels, nil)
	statusDesc = prometheus.NewDesc("apig_instance_creation_status",
		"Creation status as a state set: 1 for the current status (creating, success, failed, or an unknown value as sent), 0 for the others."+settledNote,
		append(gatewayLabels, "status"), nil)
	startDesc = prometheus.NewDesc("apig_instance_creation_start_timestamp_seconds",
		"Unix time when the gateway's creation started.",
		gatewayLabels, nil)
	endDesc = prometheus.NewDesc("apig_instance_creation_end_timestamp_seconds",
		"Unix time when the gateway's creation finished; present once the status is success or failed."+settledNote,
		gatewayLabels, nil)
	durationDesc = prometheus.NewDesc("apig_instance_creation_duration_seconds",
		"Seconds the creation took (end minus start) once finished, or has taken so far (now minus start) while creating."+settledNote,
		gatewayLabels, nil)
	errorInfoDesc = prometheus.NewDesc("apig_instance_creation_error_info",
		"Creation error code the API reports for the gateway (APIC.9218 quota, APIC.9219 resources, APIC.9206 other), value 1."+settledNote,
		append(gatewayLabels, "error_code"), nil)
)

// Per-scrape exporter series.
var (
	upDesc = prometheus.NewDesc("apig_up",
		"1 if the last scrape reached APIG and was authorised for the project, and the project's gateway list (with discover) succeeded, else 0.",
		[]string{"project_id"}, nil)
	scrapeDurationDesc = prometheus.NewDesc("apig_scrape_duration_seconds",
		"Seconds the last scrape of the gateways took.",
		nil, nil)
)

// knownStatuses are always exported, so the state set is complete.
var knownStatuses = []string{"creating", "success", "failed"}
