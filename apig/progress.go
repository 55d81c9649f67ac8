package apig

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// Creation statuses of the progress API. Other values are passed through.
const (
	StatusCreating = "creating"
	StatusSuccess  = "success"
	StatusFailed   = "failed"
)

// Progress is the answer of
// GET /v2/{project_id}/apigw/instances/{instance_id}/progress.
type Progress struct {
	// Percent is the creation progress, 0 to 100.
	Percent int `json:"progress"`
	// Status is creating, success or failed (others are kept as sent).
	Status string `json:"status"`
	// ErrorCode is the creation failure code, such as APIC.9218; empty when none.
	ErrorCode string `json:"error_code"`
	// ErrorMsg is the failure message; it goes to logs, never to labels.
	ErrorMsg string `json:"error_msg"`
	// StartTimeMillis and EndTimeMillis are Unix milliseconds; 0 when absent.
	StartTimeMillis int64 `json:"start_time"`
	EndTimeMillis   int64 `json:"end_time"`
}

// Settled reports whether the creation has finished and cannot change again.
func (p *Progress) Settled() bool {
	return p.Status == StatusSuccess || p.Status == StatusFailed
}

// validate rejects answers that decode but cannot be true.
func (p *Progress) validate() error {
	if p.Percent < 0 || p.Percent > 100 {
		return fmt.Errorf("progress %d outside 0..100", p.Percent)
	}
	if p.Status == "" {
		return fmt.Errorf("no status in answer")
	}
	if len(p.Status) > 32 {
		return fmt.Errorf("status of %d bytes is not a status", len(p.Status))
	}
	// The code becomes a label value; keep only the API's shape.
	if p.ErrorCode != "" && !apiCodePattern.MatchString(p.ErrorCode) {
		p.ErrorCode = "invalid"
	}
	return nil
}

// DecodeProgress parses a 200 answer of the progress API.
func DecodeProgress(body []byte) (*Progress, error) {
	var p Progress
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Progress asks APIG for the creation progress of one gateway.
func (c *Client) Progress(ctx context.Context, project Project, instanceID string) (*Progress, error) {
	path := "/v2/" + url.PathEscape(project.ID) + "/apigw/instances/" + url.PathEscape(instanceID) + "/progress"
	body, err := c.do(ctx, call{operation: OpProgress, method: http.MethodGet, project: project, path: path})
	if err != nil {
		return nil, err
	}
	p, err := DecodeProgress(body)
	if err != nil {
		return nil, c.fail(&Error{Operation: OpProgress, HTTPStatus: http.StatusOK, Code: CodeDecode, Err: err})
	}
	return p, nil
}
