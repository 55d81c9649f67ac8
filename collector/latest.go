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
	prev := make(map[string]Observation, len(s.latest.snap.Gateways))
	for _, o := range s.latest.snap.Gateways {
		prev[progressKey(o.Target.Project, o.Target.InstanceID)] = o
	}
	if !full {
		for i, t := range targets {
			key := progressKey(t.Project, t.InstanceID)
			if _, ok := prev[key]; ok && !results[i].skipped {
				j := slices.IndexFunc(s.latest.snap.Gateways, func(o Observation) bool {
					return progressKey(o.Target.Project, o.Target.InstanceID) == key
				})
				s.latest.snap.Gateways[j] = observation(t, results[i], now)
			}
		}
		return
	}
	snap := Snapshot{Taken: now, Gateways: make([]Observation, 0, len(targets))}
	for i, t := range targets {
		o := observation(t, results[i], now)
		if p, ok := prev[progressKey(t.Project, t.InstanceID)]; ok && results[i].skipped {
			o = p
		}
		snap.Gateways = append(snap.Gateways, o)
	}
	for id, st := range health {
		snap.Projects = append(snap.Projects, ProjectStatus{ID: id, Up: st.up(), Err: st.err()})
	}
	slices.SortFunc(snap.Projects, func(a, b ProjectStatus) int { return cmp.Compare(a.ID, b.ID) })
	s.latest.snap = snap
}

func observation(t Target, r result, now time.Time) Observation {
	return Observation{Target: t, Progress: r.progress, Err: r.err, At: now}
}
