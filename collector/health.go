package collector

import "github.com/prometheus/client_golang/prometheus"

// projectHealth is apig_up for each project of a scrape.
type projectHealth map[string]projectState

type projectState struct {
	listErr bool // its gateway list failed this scrape
	// asked and authorised: its gateways were asked, and APIG took the
	// project's credentials for at least one of them.
	asked, authorised bool
}

func (s projectState) up() bool { return !s.listErr && (!s.asked || s.authorised) }

// addAnswers records what the gateways' results say of their projects.
func (h projectHealth) addAnswers(targets []Target, results []result) {
	for i, t := range targets {
		s := h[t.Project.ID]
		s.asked = true
		s.authorised = s.authorised || results[i].authorised()
		h[t.Project.ID] = s
	}
}

func (h projectHealth) emit(ch chan<- prometheus.Metric) {
	for id, s := range h {
		ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, boolValue(s.up()), id)
	}
}
