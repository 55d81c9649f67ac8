package collector

import (
	"context"
	"sync"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/apig-exporter/apig_exporter/apig"
)

// Target is one gateway to watch.
type Target struct {
	Project      apig.Project
	InstanceID   string
	InstanceName string
	// Status is the list API's status of the gateway (Creating, Running,
	// ...); empty when no list showed it.
	Status string
}

// Collector emits the gateway series for one scrape. Build one per scrape
// with the scrape's context: the context bounds how long the scrape waits
// for API answers.
type Collector struct {
	ctx         context.Context
	source      *Source
	targets     []Target
	concurrency int
	metrics     *Metrics
	logger      log.Logger
	now         func() time.Time
}

// Options configure a Collector.
type Options struct {
	// Source answers for the gateways, through its cache and shared with
	// concurrent scrapes.
	Source *Source
	// Targets, when set, are the only gateways scraped (the /probe case);
	// else the Source says which (configured plus discovered).
	Targets     []Target
	Concurrency int
	Metrics     *Metrics
	Logger      log.Logger
	// Now is the clock for durations of creations under way.
	Now func() time.Time
}

// New returns a collector bound to ctx.
func New(ctx context.Context, o Options) *Collector {
	c := &Collector{ctx: ctx, source: o.Source, targets: o.Targets, concurrency: max(o.Concurrency, 1),
		metrics: o.Metrics, logger: o.Logger, now: o.Now}
	if c.logger == nil {
		c.logger = log.NewNopLogger()
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{infoDesc, scrapeSuccessDesc, progressDesc, statusDesc,
		startDesc, endDesc, durationDesc, errorInfoDesc, upDesc, scrapeDurationDesc} {
		ch <- d
	}
}

// result is one gateway's answer in this scrape.
type result struct {
	progress *apig.Progress
	err      error
	// skipped is set when the scrape's deadline passed before the gateway
	// was asked; no request was sent.
	skipped bool
}

// authorised reports whether the result shows APIG answering with the
// project's credentials accepted: an answer (from the cache or the API)
// or any error answer other than 401 and 403.
func (r result) authorised() bool {
	if r.skipped {
		return false
	}
	if r.err == nil {
		return true
	}
	e, ok := apig.AsError(r.err)
	return ok && e.Reached() && !e.Unauthorized() && !e.Forbidden()
}

// Collect resolves the gateways to scrape, asks for their progress,
// emits their series and then each project's health.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	start := time.Now()
	targets, health := c.resolveTargets()
	results := c.fetchAll(targets)
	c.emitGateways(ch, targets, results)
	health.addAnswers(targets, results)
	health.emit(ch)
	c.source.keepLatest(len(c.targets) == 0, targets, results, health, c.now())
	ch <- prometheus.MustNewConstMetric(scrapeDurationDesc, prometheus.GaugeValue, time.Since(start).Seconds())
}

// resolveTargets returns the gateways to scrape and the projects' health
// so far: with explicit targets, nothing is known yet; else every
// configured project is up unless its list failed.
func (c *Collector) resolveTargets() ([]Target, projectHealth) {
	if len(c.targets) > 0 {
		c.source.cache.sweep(c.source.now())
		return c.targets, projectHealth{}
	}
	r := c.source.resolve(c.ctx)
	health := projectHealth{}
	for _, id := range r.projects {
		health[id] = projectState{listErr: r.listErr[id]}
	}
	return r.targets, health
}

// fetchAll asks for every target's progress, at most concurrency at once,
// and returns the results in target order. Answers the source may reuse
// are taken without a call.
func (c *Collector) fetchAll(targets []Target) []result {
	results := make([]result, len(targets))
	todo := make([]int, 0, len(targets))
	for i, t := range targets {
		if p, ok := c.source.cached(t); ok {
			results[i] = result{progress: p}
			continue
		}
		todo = append(todo, i)
	}
	if hits := len(targets) - len(todo); hits > 0 {
		c.metrics.cacheHits.Add(float64(hits))
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(c.concurrency, len(todo)) {
		wg.Go(func() {
			for i := range jobs {
				results[i] = c.fetch(targets[i])
			}
		})
	}
	for _, i := range todo {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}

func (c *Collector) fetch(t Target) result {
	if err := c.ctx.Err(); err != nil {
		return result{err: err, skipped: true}
	}
	p, err := c.source.progress(c.ctx, t)
	return result{progress: p, err: err}
}

// emitGateways sends every gateway's series and logs what changed.
func (c *Collector) emitGateways(ch chan<- prometheus.Metric, targets []Target, results []result) {
	now := c.now()
	skipped := 0
	for i, t := range targets {
		r := results[i]
		c.emitGateway(ch, t, r, now)
		if r.skipped {
			skipped++
			continue
		}
		c.remember(t, r)
	}
	if skipped > 0 {
		// One line for the scrape, not one per gateway: the cause is the
		// deadline, not the gateways.
		level.Warn(c.logger).Log("msg", "scrape deadline passed before every gateway was asked",
			"skipped", skipped, "gateways", len(targets), "err", context.Cause(c.ctx))
	}
}

func (c *Collector) emitGateway(ch chan<- prometheus.Metric, t Target, r result, now time.Time) {
	var key string
	if r.err == nil && r.progress.Settled() {
		// A settled answer renders the same series every time: reuse them.
		key = progressKey(t.Project, t.InstanceID)
		if series, ok := c.source.cache.series(key, r.progress, t.InstanceName, t.Status); ok {
			for _, m := range series {
				ch <- m
			}
			return
		}
	}
	series := gatewaySeries(t, r, now)
	for _, m := range series {
		ch <- m
	}
	if key != "" {
		c.source.cache.keepSeries(key, r.progress, t.InstanceName, t.Status, series)
	}
}

// gatewaySeries renders one gateway's series for one answer.
func gatewaySeries(t Target, r result, now time.Time) []prometheus.Metric {
	ls := newLabelSet(t.Project.ID, t.InstanceID)
	out := make([]prometheus.Metric, 0, 10)
	add := func(d *prometheus.Desc, v float64, extra ...*dto.LabelPair) {
		out = append(out, &gauge{desc: d, labels: ls.with(extra...), value: v})
	}
	add(infoDesc, 1, pair("instance_name", t.InstanceName), pair("status", t.Status))
	if r.err != nil {
		add(scrapeSuccessDesc, 0)
		return out
	}
	add(scrapeSuccessDesc, 1)
	p := r.progress
	add(progressDesc, float64(p.Percent)/100)

	known := false
	for _, s := range knownStatuses {
		known = known || s == p.Status
		add(statusDesc, boolValue(s == p.Status), statusPair(s))
	}
	if !known {
		add(statusDesc, 1, statusPair(p.Status))
	}
	if p.ErrorCode != "" {
		add(errorInfoDesc, 1, pair("error_code", p.ErrorCode))
	}

	// Zero or negative times mean the API did not say; an end before the
	// start cannot be true, so neither end nor duration is exported then.
	if p.StartTimeMillis <= 0 {
		return out
	}
	startT := millis(p.StartTimeMillis)
	add(startDesc, seconds(startT))
	switch {
	case p.Settled():
		if p.EndTimeMillis < p.StartTimeMillis {
			return out
		}
		endT := millis(p.EndTimeMillis)
		add(endDesc, seconds(endT))
		add(durationDesc, endT.Sub(startT).Seconds())
	case p.Status == apig.StatusCreating && !now.Before(startT):
		add(durationDesc, now.Sub(startT).Seconds())
	}
	return out
}

func millis(ms int64) time.Time { return time.UnixMilli(ms) }

func seconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
