package collector

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
)

// Snapshot is what the latest scrape learnt: every watched gateway's
// answer and every project's health. The status page shows it, so that a
// page view costs no API call.
type Snapshot struct {
	// Taken is when the scrape ran; zero before the first one.
	Taken    time.Time
	Gateways []Observation
	Projects []ProjectStatus
}

// Observation is one gateway's latest answer: its progress, or why it
// could not be read.
type Observation struct {
	Target   Target
	Progress *apig.Progress // nil when Err is set
	Err      error
	At       time.Time
}

// ProjectStatus is a project's apig_up, and why it is 0.
type ProjectStatus struct {
	ID  string
	Up  bool
	Err error
}

// latest keeps the Snapshot of the last full scrape; a probe of a gateway
// in it updates that gateway's answer. It holds only watched gateways, so
// it is bounded by them.
type latest struct {
	mu   sync.Mutex
	snap Snapshot
}

// Latest returns the answers of the latest scrape, with any newer probe
// answers for the same gateways.
func (s *Source) Latest() Snapshot {
	s.latest.mu.Lock()
	defer s.latest.mu.Unlock()
	snap := s.latest.snap
	snap.Gateways = slices.Clone(snap.Gateways)
	snap.Projects = slices.Clone(snap.Projects)
	return snap
}

// keepLatest records a scrape's outcome: all of it for a full scrape,
// only the gateways already known for a probe. Skipped gateways keep
// their previous answer when there is one.
func (s *Source) keepLatest(full bool, targets []Target, results []result, health projectHealth, now time.Time) {
	s.latest.mu.Lock()
	defer s.latest.mu.Unlock()
	if !full {
		for i, t := range targets {
			if j := s.latest.index(t); j >= 0 && !results[i].skipped {
				s.latest.snap.Gateways[j] = observation(t, results[i], now)
			}
		}
		return
	}
	snap := Snapshot{Taken: now, Gateways: make([]Observation, len(targets))}
	for i, t := range targets {
		snap.Gateways[i] = observation(t, results[i], now)
		if results[i].skipped {
			if j := s.latest.index(t); j >= 0 {
				snap.Gateways[i] = s.latest.snap.Gateways[j]
			}
		}
	}
	for id, st := range health {
		snap.Projects = append(snap.Projects, ProjectStatus{ID: id, Up: st.up(), Err: st.err()})
	}
	slices.SortFunc(snap.Projects, func(a, b ProjectStatus) int { return cmp.Compare(a.ID, b.ID) })
	s.latest.snap = snap
}

// index is the place of t's gateway in the snapshot, or -1. Callers hold mu.
func (l *latest) index(t Target) int {
	return slices.IndexFunc(l.snap.Gateways, func(o Observation) bool {
		return o.Target.InstanceID == t.InstanceID && o.Target.Project == t.Project
	})
}

func observation(t Target, r result, now time.Time) Observation {
	return Observation{Target: t, Progress: r.progress, Err: r.err, At: now}
}
