package collector

import (
	"slices"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// gauge is a const gauge whose label pairs are shared with the other
// series of its gateway. prometheus.MustNewConstMetric builds fresh pairs
// for every series; at thousands of gateways a scrape would spend most of
// its allocations there.
type gauge struct {
	desc   *prometheus.Desc
	labels []*dto.LabelPair // sorted by name, never modified
	value  float64
}

func (g *gauge) Desc() *prometheus.Desc { return g.desc }

func (g *gauge) Write(m *dto.Metric) error {
	m.Label = g.labels
	m.Gauge = &dto.Gauge{Value: &g.value}
	return nil
}

// labelSet builds the sorted label pairs of one gateway's series, sharing
// the project_id and instance_id pairs among them.
type labelSet struct {
	base []*dto.LabelPair // instance_id, project_id
}

func newLabelSet(projectID, instanceID string) labelSet {
	return labelSet{base: []*dto.LabelPair{pair("instance_id", instanceID), pair("project_id", projectID)}}
}

func pair(name, value string) *dto.LabelPair { return &dto.LabelPair{Name: &name, Value: &value} }

// statePairs are the status pairs of the state set, the same for every
// gateway; sharing them saves three pairs per gateway.
var statePairs = func() map[string]*dto.LabelPair {
	m := map[string]*dto.LabelPair{}
	for _, s := range knownStatuses {
		m[s] = pair("status", s)
	}
	return m
}()

// statusPair is the status label pair for s, shared when s is a known state.
func statusPair(s string) *dto.LabelPair {
	if p, ok := statePairs[s]; ok {
		return p
	}
	return pair("status", s)
}

// with returns the base pairs plus extra ones, sorted by name.
func (l labelSet) with(extra ...*dto.LabelPair) []*dto.LabelPair {
	if len(extra) == 0 {
		return l.base
	}
	out := make([]*dto.LabelPair, 0, len(l.base)+len(extra))
	out = append(append(out, l.base...), extra...)
	slices.SortFunc(out, func(a, b *dto.LabelPair) int { return strings.Compare(a.GetName(), b.GetName()) })
	return out
}
