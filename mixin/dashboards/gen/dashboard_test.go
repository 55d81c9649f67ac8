package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// generated is the dashboard as gen writes it, decoded generically.
func generated(t *testing.T) map[string]any {
	t.Helper()
	raw, err := render()
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func panels(d map[string]any) []map[string]any {
	var out []map[string]any
	for _, p := range d["panels"].([]any) {
		out = append(out, p.(map[string]any))
	}
	return out
}

func TestCommittedDashboardIsGenerated(t *testing.T) {
	if err := run("../apig-provisioning.json", true); err != nil {
		t.Fatal(err)
	}
}

func TestStrictDecode(t *testing.T) {
	good, err := render()
	if err != nil {
		t.Fatal(err)
	}
	empty := generated(t)
	empty["panels"] = []any{}
	noPanels, err := json.Marshal(empty)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		json    string
		wantErr string
	}{
		{name: "the generated dashboard", json: string(good)},
		{
			name:    "an unknown top-level field",
			json:    strings.Replace(string(good), `"uid":`, `"__requires": [], "uid":`, 1),
			wantErr: "unexpected field '__requires'",
		},
		{
			name:    "a title of the wrong type",
			json:    strings.Replace(string(good), `"title": "APIG gateway provisioning"`, `"title": 5`, 1),
			wantErr: "title",
		},
		{
			name:    "a table footer without its reducer list",
			json:    strings.Replace(string(good), `"reducer": []`, `"reducer": null`, 1),
			wantErr: "options.footer.reducer: required field is null",
		},
		{name: "no panels", json: string(noPanels), wantErr: "no panels"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := strictDecode([]byte(tc.json))
			if tc.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestPanelsHaveUniqueIDsAndDoNotOverlap(t *testing.T) {
	ids := map[float64]string{}
	type cell struct{ x, y float64 }
	taken := map[cell]string{}
	for _, p := range panels(generated(t)) {
		title := p["title"].(string)
		id := p["id"].(float64)
		if other, ok := ids[id]; ok {
			t.Errorf("panels %q and %q share id %v", title, other, id)
		}
		ids[id] = title
		g := p["gridPos"].(map[string]any)
		x, y, w, h := g["x"].(float64), g["y"].(float64), g["w"].(float64), g["h"].(float64)
		if x+w > 24 {
			t.Errorf("panel %q ends at column %v, past 24", title, x+w)
		}
		for i := x; i < x+w; i++ {
			for j := y; j < y+h; j++ {
				if other, ok := taken[cell{i, j}]; ok {
					t.Fatalf("panels %q and %q overlap at (%v, %v)", title, other, i, j)
				}
				taken[cell{i, j}] = title
			}
		}
	}
}

func TestEveryQueryUsesTheDatasourceAndJobVariables(t *testing.T) {
	for _, p := range panels(generated(t)) {
		targets, _ := p["targets"].([]any)
		for _, tg := range targets {
			target := tg.(map[string]any)
			ds := target["datasource"].(map[string]any)
			if ds["uid"] != "${datasource}" || ds["type"] != "prometheus" {
				t.Errorf("panel %q %s: datasource %v", p["title"], target["refId"], ds)
			}
			if expr := target["expr"].(string); !strings.Contains(expr, `job=~"$job"`) {
				t.Errorf("panel %q %s: query ignores $job: %s", p["title"], target["refId"], expr)
			}
		}
	}
}

func TestCreationPanels(t *testing.T) {
	byTitle := map[string]map[string]any{}
	for _, p := range panels(generated(t)) {
		byTitle[p["title"].(string)] = p
	}
	for _, tc := range []struct {
		title, panelType string
		instant          bool
		exprHas          []string
	}{
		{
			title: "Creation progress over time", panelType: "timeseries",
			exprHas: []string{"apig_instance_creation_progress_ratio", `status="creating"`, "group_left (instance_name)"},
		},
		{
			title: "Failures in the time range by error code", panelType: "table", instant: true,
			exprHas: []string{"apig_creation_failures_total", "sum by (project_id, error_code)", "[$__range]"},
		},
		{
			title: "Failed gateways", panelType: "table", instant: true,
			exprHas: []string{"apig_instance_creation_error_info"},
		},
		{
			title: "Progress of gateways being created", panelType: "bargauge", instant: true,
			exprHas: []string{"apig_instance_creation_progress_ratio", `status="creating"`},
		},
	} {
		t.Run(tc.title, func(t *testing.T) {
			p, ok := byTitle[tc.title]
			if !ok {
				t.Fatal("no such panel")
			}
			if p["type"] != tc.panelType {
				t.Errorf("type %v, want %s", p["type"], tc.panelType)
			}
			target := p["targets"].([]any)[0].(map[string]any)
			if instant, _ := target["instant"].(bool); instant != tc.instant {
				t.Errorf("instant = %v, want %v", instant, tc.instant)
			}
			for _, s := range tc.exprHas {
				if !strings.Contains(target["expr"].(string), s) {
					t.Errorf("query lacks %q: %s", s, target["expr"])
				}
			}
		})
	}
}
