package statuspage

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func jsonBody(t *testing.T, s Snapshot) string {
	t.Helper()
	rec := do(newTestHandler(&fixedSource{snap: s}), http.MethodGet, JSONPath)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	return rec.Body.String()
}

// The document is the API scripts rely on: these goldens pin every field,
// its name, its type and the order of the gateways.
func TestJSONDocument(t *testing.T) {
	start := testNow.Add(-95 * time.Minute)
	s := Snapshot{
		Taken:    testNow.Add(-4 * time.Second),
		Projects: []Project{{ID: "p1", Up: true}, {ID: "p2", Error: "401 APIC.7101"}},
		Gateways: []Gateway{
			{ProjectID: "p1", InstanceID: "g-created", Name: "prod", ListStatus: "Running", Status: "success", Percent: 100,
				Started: start, Ended: start.Add(5*time.Minute + 24*time.Second), AnsweredAt: testNow.Add(-3 * time.Minute)},
			{ProjectID: "p1", InstanceID: "g-unread", Name: "gone", ReadError: "APIC.7302", ReadErrorDetail: "404 Not Found: Instance not found",
				AnsweredAt: testNow.Add(-4 * time.Second)},
			{ProjectID: "p1", InstanceID: "g-creating", Name: "legacy", ListStatus: "Creating", Status: "creating", Percent: 50,
				Started: start, Ended: start, AnsweredAt: testNow.Add(-4 * time.Second)},
			{ProjectID: "p1", InstanceID: "g-failed", Name: "quota", ListStatus: "CreateFail", Status: "failed",
				Started: start, Ended: start.Add(1500 * time.Millisecond), ErrorCode: "APIC.9218", ErrorMsg: "create failed: insufficient quota",
				AnsweredAt: testNow.Add(-4 * time.Second)},
		},
	}
	want := `{
  "format_version": 1,
  "exporter_version": "1.2.3",
  "generated_at": "2026-11-28T10:00:00Z",
  "taken_at": "2026-11-28T09:59:56Z",
  "age_seconds": 4,
  "refresh_error": "",
  "summary": {
    "total": 4,
    "failed": 1,
    "creating": 1,
    "other": 0,
    "unreadable": 1,
    "created": 1
  },
  "projects": [
    {
      "id": "p1",
      "up": true,
      "error": ""
    },
    {
      "id": "p2",
      "up": false,
      "error": "401 APIC.7101"
    }
  ],
  "gateways": [
    {
      "project_id": "p1",
      "instance_id": "g-failed",
      "name": "quota",
      "list_status": "CreateFail",
      "state": "failed",
      "status": "failed",
      "percent": 0,
      "started_at": "2026-11-28T08:25:00Z",
      "ended_at": "2026-11-28T08:25:01Z",
      "duration_seconds": 1.5,
      "error_code": "APIC.9218",
      "error_msg": "create failed: insufficient quota",
      "read_error": "",
      "read_error_detail": "",
      "answered_at": "2026-11-28T09:59:56Z"
    },
    {
      "project_id": "p1",
      "instance_id": "g-creating",
      "name": "legacy",
      "list_status": "Creating",
      "state": "creating",
      "status": "creating",
      "percent": 50,
      "started_at": "2026-11-28T08:25:00Z",
      "ended_at": "2026-11-28T08:25:00Z",
      "duration_seconds": 5700,
      "error_code": "",
      "error_msg": "",
      "read_error": "",
      "read_error_detail": "",
      "answered_at": "2026-11-28T09:59:56Z"
    },
    {
      "project_id": "p1",
      "instance_id": "g-unread",
      "name": "gone",
      "list_status": "",
      "state": "unreadable",
      "status": "",
      "percent": 0,
      "started_at": null,
      "ended_at": null,
      "duration_seconds": null,
      "error_code": "",
      "error_msg": "",
      "read_error": "APIC.7302",
      "read_error_detail": "404 Not Found: Instance not found",
      "answered_at": "2026-11-28T09:59:56Z"
    },
    {
      "project_id": "p1",
      "instance_id": "g-created",
      "name": "prod",
      "list_status": "Running",
      "state": "created",
      "status": "success",
      "percent": 100,
      "started_at": "2026-11-28T08:25:00Z",
      "ended_at": "2026-11-28T08:30:24Z",
      "duration_seconds": 324,
      "error_code": "",
      "error_msg": "",
      "read_error": "",
      "read_error_detail": "",
      "answered_at": "2026-11-28T09:57:00Z"
    }
  ]
}
`
	if got := jsonBody(t, s); got != want {
		t.Errorf("document:\n%s\nwant:\n%s", got, want)
	}
}

func TestJSONDocumentBeforeTheFirstScrape(t *testing.T) {
	want := `{
  "format_version": 1,
  "exporter_version": "1.2.3",
  "generated_at": "2026-11-28T10:00:00Z",
  "taken_at": null,
  "age_seconds": null,
  "refresh_error": "",
  "summary": {
    "total": 0,
    "failed": 0,
    "creating": 0,
    "other": 0,
    "unreadable": 0,
    "created": 0
  },
  "projects": [],
  "gateways": []
}
`
	if got := jsonBody(t, Snapshot{}); got != want {
		t.Errorf("document:\n%s\nwant:\n%s", got, want)
	}
}

func TestJSONTimesAreUTC(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	got := jsonBody(t, Snapshot{Taken: testNow.In(cet), Gateways: []Gateway{{InstanceID: "g", Status: "creating", Started: testNow.Add(-time.Minute).In(cet)}}})
	for _, w := range []string{`"taken_at": "2026-11-28T10:00:00Z"`, `"started_at": "2026-11-28T09:59:00Z"`} {
		if !strings.Contains(got, w) {
			t.Errorf("document lacks %s:\n%s", w, got)
		}
	}
}
