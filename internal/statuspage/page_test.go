package statuspage

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func page(t *testing.T, s Snapshot) string {
	t.Helper()
	rec := do(newTestHandler(&fixedSource{snap: s}), http.MethodGet, "/")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	return rec.Body.String()
}

func TestPageEscapesWhatComesFromTheCloud(t *testing.T) {
	const img = `<img src=x onerror=alert(1)>`
	s := Snapshot{
		Taken:    testNow,
		Projects: []Project{{ID: "p", Error: `<script>alert("project")</script>`}},
		Gateways: []Gateway{
			{ProjectID: "p", InstanceID: `g1"><script>alert(0)</script>`, Name: img, Status: "failed",
				ErrorCode: `<b>APIC.9206</b>`, ErrorMsg: `</td><script>alert(2)</script>`, ListStatus: `<i>CreateFail</i>`},
			{ProjectID: "p", InstanceID: "g2", Name: "n", ReadError: `<u>http_502</u>`, ReadErrorDetail: `<iframe src=//evil>`},
			{ProjectID: "p", InstanceID: "g3", Name: "n", Status: `<marquee>`},
		},
	}
	body := page(t, s)
	for _, raw := range []string{"<img", "<script", "<b>", "<i>", "<u>", "<iframe", "<marquee"} {
		if strings.Contains(body, raw) {
			t.Errorf("page holds unescaped %q", raw)
		}
	}
	for _, escaped := range []string{
		"&lt;img src=x onerror=alert(1)&gt;",
		"&lt;b&gt;APIC.9206&lt;/b&gt;",
		"&lt;/td&gt;&lt;script&gt;alert(2)&lt;/script&gt;",
		"&lt;u&gt;http_502&lt;/u&gt;",
		"&lt;iframe src=//evil&gt;",
		"&lt;script&gt;alert(&#34;project&#34;)&lt;/script&gt;",
		`data-instance-id="g1&#34;&gt;&lt;script&gt;alert(0)&lt;/script&gt;"`,
		`href="/probe?instance_id=g1%22%3E%3Cscript%3Ealert%280%29%3C%2Fscript%3E&amp;project_id=p"`,
	} {
		if !strings.Contains(body, escaped) {
			t.Errorf("page lacks the escaped text %q", escaped)
		}
	}
}

var linkPattern = regexp.MustCompile(`(?:href|src)="([^"]*)"`)

func TestPageLoadsNothingFromElsewhere(t *testing.T) {
	body := page(t, Snapshot{Taken: testNow, Gateways: []Gateway{{ProjectID: "p", InstanceID: "g", Status: "creating"}}})
	links := linkPattern.FindAllStringSubmatch(body, -1)
	if len(links) == 0 {
		t.Fatal("no links found")
	}
	for _, m := range links {
		if u := m[1]; !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
			t.Errorf("link %q leaves the exporter", u)
		}
	}
	for _, banned := range []string{"<script", "<iframe", "@import", "url("} {
		if strings.Contains(body, banned) || strings.Contains(string(stylesheet), banned) {
			t.Errorf("page or stylesheet uses %q", banned)
		}
	}
	if strings.Contains(body, "style=") {
		t.Error("page has an inline style attribute, which the CSP forbids")
	}
}

func TestPageLinks(t *testing.T) {
	for _, tc := range []struct {
		name     string
		gateways []Gateway
		want     []string
		wantNot  []string
	}{
		{
			name: "probe example from the first gateway shown",
			gateways: []Gateway{
				{ProjectID: "proj-b", InstanceID: "created-gw", Status: "success"},
				{ProjectID: "proj-a", InstanceID: "failed-gw", Status: "failed"},
			},
			want: []string{
				`href="/metrics"`, `href="/-/healthy"`, `href="/-/ready"`, `href="/api/v1/status"`,
				`href="/probe?instance_id=failed-gw&amp;project_id=proj-a"`,
			},
		},
		{
			name:    "no gateway: the probe described in words",
			want:    []string{`href="/metrics"`, "/probe?project_id=&lt;project&gt;&amp;instance_id=&lt;gateway&gt;"},
			wantNot: []string{`href="/probe`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := page(t, Snapshot{Taken: testNow, Gateways: tc.gateways})
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %s", w)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(body, w) {
					t.Errorf("page has %s", w)
				}
			}
		})
	}
}

func TestPageEmptyState(t *testing.T) {
	body := page(t, Snapshot{Projects: []Project{{ID: "p", Up: true}}})
	if !strings.Contains(body, "<h2>No answers yet</h2>") {
		t.Error("empty page does not say there are no answers yet")
	}
	for _, absent := range []string{"<table", `class="summary"`, "Answers taken"} {
		if strings.Contains(body, absent) {
			t.Errorf("empty page has %s", absent)
		}
	}
}

func TestPageNoGateways(t *testing.T) {
	body := page(t, Snapshot{Taken: testNow})
	if strings.Contains(body, "<table") || !strings.Contains(body, "<h2>No gateways</h2>") {
		t.Error("a scrape without gateways should say so instead of showing a table")
	}
}

var countPattern = regexp.MustCompile(`<p class="count (\w+)"><span class="n">(\d+)</span>`)

