package collector

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/apig-exporter/apig_exporter/apig"
)

const (
	seriesProject = "0123456789abcdef0123456789abcdef"
	seriesGateway = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
)

var seriesNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// TestGatewaySeriesOfOddAnswers pins the series of 200 answers that decode
// but are odd. They are successes: the gateway's scrape_success is 1 and
// what can be trusted is exported. Times are Unix milliseconds; seriesNow
// is 1795867200 s.
//   - An unknown status gets its own state-set series next to the three
//     known ones.
//   - Zero or negative times mean the API did not say: no start, end or
//     duration series; progress and status stay.
//   - An end before the start cannot be true: start stays, end and
//     duration go.
//   - A creation that claims to start in the future has no duration yet.
//   - An error code not in the API's shape is exported as "invalid".
func TestGatewaySeriesOfOddAnswers(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		want []string // series besides info and scrape_success
	}{
		{
			name: "unknown status",
			body: `{"progress":40,"status":"frozen","start_time":1795866000000,"end_time":1795866000000}`,
			want: []string{
				progress("0.4"),
				start("1795866000"),
				status("creating", "0"), status("failed", "0"), status("frozen", "1"), status("success", "0"),
			},
		},
		{
			name: "zero timestamps",
			body: `{"progress":100,"status":"success","start_time":0,"end_time":0}`,
			want: []string{progress("1"), status("creating", "0"), status("failed", "0"), status("success", "1")},
		},
		{
			name: "negative timestamps",
			body: `{"progress":100,"status":"success","start_time":-5,"end_time":-1}`,
			want: []string{progress("1"), status("creating", "0"), status("failed", "0"), status("success", "1")},
		},
		{
			name: "timestamps left out",
			body: `{"progress":30,"status":"creating"}`,
			want: []string{progress("0.3"), status("creating", "1"), status("failed", "0"), status("success", "0")},
		},
		{
			name: "end before start",
			body: `{"progress":100,"status":"success","start_time":1795866000000,"end_time":1795865000000}`,
			want: []string{progress("1"), start("1795866000"), status("creating", "0"), status("failed", "0"), status("success", "1")},
		},
		{
			name: "creating with a start in the future",
			body: `{"progress":30,"status":"creating","start_time":1795870000000,"end_time":1795870000000}`,
			want: []string{progress("0.3"), start("1795870000"), status("creating", "1"), status("failed", "0"), status("success", "0")},
		},
		{
			name: "creating for ten minutes with end_time filled in",
			body: `{"progress":50,"status":"creating","start_time":1795866600000,"end_time":1795866600000}`,
			want: []string{duration("600"), progress("0.5"), start("1795866600"), status("creating", "1"), status("failed", "0"), status("success", "0")},
		},
		{
			name: "failure with an error code not in the API's shape",
			body: `{"progress":0,"status":"failed","error_code":"quota exceeded!","error_msg":"x","start_time":1795866000000,"end_time":1795866060000}`,
			want: []string{
				duration("60"), end("1795866060"), errorInfo("invalid"), progress("0"), start("1795866000"),
				status("creating", "0"), status("failed", "1"), status("success", "0"),
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := apig.DecodeProgress([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			target := Target{Project: apig.Project{ID: seriesProject}, InstanceID: seriesGateway, InstanceName: "subject"}
			got := render(t, gatewaySeries(target, result{progress: p}, seriesNow))
			want := append([]string{
				`apig_instance_info{instance_id="` + seriesGateway + `",instance_name="subject",project_id="` + seriesProject + `",status=""} 1`,
				`apig_instance_scrape_success{instance_id="` + seriesGateway + `",project_id="` + seriesProject + `"} 1`,
			}, tc.want...)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("series:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// metrics is a fixed set of series as a collector.
type metrics []prometheus.Metric

func (ms metrics) Describe(ch chan<- *prometheus.Desc) { prometheus.DescribeByCollect(ms, ch) }
func (ms metrics) Collect(ch chan<- prometheus.Metric) {
	for _, m := range ms {
		ch <- m
	}
}

// render formats series as sorted name{labels} value lines.
func render(t *testing.T, ms []prometheus.Metric) []string {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(metrics(ms))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, lp := range m.GetLabel() {
				labels = append(labels, lp.GetName()+`="`+lp.GetValue()+`"`)
			}
			out = append(out, mf.GetName()+"{"+strings.Join(labels, ",")+"} "+strconv.FormatFloat(m.GetGauge().GetValue(), 'f', -1, 64))
		}
	}
	slices.Sort(out)
	return out
}

func subjectSeries(name, value string, extra ...string) string {
	labels := `instance_id="` + seriesGateway + `",project_id="` + seriesProject + `"`
	if len(extra) == 2 { // a label after project_id in sort order
		labels += `,` + extra[0] + `="` + extra[1] + `"`
	}
	return name + "{" + labels + "} " + value
}

func progress(v string) string { return subjectSeries("apig_instance_creation_progress_ratio", v) }
func start(v string) string {
	return subjectSeries("apig_instance_creation_start_timestamp_seconds", v)
}
func end(v string) string      { return subjectSeries("apig_instance_creation_end_timestamp_seconds", v) }
func duration(v string) string { return subjectSeries("apig_instance_creation_duration_seconds", v) }
func status(s, v string) string {
	return subjectSeries("apig_instance_creation_status", v, "status", s)
}
func errorInfo(code string) string {
	return `apig_instance_creation_error_info{error_code="` + code + `",instance_id="` + seriesGateway + `",project_id="` + seriesProject + `"} 1`
}
