package collector

import (
	"container/list"
	"sync"
	"time"
)

// Bounds on what is remembered about gateways seen only through /probe
// (neither configured nor discovered): anyone who can reach /probe can
// name any number of gateway IDs, so their state is capped in count, the
// least recently probed dropped first, and forgotten when not probed for
// a while.
const (
	MaxProbedGateways = 10000
	ProbedGatewayTTL  = time.Hour
)

// gatewayState is what is remembered about one gateway between scrapes.
// A gateway with nothing to remember has no entry.
type gatewayState struct {
	// failing is the error code of its last failed scrape, "" when the
	// last scrape succeeded: the log gets one line when a gateway starts
	// failing, changes error, or recovers, not one per scrape.
	failing string
	// failureCounted is set once its failed creation was counted in
	// apig_creation_failures_total, so it counts once however often seen.
	failureCounted bool

	// probed is its place in the probe-only order; nil while watched.
	probed   *list.Element
	lastSeen time.Time
}

func (s *gatewayState) empty() bool { return s.failing == "" && !s.failureCounted }

// gatewayStates holds the state of watched gateways for as long as they
// are watched, and that of probe-only gateways within the bounds above.
type gatewayStates struct {
	mu      sync.Mutex
	watched map[string]bool // progressKey of every configured or discovered gateway
	states  map[string]*gatewayState
	probed  *list.List // progressKeys of probe-only states, most recently seen first
}

func newGatewayStates() *gatewayStates {
	return &gatewayStates{watched: map[string]bool{}, states: map[string]*gatewayState{}, probed: list.New()}
}

// watch sets the watched gateways: the state of a gateway no longer
// watched goes, and a probe-only one now watched is no longer bounded.
func (g *gatewayStates) watch(keys map[string]bool, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.watched = keys
	for k, s := range g.states {
		switch {
		case s.probed == nil && !keys[k]:
			delete(g.states, k)
		case s.probed != nil && keys[k]:
			g.probed.Remove(s.probed)
			s.probed = nil
		}
	}
	g.evict(now)
}

// update applies change to the state of the gateway with key, creating it
// if needed, and drops it if nothing is left to remember.
func (g *gatewayStates) update(key string, now time.Time, change func(*gatewayState)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.states[key]
	if !ok {
		s = &gatewayState{}
	}
	change(s)
	switch {
	case s.empty():
		if ok {
			g.remove(key, s)
		}
		return
	case !ok:
		g.states[key] = s
	}
	if !g.watched[key] {
		s.lastSeen = now
		if s.probed == nil {
			s.probed = g.probed.PushFront(key)
		} else {
			g.probed.MoveToFront(s.probed)
		}
	}
	g.evict(now)
}

func (g *gatewayStates) remove(key string, s *gatewayState) {
	if s.probed != nil {
		g.probed.Remove(s.probed)
	}
	delete(g.states, key)
}

// evict drops the least recently seen probe-only states beyond the cap,
// and those not seen within the TTL. Callers hold mu.
func (g *gatewayStates) evict(now time.Time) {
	for e := g.probed.Back(); e != nil; e = g.probed.Back() {
		key := e.Value.(string)
		s := g.states[key]
		if g.probed.Len() <= MaxProbedGateways && now.Sub(s.lastSeen) < ProbedGatewayTTL {
			return
		}
		g.remove(key, s)
	}
}

// len is the number of states held, and how many of them are probe-only.
func (g *gatewayStates) len() (all, probed int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.states), g.probed.Len()
}
