package exporter

import (
	"maps"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/apig-exporter/apig_exporter/config"
)

// The README's metric tables are the user's reference: every apig_ family
// the demo serves is listed there with its type and its HELP text word for
// word, and the tables list nothing the exporter does not serve.
func TestREADMEDocumentsEveryMetric(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// The token mode serves what every mode does; the agency mode adds
	// the expiry of temporary keys.
	families := map[string]*dto.MetricFamily{}
	for _, mode := range []string{config.ModeToken, config.ModeAgency} {
		te, _ := demoExporter(t, mode)
		code, body := te.get("/metrics")
		if code != http.StatusOK {
			t.Fatalf("%s: /metrics: %d", mode, code)
		}
		parser := expfmt.NewTextParser(model.UTF8Validation)
		got, err := parser.TextToMetricFamilies(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		maps.Copy(families, got)
	}
	served := map[string]bool{}
	for name, mf := range families {
		if !strings.HasPrefix(name, "apig_") {
			continue
		}
		served[name] = true
		typ := strings.ToLower(mf.GetType().String())
		help := strings.ReplaceAll(mf.GetHelp(), "|", `\|`)
		row := regexp.MustCompile("(?m)^\\| `" + regexp.QuoteMeta(name) + "` \\| " + typ + " \\| [^|]* \\| " + regexp.QuoteMeta(help) + " \\|$")
		if !row.Match(readme) {
			t.Errorf("README has no row for %s (%s) with HELP %q", name, typ, mf.GetHelp())
		}
	}
	for _, m := range regexp.MustCompile("(?m)^\\| `(apig_[a-z_]+)` \\| (?:gauge|counter|histogram|summary) \\|").FindAllSubmatch(readme, -1) {
		if !served[string(m[1])] {
			t.Errorf("README lists %s, which the exporter does not serve", m[1])
		}
	}
}
