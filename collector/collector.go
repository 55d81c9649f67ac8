package collector

import (
	"context"
	"sync"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/apig-exporter/apig_exporter/apig"
)

// Target is one gateway to watch.
type Target struct {
	Project      apig.Project
	InstanceID   string
	InstanceName string
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
	Fetcher     ProgressFetcher
	Targets     []Target
	Concurrency int
	Metrics     *Metrics
	Logger      log.Logger
	// Now is the clock for durations of creations under way.
	Now func() time.Time
}

// New returns a collector bound to ctx.
func New(ctx context.Context, o Options) *Collector {
	c := &Collector{ctx: ctx, fetcher: o.Fetcher, targets: o.Targets, concurrency: o.Concurrency,
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
}

func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	start := time.Now()
	results := c.fetchAll()
	now := c.now()

	projects := map[string]bool{} // project -> reached and authorised
	for i, t := range c.targets {
		r := results[i]
		c.emitGateway(ch, t, r, now)
		ok := projects[t.Project.ID]
		if r.err == nil {
			ok = true
		} else if e, isAPI := apig.AsError(r.err); isAPI && e.Reached() && !e.Unauthorized() && !e.Forbidden() {
			ok = true
		}
		projects[t.Project.ID] = ok
		c.logOutcome(t, r)
	}
	for id, ok := range projects {
		ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, boolValue(ok), id)
	}
	ch <- prometheus.MustNewConstMetric(scrapeDurationDesc, prometheus.GaugeValue, time.Since(start).Seconds())
}

// fetchAll asks for every target's progress, at most concurrency at once,
// and returns the results in target order.
func (c *Collector) fetchAll() []result {
	results := make([]result, len(c.targets))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(c.concurrency, len(c.targets)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				t := c.targets[i]
				p, err := c.fetcher.Progress(c.ctx, t.Project, t.InstanceID)
				results[i] = result{progress: p, err: err}
			}
		}()
	}
	for i := range c.targets {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}

func (c *Collector) emitGateway(ch chan<- prometheus.Metric, t Target, r result, now time.Time) {
	pid, iid := t.Project.ID, t.InstanceID
	ch <- prometheus.MustNewConstMetric(infoDesc, prometheus.GaugeValue, 1, pid, iid, t.InstanceName)
	if r.err != nil {
		ch <- prometheus.MustNewConstMetric(scrapeSuccessDesc, prometheus.GaugeValue, 0, pid, iid)
		return
	}
	ch <- prometheus.MustNewConstMetric(scrapeSuccessDesc, prometheus.GaugeValue, 1, pid, iid)
	p := r.progress
	ch <- prometheus.MustNewConstMetric(progressDesc, prometheus.GaugeValue, float64(p.Percent)/100, pid, iid)

	known := false
	for _, s := range knownStatuses {
		known = known || s == p.Status
		ch <- prometheus.MustNewConstMetric(statusDesc, prometheus.GaugeValue, boolValue(s == p.Status), pid, iid, s)
	}
	if !known {
		ch <- prometheus.MustNewConstMetric(statusDesc, prometheus.GaugeValue, 1, pid, iid, p.Status)
	}

	if p.ErrorCode != "" {
		ch <- prometheus.MustNewConstMetric(errorInfoDesc, prometheus.GaugeValue, 1, pid, iid, p.ErrorCode)
	}
	if p.Status == apig.StatusFailed && c.metrics.creationFailed(pid, iid, p.ErrorCode) {
		level.Warn(c.logger).Log("msg", "gateway creation failed", "project_id", pid, "instance_id", iid,
			"instance_name", t.InstanceName, "error_code", p.ErrorCode, "error_msg", p.ErrorMsg)
	}

	// Zero or negative times mean the API did not say; an end before the
	// start cannot be true, so neither end nor duration is exported then.
	if p.StartTimeMillis <= 0 {
		return
	}
	startT := millis(p.StartTimeMillis)
	ch <- prometheus.MustNewConstMetric(startDesc, prometheus.GaugeValue, seconds(startT), pid, iid)
	switch {
	case p.Settled():
		if p.EndTimeMillis < p.StartTimeMillis {
			return
		}
		endT := millis(p.EndTimeMillis)
		ch <- prometheus.MustNewConstMetric(endDesc, prometheus.GaugeValue, seconds(endT), pid, iid)
		ch <- prometheus.MustNewConstMetric(durationDesc, prometheus.GaugeValue, endT.Sub(startT).Seconds(), pid, iid)
	case p.Status == apig.StatusCreating && !now.Before(startT):
		ch <- prometheus.MustNewConstMetric(durationDesc, prometheus.GaugeValue, now.Sub(startT).Seconds(), pid, iid)
	}
}

func millis(ms int64) time.Time { return time.UnixMilli(ms) }

func seconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
