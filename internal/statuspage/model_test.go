package statuspage

import (
	"slices"
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

func TestStateOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		g    Gateway
		want state
	}{
		{"creating", Gateway{Status: "creating"}, stateCreating},
		{"success is created", Gateway{Status: "success"}, stateCreated},
		{"failed", Gateway{Status: "failed"}, stateFailed},
		{"unknown status kept apart", Gateway{Status: "pending"}, stateOther},
		{"read error wins over an old status", Gateway{Status: "creating", ReadError: "timeout"}, stateUnreadable},
		{"never read", Gateway{}, stateUnreadable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := stateOf(tc.g); got != tc.want {
				t.Errorf("stateOf = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestViewOrder(t *testing.T) {
	gws := []Gateway{
		{ProjectID: "p1", InstanceID: "created-a", Name: "a", Status: "success"},
		{ProjectID: "p2", InstanceID: "unread", Name: "a", ReadError: "timeout"},
		{ProjectID: "p2", InstanceID: "creating-p2", Name: "a", Status: "creating"},
		{ProjectID: "p1", InstanceID: "creating-p1-b", Name: "b", Status: "creating"},
		{ProjectID: "p1", InstanceID: "creating-p1-a2", Name: "a", Status: "creating"},
		{ProjectID: "p1", InstanceID: "creating-p1-a1", Name: "a", Status: "creating"},
		{ProjectID: "p9", InstanceID: "failed", Name: "z", Status: "failed"},
		{ProjectID: "p1", InstanceID: "other", Name: "a", Status: "pending"},
	}
	want := []string{
		"failed",
		"creating-p1-a1", "creating-p1-a2", "creating-p1-b", "creating-p2",
		"other",
		"unread",
		"created-a",
	}
	// Any input order gives the same page.
	for _, in := range [][]Gateway{gws, reversed(gws)} {
		v := newView(Snapshot{Taken: testNow, Gateways: in}, testNow)
		var got []string
		for _, r := range v.Rows {
			got = append(got, r.InstanceID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("order:\n got %v\nwant %v", got, want)
		}
	}
}

func reversed(gws []Gateway) []Gateway {
	r := slices.Clone(gws)
	slices.Reverse(r)
	return r
}

func TestViewCounts(t *testing.T) {
	v := newView(Snapshot{Taken: testNow, Gateways: []Gateway{
		{InstanceID: "1", Status: "failed"},
		{InstanceID: "2", Status: "failed"},
		{InstanceID: "3", Status: "creating"},
		{InstanceID: "4", Status: "success"},
		{InstanceID: "5", Status: "success"},
		{InstanceID: "6", Status: "success"},
		{InstanceID: "7", ReadError: "APIC.7302"},
		{InstanceID: "8", Status: "pending"},
	}}, testNow)
	want := counts{Failed: 2, Creating: 1, Other: 1, Unreadable: 1, Created: 3}
	if v.Counts != want {
		t.Errorf("counts = %+v, want %+v", v.Counts, want)
	}
}

func TestTook(t *testing.T) {
	start := testNow.Add(-10 * time.Minute)
	for _, tc := range []struct {
		name   string
		g      Gateway
		want   time.Duration
		wantOK bool
	}{
		// The API fills end_time with the start while creating: ignore it.
		{"creating runs until now", Gateway{Status: "creating", Started: start, Ended: start}, 10 * time.Minute, true},
		{"created from start to end", Gateway{Status: "success", Started: start, Ended: start.Add(5*time.Minute + 24*time.Second)}, 5*time.Minute + 24*time.Second, true},
		{"failed from start to end", Gateway{Status: "failed", Started: start, Ended: start.Add(time.Minute)}, time.Minute, true},
		{"settled without end", Gateway{Status: "success", Started: start}, 0, false},
		{"no start", Gateway{Status: "creating"}, 0, false},
		{"start after now", Gateway{Status: "creating", Started: testNow.Add(time.Minute)}, 0, true},
		{"unreadable", Gateway{ReadError: "timeout", Started: start, Ended: start.Add(time.Minute)}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newView(Snapshot{Taken: testNow, Gateways: []Gateway{tc.g}}, testNow).Rows[0]
			if r.Took != tc.want || r.HasTook != tc.wantOK {
				t.Errorf("took = %v, %v; want %v, %v", r.Took, r.HasTook, tc.want, tc.wantOK)
			}
		})
	}
}

func TestDownProjects(t *testing.T) {
	v := newView(Snapshot{Projects: []Project{{ID: "a", Up: true}, {ID: "b", Error: "401 APIC.7101"}, {ID: "c", Up: true}}}, testNow)
	got := v.DownProjects()
	if len(got) != 1 || got[0].ID != "b" {
		t.Errorf("DownProjects = %+v, want only b", got)
	}
}
