package statuspage

import (
	"bytes"
	_ "embed" // the page and its stylesheet
	"fmt"
	"html/template"
	"net/url"
	"time"
)

//go:embed assets/status.html
var pageSource string

//go:embed assets/status.css
var stylesheet []byte

// refreshSeconds is how often an open page reloads itself.
const refreshSeconds = 15

var pageTemplate = template.Must(template.New("status").Funcs(template.FuncMap{
	"utc":       formatUTC,
	"utcNoZone": func(t time.Time) string { return t.UTC().Format(time.DateTime) },
	"rfc3339":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"duration":  formatDuration,
}).Parse(pageSource))

// pageData is what the template sees.
type pageData struct {
	view
	Version        string
	MetricsPath    string
	JSONPath       string
	CSSPath        string
	RefreshSeconds int
	RefreshError   string
	// ProbeExample is /probe for the first gateway shown; "" without one.
	ProbeExample string
}

func renderPage(v view, o Options, refreshErr error) ([]byte, error) {
	d := pageData{
		view:           v,
		Version:        o.Version,
		MetricsPath:    o.MetricsPath,
		JSONPath:       JSONPath,
		CSSPath:        CSSPath,
		RefreshSeconds: refreshSeconds,
	}
	if refreshErr != nil {
		d.RefreshError = refreshErr.Error()
	}
	if len(v.Rows) > 0 {
		first := v.Rows[0]
		d.ProbeExample = "/probe?" + url.Values{
			"project_id":  {first.ProjectID},
			"instance_id": {first.InstanceID},
		}.Encode()
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("status page: %w", err)
	}
	return buf.Bytes(), nil
}

func formatUTC(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// formatDuration is a duration as a person reads it: the two largest
// units, whole seconds.
func formatDuration(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm %02ds", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%dh %02dm", s/3600, s%3600/60)
	}
	return fmt.Sprintf("%dd %dh", s/86400, s%86400/3600)
}
