package exporter

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/collector"
	"github.com/apig-exporter/apig_exporter/internal/statuspage"
)

// statusMaxAge is how old the answers the status page shows may be. A page
// view never costs an API call while the latest scrape is younger; after
// that it scrapes, sharing calls in flight with Prometheus's scrapes.
const statusMaxAge = time.Minute

// statusSnapshot is what the status page shows: the answers of the latest
// scrape, refreshed through the scrape path when there are none or they are
// older than statusMaxAge.
func (ex *Exporter) statusSnapshot(ctx context.Context) (statuspage.Snapshot, error) {
	s := ex.current.Load()
	if s == nil {
		return statuspage.Snapshot{}, nil
	}
	latest := s.source.Latest()
	if latest.Taken.IsZero() || ex.now().Sub(latest.Taken) > statusMaxAge {
		ex.scrapeForStatus(ctx, s)
		latest = s.source.Latest()
	}
	return statusOf(latest), nil
}

// scrapeForStatus runs one scrape as /metrics does, without a Prometheus
// deadline: the page's request and the default scrape timeout bound it.
func (ex *Exporter) scrapeForStatus(ctx context.Context, s *setup) {
	ctx, cancel := context.WithTimeout(ctx, defaultScrapeTimeout)
	defer cancel()
	stop := context.AfterFunc(ex.ctx, cancel) // a shutdown ends it too
	defer stop()
	c := collector.New(ctx, collector.Options{Source: s.source, Concurrency: s.cfg.Concurrency, Metrics: ex.metrics, Logger: ex.logger, Now: ex.now})
	ch := make(chan prometheus.Metric)
	go func() {
		c.Collect(ch)
		close(ch)
	}()
	for range ch {
	}
}

// statusOf turns the collector's latest answers into the page's model.
// Error texts come from apig errors, which never hold credentials.
func statusOf(l collector.Snapshot) statuspage.Snapshot {
	out := statuspage.Snapshot{Taken: l.Taken}
	for _, o := range l.Gateways {
		g := statuspage.Gateway{
			ProjectID: o.Target.Project.ID, InstanceID: o.Target.InstanceID, Name: o.Target.InstanceName,
			ListStatus: o.Target.Status, AnsweredAt: o.At,
		}
		if o.Err != nil {
			g.ReadError, g.ReadErrorDetail = apig.ErrorCode(o.Err), o.Err.Error()
		} else if p := o.Progress; p != nil {
			g.Status, g.Percent, g.ErrorCode, g.ErrorMsg = p.Status, p.Percent, p.ErrorCode, p.ErrorMsg
			if p.StartTimeMillis > 0 {
				g.Started = time.UnixMilli(p.StartTimeMillis)
			}
			if p.EndTimeMillis > 0 && p.Settled() {
				g.Ended = time.UnixMilli(p.EndTimeMillis)
			}
		}
		out.Gateways = append(out.Gateways, g)
	}
	for _, p := range l.Projects {
		sp := statuspage.Project{ID: p.ID, Up: p.Up}
		if p.Err != nil {
			sp.Error = p.Err.Error()
		}
		out.Projects = append(out.Projects, sp)
	}
	return out
}
