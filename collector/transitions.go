package collector

import (
	"github.com/go-kit/log/level"

	"github.com/apig-exporter/apig_exporter/apig"
)

// remember updates what is kept about a gateway after a scrape asked it:
// the log gets one line when the gateway starts failing, changes error or
// recovers, instead of one per gateway per scrape, and a failed creation
// is counted (and logged) once however many scrapes see it.
func (c *Collector) remember(t Target, r result) {
	code := apig.ErrorCode(r.err)
	creationFailed := r.err == nil && r.progress.Status == apig.StatusFailed
	var prev string
	firstFailure := false
	c.source.gateways.update(progressKey(t.Project, t.InstanceID), c.source.now(), func(s *gatewayState) {
		prev, s.failing = s.failing, code
		if creationFailed && !s.failureCounted {
			s.failureCounted, firstFailure = true, true
		}
	})
	switch {
	case code == prev:
	case code == "":
		level.Info(c.logger).Log("msg", "gateway scrape recovered", "project_id", t.Project.ID, "instance_id", t.InstanceID, "previous_error_code", prev)
	default:
		level.Warn(c.logger).Log("msg", "gateway scrape failed", "project_id", t.Project.ID, "instance_id", t.InstanceID, "error_code", code, "err", r.err)
	}
	if firstFailure {
		p := r.progress
		c.metrics.countCreationFailure(t.Project.ID, p.ErrorCode)
		level.Warn(c.logger).Log("msg", "gateway creation failed", "project_id", t.Project.ID, "instance_id", t.InstanceID,
			"instance_name", t.InstanceName, "error_code", p.ErrorCode, "error_msg", p.ErrorMsg)
	}
}