func TestPageSummary(t *testing.T) {
	body := page(t, Snapshot{
		Taken: testNow.Add(-42 * time.Second),
		Gateways: []Gateway{
			{InstanceID: "1", Status: "failed"},
			{InstanceID: "2", Status: "creating"},
			{InstanceID: "3", Status: "creating"},
			{InstanceID: "4", ReadError: "timeout"},
			{InstanceID: "5", Status: "success"},
			{InstanceID: "6", Status: "success"},
			{InstanceID: "7", Status: "success"},
		},
	})
	got := map[string]string{}
	for _, m := range countPattern.FindAllStringSubmatch(body, -1) {
		got[m[1]] = m[2]
	}
	want := map[string]string{"failed": "1", "creating": "2", "unreadable": "1", "created": "3"}
	if len(got) != len(want) {
		t.Errorf("summary counts = %v, want %v (no other-status count when there is none)", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("summary %s = %q, want %q", k, got[k], v)
		}
	}
	for _, w := range []string{
		`Answers taken <time datetime="2026-11-28T09:59:18Z">2026-11-28 09:59:18 UTC</time> <span class="ago">(42s ago)</span>`,
		`apig_exporter <span class="version">1.2.3</span>`,
		`<meta http-equiv="refresh" content="15">`,
		`<meta name="viewport" content="width=device-width, initial-scale=1">`,
	} {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %s", w)
		}
	}
}

func TestPageRows(t *testing.T) {
	start := testNow.Add(-95 * time.Minute)
	for _, tc := range []struct {
		name string
		g    Gateway
		want []string
	}{
		{
			name: "creating: time so far from the clock",
			g:    Gateway{ProjectID: "p", InstanceID: "g", Name: "legacy-gw", ListStatus: "Creating", Status: "creating", Percent: 50, Started: start, Ended: start},
			want: []string{
				`<tr class="state-creating" data-instance-id="g" data-state="creating">`,
				`<span class="badge">Creating</span>`,
				`<progress value="50" max="100">50%</progress> <span class="percent">50%</span>`,
				`<time datetime="2026-11-28T08:25:00Z">2026-11-28 08:25:00</time>`,
				`<td data-label="Took" class="took">1h 35m so far</td>`,
				`<td data-label="List status" class="list-status">Creating</td>`,
			},
		},
		{
			name: "created: end minus start",
			g:    Gateway{InstanceID: "g", Status: "success", Percent: 100, Started: start, Ended: start.Add(5*time.Minute + 24*time.Second)},
			want: []string{`<span class="badge">Created</span>`, `<td data-label="Took" class="took">5m 24s</td>`, `value="100"`},
		},
		{
			name: "failed: code and message",
			g: Gateway{InstanceID: "g", Status: "failed", Started: start, Ended: start.Add(time.Minute),
				ErrorCode: "APIC.9218", ErrorMsg: "create failed: insufficient quota"},
			want: []string{`<span class="badge">Failed</span>`, `<td data-label="Details" class="details"><code class="code">APIC.9218</code> create failed: insufficient quota</td>`, `1m 00s`},
		},
		{
			name: "unreadable: the reason and its text",
			g:    Gateway{InstanceID: "g", ReadError: "APIC.7302", ReadErrorDetail: "404 Not Found: Instance not found"},
			want: []string{`<span class="badge">Could not read</span>`, `<code class="code">APIC.7302</code> 404 Not Found: Instance not found</td>`, `<span class="none">not listed</span>`},
		},
		{
			name: "never read",
			g:    Gateway{InstanceID: "g"},
			want: []string{`<span class="badge">Could not read</span>`, `<code class="code">not read yet</code></td>`},
		},
		{
			name: "unknown status shown as sent",
			g:    Gateway{InstanceID: "g", Status: "pending", Percent: 10},
			want: []string{`<span class="badge">Other</span>`, `progress status <code>pending</code>`, `<p class="count other"><span class="n">1</span>`},
		},
		{
			name: "unnamed, no start",
			g:    Gateway{InstanceID: "g", Status: "creating"},
			want: []string{`<span class="none">unnamed</span>`, `<td data-label="Took" class="took"><span class="none">unknown</span></td>`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := page(t, Snapshot{Taken: testNow, Gateways: []Gateway{tc.g}})
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %s", w)
				}
			}
		})
	}
}

func TestPageDownProjects(t *testing.T) {
	body := page(t, Snapshot{Taken: testNow, Projects: []Project{{ID: "up-project", Up: true}, {ID: "down-project", Error: "401 APIC.7101"}}})
	if !strings.Contains(body, "<li><code>down-project</code>: 401 APIC.7101</li>") {
		t.Error("page does not name the project that could not be read")
	}
	if strings.Contains(body, "up-project") {
		t.Error("page lists a project that is up among those that are down")
	}
}

func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{1499 * time.Millisecond, "1s"},
		{59 * time.Second, "59s"},
		{5*time.Minute + 4*time.Second, "5m 04s"},
		{95 * time.Minute, "1h 35m"},
		{26*time.Hour + 5*time.Minute, "1d 2h"},
	} {
		if got := formatDuration(tc.d); got != tc.want {
			t.Errorf("formatDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
