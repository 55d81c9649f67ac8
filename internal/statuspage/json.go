package statuspage

import (
	"encoding/json"
	"time"
)

// FormatVersion is the version of the JSON document's shape. It changes
// only when a field is removed or changes meaning; new fields may be added
// without changing it.
const FormatVersion = 1

// The JSON document at JSONPath. Every field is always present: strings are
// "" when unknown, times (RFC 3339, UTC, whole seconds) and durations
// (seconds) are null when unknown, lists are [] when empty. Gateways come in
// the page's order: failed, creating, other, unreadable, created.
type document struct {
	FormatVersion   int          `json:"format_version"`
	ExporterVersion string       `json:"exporter_version"`
	GeneratedAt     string       `json:"generated_at"` // when this document was made
	TakenAt         *string      `json:"taken_at"`     // when the answers were taken; null before the first scrape
	AgeSeconds      *float64     `json:"age_seconds"`  // generated_at - taken_at
	RefreshError    string       `json:"refresh_error"`
	Summary         summaryDoc   `json:"summary"`
	Projects        []projectDoc `json:"projects"`
	Gateways        []gatewayDoc `json:"gateways"`
}

type summaryDoc struct {
	Total      int `json:"total"`
	Failed     int `json:"failed"`
	Creating   int `json:"creating"`
	Other      int `json:"other"`
	Unreadable int `json:"unreadable"`
	Created    int `json:"created"`
}

type projectDoc struct {
	ID    string `json:"id"`
	Up    bool   `json:"up"`
	Error string `json:"error"`
}

type gatewayDoc struct {
	ProjectID  string `json:"project_id"`
	InstanceID string `json:"instance_id"`
	Name       string `json:"name"`
	ListStatus string `json:"list_status"`
	// State is one of failed, creating, other, unreadable, created.
	State string `json:"state"`
	// Status is the progress API's status as sent; "" when not read.
	Status          string   `json:"status"`
	Percent         int      `json:"percent"`
	StartedAt       *string  `json:"started_at"`
	EndedAt         *string  `json:"ended_at"`
	DurationSeconds *float64 `json:"duration_seconds"` // took, or so far while creating
	ErrorCode       string   `json:"error_code"`
	ErrorMsg        string   `json:"error_msg"`
	ReadError       string   `json:"read_error"`
	ReadErrorDetail string   `json:"read_error_detail"`
	AnsweredAt      *string  `json:"answered_at"`
}

func rfc3339(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func seconds(d time.Duration) *float64 {
	s := d.Seconds()
	return &s
}

func newDocument(v view, version string, refreshErr error) document {
	d := document{
		FormatVersion:   FormatVersion,
		ExporterVersion: version,
		GeneratedAt:     v.Now.UTC().Format(time.RFC3339),
		TakenAt:         rfc3339(v.Taken),
		Summary: summaryDoc{
			Total:      len(v.Rows),
			Failed:     v.Counts.Failed,
			Creating:   v.Counts.Creating,
			Other:      v.Counts.Other,
			Unreadable: v.Counts.Unreadable,
			Created:    v.Counts.Created,
		},
		Projects: make([]projectDoc, 0, len(v.Projects)),
		Gateways: make([]gatewayDoc, 0, len(v.Rows)),
	}
	if !v.Empty() {
		d.AgeSeconds = seconds(v.Age())
	}
	if refreshErr != nil {
		d.RefreshError = refreshErr.Error()
	}
	for _, p := range v.Projects {
		d.Projects = append(d.Projects, projectDoc{ID: p.ID, Up: p.Up, Error: p.Error})
	}
	for _, r := range v.Rows {
		g := gatewayDoc{
			ProjectID:       r.ProjectID,
			InstanceID:      r.InstanceID,
			Name:            r.Name,
			ListStatus:      r.ListStatus,
			State:           r.State.String(),
			Status:          r.Status,
			Percent:         r.Percent,
			StartedAt:       rfc3339(r.Started),
			EndedAt:         rfc3339(r.Ended),
			ErrorCode:       r.ErrorCode,
			ErrorMsg:        r.ErrorMsg,
			ReadError:       r.ReadError,
			ReadErrorDetail: r.ReadErrorDetail,
			AnsweredAt:      rfc3339(r.AnsweredAt),
		}
		if r.HasTook {
			g.DurationSeconds = seconds(r.Took)
		}
		d.Gateways = append(d.Gateways, g)
	}
	return d
}

func encodeDocument(d document) ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
