package collector

import (
	"sync"

	"github.com/go-kit/log/level"

	"github.com/apig-exporter/apig_exporter/apig"
)

// transitions remembers each gateway's last outcome so the log carries one
// line when a gateway starts failing, changes error, or recovers, instead
// of one line per gateway per scrape.
type transitions struct {
	mu   sync.Mutex
	last map[string]string // project/instance -> error code, "" when healthy
}

func newTransitions() *transitions { return &transitions{last: map[string]string{}} }

// change records code for key and reports the previous code and whether
// it differs.
func (t *transitions) change(key, code string) (prev string, changed bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	prev, seen := t.last[key]
	t.last[key] = code
	return prev, code != prev || (!seen && code != "")
}

func (c *Collector) logOutcome(t Target, r result) {
	code := ""
	if r.err != nil {
		code = "error"
		if e, ok := apig.AsError(r.err); ok {
			code = e.Code
		}
	}
	prev, changed := c.logs.change(t.Project.ID+"/"+t.InstanceID, code)
	switch {
	case !changed:
		level.Debug(c.logger).Log("msg", "gateway scraped", "project_id", t.Project.ID, "instance_id", t.InstanceID, "error_code", code)
	case code == "":
		level.Info(c.logger).Log("msg", "gateway scrape recovered", "project_id", t.Project.ID, "instance_id", t.InstanceID, "previous_error_code", prev)
	default:
		level.Warn(c.logger).Log("msg", "gateway scrape failed", "project_id", t.Project.ID, "instance_id", t.InstanceID, "error_code", code, "err", r.err)
	}
}
