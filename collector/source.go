package collector

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/hwcloud"
)

// Lister lists the gateways of a project. *apig.Client is one.
type Lister interface {
	ListInstances(ctx context.Context, project apig.Project, opts apig.ListOptions) ([]apig.Instance, error)
}

// Project is one project to watch: its configured gateways and whether to
// add the gateways its list shows.
type Project struct {
	Project apig.Project
	// Instances are the configured gateways, always watched.
	Instances []Target
	// Discover adds every listed gateway that Filter accepts (nil accepts all).
	Discover bool
	Filter   func(name, status string) bool
}

// ProgressFetcher asks the cloud for one gateway's creation progress.
// *apig.Client is one.
type ProgressFetcher interface {
	Progress(ctx context.Context, project apig.Project, instanceID string) (*apig.Progress, error)
}

// SourceOptions configure a Source.
type SourceOptions struct {
	Fetcher  ProgressFetcher
	Lister   Lister
	Projects []Project
	// SettledTTL is how long a settled answer is reused; 0 asks every time.
	SettledTTL time.Duration
	Logger     log.Logger
	// Now is the clock of the cache; tests replace it.
	Now func() time.Time
}

// Source is the long-lived side of scraping: it resolves the gateways to
// watch (configured plus discovered), remembers each project's last good
// list and the settled progress answers, and shares calls in flight
// between concurrent scrapes. Build one per configuration and hand it to
// every Collector; pass the previous one to NewSource on reload to keep
// what it learnt.
type Source struct {
	fetcher  ProgressFetcher
	lister   Lister
	projects []Project
	logger   log.Logger
	now      func() time.Time

	*memory
	progressCalls *calls
	listCalls     *calls
}

// memory is what a Source carries over a reload.
type memory struct {
	cache    *progressCache
	gateways *gatewayStates
	latest   latest

	mu        sync.Mutex
	lists     map[string][]apig.Instance // last good list, by listKey
	listError map[string]string          // error code of the last failed list, by listKey
}

