package collector

import "github.com/prometheus/client_golang/prometheus"

// projectHealth is apig_up for each project of a scrape.
type projectHealth map[string]projectState

type projectState struct {
	listErr error // why its gateway list failed this scrape, if it did
	// asked and authorised: its gateways were asked, and APIG took the
	// project's credentials for at least one of them.
	asked, authorised bool
	// refusal is the first error of a gateway of the project, kept to say
	// why the project is down when none was authorised.
	refusal error
}

func (s projectState) up() bool { return s.listErr == nil && (!s.asked || s.authorised) }

// err says why the project is down; nil when it is up.
func (s projectState) err() error {
	switch {
	case s.up():
		return nil
	case s.listErr != nil:
		return s.listErr
	}
	return s.refusal
}

// addAnswers records what the gateways' results say of their projects.
func (h projectHealth) addAnswers(targets []Target, results []result) {
	for i, t := range targets {
		s := h[t.Project.ID]
		s.asked = true
		s.authorised = s.authorised || results[i].authorised()
		if s.refusal == nil && results[i].err != nil {
			s.refusal = results[i].err
		}
		h[t.Project.ID] = s
	}
}

func (h projectHealth) emit(ch chan<- prometheus.Metric) {
	for id, s := range h {
		ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, boolValue(s.up()), id)
	}
}
