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

// ProgressFetcher asks the cloud for one gateway's creation progress.
// *apig.Client is one.
type ProgressFetcher interface {
	Progress(ctx context.Context, project apig.Project, instanceID string) (*apig.Progress, error)
}

// Collector emits the gateway series for one scrape. Build one per scrape
// with the scrape's context: the context bounds every API call it makes.
type Collector struct {
	ctx         context.Context
	source      *Source
	fetcher     ProgressFetcher
	targets     []Target
	concurrency int
	metrics     *Metrics
	logs        *transitions
	logger      log.Logger
	now         func() time.Time
}

// Options configure a Collector.
type Options struct {
	Fetcher ProgressFetcher
	Targets []Target
	// Source, when set, replaces Fetcher: calls go through its cache and
	// are shared with concurrent scrapes. With no Targets, the Source also
	// says which gateways to scrape (configured plus discovered); with
	// Targets (the /probe case), only those are scraped.
	Source      *Source
	Concurrency int
	Metrics     *Metrics
	Logger      log.Logger
	// Now is the clock for durations of creations under way.
	Now func() time.Time
}

// New returns a collector bound to ctx.
func New(ctx context.Context, o Options) *Collector {
	c := &Collector{ctx: ctx, source: o.Source, fetcher: o.Fetcher, targets: o.Targets, concurrency: o.Concurrency,
		metrics: o.Metrics, logger: o.Logger, now: o.Now}
	if c.concurrency < 1 {
		c.concurrency = 1
	}
	if c.logger == nil {
		c.logger = log.NewNopLogger()
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.logs = c.metrics.transitions
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

func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	start := time.Now()
	targets := c.targets
	var listErr map[string]error
	projects := map[string]bool{} // project -> reached and authorised
	if c.source != nil && len(targets) == 0 {
		r := c.source.resolve(c.ctx)
		targets, listErr = r.targets, r.listErr
		for _, id := range r.projects {
			projects[id] = listErr[id] == nil
		}
	} else if c.source != nil {
		c.source.cache.sweep(c.source.now())
	}
	results := c.fetchAll(targets)
	now := c.now()

	answered := map[string]bool{} // project -> APIG took its credentials at least once
	skipped := 0
	for i, t := range targets {
		r := results[i]
		c.emitGateway(ch, t, r, now)
		answered[t.Project.ID] = answered[t.Project.ID] || r.authorised()
		if r.skipped {
			skipped++
			continue
		}
		c.logOutcome(t, r)
	}
	if skipped > 0 {
		// One line for the scrape, not one per gateway: the cause is the
		// deadline, not the gateways.
		level.Warn(c.logger).Log("msg", "scrape deadline passed before every gateway was asked",
			"skipped", skipped, "gateways", len(targets), "err", context.Cause(c.ctx))
	}
	for id, ok := range answered {
		projects[id] = ok && listErr[id] == nil
	}
	for id, ok := range projects {
		ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, boolValue(ok), id)
	}
	ch <- prometheus.MustNewConstMetric(scrapeDurationDesc, prometheus.GaugeValue, time.Since(start).Seconds())
}

// fetchAll asks for every target's progress, at most concurrency at once,
// and returns the results in target order. Answers the source may reuse
// are taken without a call.
func (c *Collector) fetchAll(targets []Target) []result {
	results := make([]result, len(targets))
	todo := make([]int, 0, len(targets))
	for i, t := range targets {
		if c.source != nil {
			if p, ok := c.source.cached(t); ok {
				results[i] = result{progress: p}
				continue
			}
		}
		todo = append(todo, i)
	}
	if hits := len(targets) - len(todo); hits > 0 {
		c.metrics.cacheHits.Add(float64(hits))
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(c.concurrency, len(todo)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = c.fetch(targets[i])
			}
		}()
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
	if c.source != nil {
		p, err := c.source.progress(c.ctx, t)
		return result{progress: p, err: err}
	}
	p, err := c.fetcher.Progress(c.ctx, t.Project, t.InstanceID)
	return result{progress: p, err: err}
}

func (c *Collector) emitGateway(ch chan<- prometheus.Metric, t Target, r result, now time.Time) {
	var key string
	if c.source != nil && r.err == nil && r.progress.Settled() {
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
	if p := r.progress; r.err == nil && p.Status == apig.StatusFailed && c.metrics.creationFailed(t.Project.ID, t.InstanceID, p.ErrorCode) {
		level.Warn(c.logger).Log("msg", "gateway creation failed", "project_id", t.Project.ID, "instance_id", t.InstanceID,
			"instance_name", t.InstanceName, "error_code", p.ErrorCode, "error_msg", p.ErrorMsg)
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