// NewSource returns a source whose API calls end when ctx ends (give it
// the process's lifetime, cancelled on shutdown); prev, if not nil, lends
// it its cache, last good lists and gateway states. Keys include the
// endpoint, so nothing learnt from one endpoint is used for another.
func NewSource(ctx context.Context, o SourceOptions, prev *Source) *Source {
	s := &Source{fetcher: o.Fetcher, lister: o.Lister, projects: o.Projects, logger: o.Logger, now: o.Now,
		progressCalls: newCalls(ctx), listCalls: newCalls(ctx)}
	if s.logger == nil {
		s.logger = log.NewNopLogger()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if prev != nil {
		s.memory = prev.memory
		s.cache.setTTL(o.SettledTTL)
	} else {
		s.memory = &memory{cache: newProgressCache(o.SettledTTL), gateways: newGatewayStates(),
			lists: map[string][]apig.Instance{}, listError: map[string]string{}}
	}
	return s
}

// CachedGateways is the number of settled answers held.
func (s *Source) CachedGateways() int { return s.cache.len() }

func progressKey(p apig.Project, instanceID string) string {
	return p.Endpoint + "|" + p.ID + "/" + instanceID
}

func listKey(p apig.Project) string { return p.Endpoint + "|" + p.ID }

// resolved is the outcome of resolving targets for one scrape.
type resolved struct {
	targets []Target
	// listErr holds, for each project whose list call failed this time,
	// the error; the project's last good list was used instead.
	listErr map[string]error
	// projects are the IDs of every configured project.
	projects []string
}

// resolve lists the discovering projects (concurrently, shared with other
// scrapes) and merges what they show with the configured gateways.
func (s *Source) resolve(ctx context.Context) resolved {
	lists := make([][]apig.Instance, len(s.projects))
	errs := make([]error, len(s.projects))
	var wg sync.WaitGroup
	for i, p := range s.projects {
		if !p.Discover {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			lists[i], errs[i] = s.list(ctx, p.Project)
		}()
	}
	wg.Wait()

	r := resolved{listErr: map[string]error{}}
	keep := map[string]bool{}
	for i, p := range s.projects {
		r.projects = append(r.projects, p.Project.ID)
		if errs[i] != nil {
			r.listErr[p.Project.ID] = errs[i]
		}
		listed := make(map[string]apig.Instance, len(lists[i]))
		for _, in := range lists[i] {
			listed[in.ID] = in
		}
		for _, t := range p.Instances {
			if in, ok := listed[t.InstanceID]; ok {
				t.Status = in.Status
				if t.InstanceName == "" {
					t.InstanceName = in.Name
				}
				delete(listed, t.InstanceID)
			}
			r.targets = append(r.targets, t)
			keep[progressKey(p.Project, t.InstanceID)] = true
		}
		for _, in := range lists[i] { // list order, for stable output
			if _, ok := listed[in.ID]; !ok || (p.Filter != nil && !p.Filter(in.Name, in.Status)) {
				continue
			}
			r.targets = append(r.targets, Target{Project: p.Project, InstanceID: in.ID, InstanceName: in.Name, Status: in.Status})
			keep[progressKey(p.Project, in.ID)] = true
		}
	}
	s.cache.retain(keep, s.now())
	s.gateways.watch(keep, s.now())
	return r
}

// list returns the project's list: a fresh one, or on failure the last
// good one together with the error.
func (s *Source) list(ctx context.Context, p apig.Project) ([]apig.Instance, error) {
	key := listKey(p)
	s.mu.Lock()
	hint := len(s.lists[key])
	s.mu.Unlock()
	got, err := shared(ctx, s.listCalls, key, func(ctx context.Context) ([]apig.Instance, error) {
		return s.lister.ListInstances(ctx, p, apig.ListOptions{Hint: hint})
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	prevCode, failing := s.listError[key]
	if err == nil {
		s.lists[key] = got
		if failing {
			delete(s.listError, key)
			level.Info(s.logger).Log("msg", "gateway list recovered", "project_id", p.ID, "previous_error_code", prevCode, "gateways", len(got))
		}
		return got, nil
	}
	code := apig.ErrorCode(err)
	if !failing || prevCode != code {
		s.listError[key] = code
		level.Warn(s.logger).Log("msg", "gateway list failed; serving the last good list", "project_id", p.ID,
			"error_code", code, "last_good_gateways", len(s.lists[key]), "err", err)
	}
	return s.lists[key], err
}

// lastListed returns what the project's last good list says of a gateway.
func (s *Source) lastListed(p apig.Project, instanceID string) (apig.Instance, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, in := range s.lists[listKey(p)] {
		if in.ID == instanceID {
			return in, true
		}
	}
	return apig.Instance{}, false
}

// ProbeTarget is the target for one gateway of a configured project (the
// /probe case), with the gateway's configured name, or the name and
// status the project's last good list showed. It makes no API call, and
// reports false when the project is not configured. The gateway need not
// be configured or listed: the state a scrape keeps about such a gateway
// is bounded (MaxProbedGateways, ProbedGatewayTTL).
func (s *Source) ProbeTarget(projectID, instanceID string) (Target, bool) {
	i := slices.IndexFunc(s.projects, func(p Project) bool { return p.Project.ID == projectID })
	if i < 0 {
		return Target{}, false
	}
	p := s.projects[i]
	t := Target{Project: p.Project, InstanceID: instanceID}
	for _, in := range p.Instances {
		if in.InstanceID == instanceID {
			t.InstanceName = in.InstanceName
		}
	}
	if in, ok := s.lastListed(p.Project, instanceID); ok {
		t.Status = in.Status
		if t.InstanceName == "" {
			t.InstanceName = in.Name
		}
	}
	return t, true
}

// cached returns a settled answer young enough to reuse, unless the list
// shows the gateway as being created.
func (s *Source) cached(t Target) (*apig.Progress, bool) {
	if t.Status == hwcloud.ListStatusCreating {
		return nil, false
	}
	return s.cache.get(progressKey(t.Project, t.InstanceID), s.now())
}

// progress asks for a gateway's progress, sharing a call in flight, and
// updates the cache with the answer.
func (s *Source) progress(ctx context.Context, t Target) (*apig.Progress, error) {
	key := progressKey(t.Project, t.InstanceID)
	return shared(ctx, s.progressCalls, key, func(ctx context.Context) (*apig.Progress, error) {
		// A call for this gateway may have ended and filled the cache
		// between our miss and this flight's start.
		if p, ok := s.cached(t); ok {
			return p, nil
		}
		p, err := s.fetcher.Progress(ctx, t.Project, t.InstanceID)
		switch {
		case err == nil:
			s.cache.put(key, p, s.now())
		case isNotFound(err):
			s.cache.drop(key)
		}
		return p, err
	})
}

func isNotFound(err error) bool {
	e, ok := apig.AsError(err)
	return ok && e.NotFound()
}
