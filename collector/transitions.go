package collector

import (
	"sync"

	"github.com/go-kit/log/level"

	"github.com/apig-exporter/apig_exporter/apig"
)

// transitions remembers which gateways are failing, and with which code,
// so the log carries one line when a gateway starts failing, changes
// error, or recovers, instead of one line per gateway per scrape. Healthy
// gateways are not stored, so memory follows the failing ones only.
type transitions struct {
	mu      sync.Mutex
	failing map[gatewayKey]string // error code
}

type gatewayKey struct{ project, instance string }

func newTransitions() *transitions { return &transitions{failing: map[gatewayKey]string{}} }

// change records code ("" for healthy) for key and reports the previous
// code and whether it differs.
func (t *transitions) change(key gatewayKey, code string) (prev string, changed bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	prev = t.failing[key]
	if code == "" {
		delete(t.failing, key)
	} else {
		t.failing[key] = code
	}
	return prev, code != prev
}

func (c *Collector) logOutcome(t Target, r result) {
	code := apig.ErrorCode(r.err)
	prev, changed := c.logs.change(gatewayKey{t.Project.ID, t.InstanceID}, code)
	switch {
	case !changed:
	case code == "":
		level.Info(c.logger).Log("msg", "gateway scrape recovered", "project_id", t.Project.ID, "instance_id", t.InstanceID, "previous_error_code", prev)
	default:
		level.Warn(c.logger).Log("msg", "gateway scrape failed", "project_id", t.Project.ID, "instance_id", t.InstanceID, "error_code", code, "err", r.err)
	}
}
