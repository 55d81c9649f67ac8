package collector

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/apig-exporter/apig_exporter/apig"
)

// progressCache keeps settled progress answers (success or failed), which
// cannot change, for ttl. Answers under way are never kept. Entries
// expire, and those of gateways no longer watched are dropped, so memory
// stays bounded by the gateways asked within one ttl.
type progressCache struct {
	mu        sync.Mutex
	ttl       time.Duration
	entries   map[string]cacheEntry
	lastSweep time.Time
}

type cacheEntry struct {
	progress *apig.Progress // shared by every scrape that reads it; never modified
	at       time.Time
	// series are the gateway's rendered series for progress, valid while
	// the gateway's name and list status are still seriesName/seriesStatus.
	series                   []prometheus.Metric
	seriesName, seriesStatus string
}

func newProgressCache(ttl time.Duration) *progressCache {
	return &progressCache{ttl: ttl, entries: map[string]cacheEntry{}}
}

func (c *progressCache) setTTL(ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ttl = ttl
}

// get returns the answer for key if it is younger than ttl.
func (c *progressCache) get(key string, now time.Time) (*apig.Progress, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || now.Sub(e.at) >= c.ttl {
		return nil, false
	}
	return e.progress, true
}

// put records a fresh answer: kept if settled, and otherwise forgetting any
// older settled answer.
func (c *progressCache) put(key string, p *apig.Progress, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p == nil || !p.Settled() || c.ttl <= 0 {
		delete(c.entries, key)
		return
	}
	c.entries[key] = cacheEntry{progress: p, at: now}
}

// series returns the rendered series kept for the answer p, if the
// gateway's name and list status have not changed since.
func (c *progressCache) series(key string, p *apig.Progress, name, status string) ([]prometheus.Metric, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.progress != p || e.series == nil || e.seriesName != name || e.seriesStatus != status {
		return nil, false
	}
	return e.series, true
}

// keepSeries remembers the series rendered for the cached answer p.
func (c *progressCache) keepSeries(key string, p *apig.Progress, name, status string, series []prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.progress != p {
		return
	}
	e.series, e.seriesName, e.seriesStatus = series, name, status
	c.entries[key] = e
}

func (c *progressCache) drop(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
}

// retain drops the entries whose key is not in keep, and every expired one.
func (c *progressCache) retain(keep map[string]bool, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.entries {
		if !keep[k] || now.Sub(e.at) >= c.ttl {
			delete(c.entries, k)
		}
	}
}

// sweep drops expired entries, at most once a ttl (and a minute), so that
// callers may call it often.
func (c *progressCache) sweep(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Sub(c.lastSweep) < max(c.ttl, time.Minute) {
		return
	}
	c.lastSweep = now
	for k, e := range c.entries {
		if now.Sub(e.at) >= c.ttl {
			delete(c.entries, k)
		}
	}
}

func (c *progressCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
