// Package statuspage serves the exporter's status page: what the exporter
// last learnt of every watched gateway, as HTML for people and as JSON for
// scripts. It knows nothing of APIG or Prometheus; the exporter hands it a
// Snapshot.
package statuspage

import (
	"cmp"
	"slices"
	"time"
)

// Gateway is what the exporter last learnt of one watched gateway.
type Gateway struct {
	ProjectID, InstanceID, Name string
	// ListStatus is the list API's status (Creating, Running, ...); "" when
	// no list showed the gateway.
	ListStatus string
	// Status is the progress API's: creating, success, failed, or another
	// value as sent; "" when the progress was not read.
	Status  string
	Percent int // 0..100
	// Started and Ended are zero when the API did not say.
	Started, Ended time.Time
	// ErrorCode and ErrorMsg say why a creation failed (APIC.9218 ...).
	ErrorCode, ErrorMsg string
	// ReadError says why the progress could not be read (APIC.7302,
	// timeout, http_502 ...); "" when it was read. ReadErrorDetail is the
	// error text, already free of secrets, and may be "".
	ReadError, ReadErrorDetail string
	// AnsweredAt is when this answer was taken; a settled answer may come
	// from a cache and be older than the snapshot.
	AnsweredAt time.Time
}

// Project is the state of one configured project.
type Project struct {
	ID    string
	Up    bool
	Error string // why the project is down, free of secrets
}

// Snapshot is everything the page shows.
type Snapshot struct {
	// Taken is when the scrape or probe that produced the answers ran; zero
	// means there are no answers yet.
	Taken    time.Time
	Gateways []Gateway
	Projects []Project
}

// state is where a gateway stands. The order of the constants is the order
// of the page: what needs a person first.
type state int

const (
	stateFailed state = iota
	stateCreating
	stateOther // a progress status this package does not know
	stateUnreadable
	stateCreated
)

// stateNames are the stable names of the JSON document and the CSS classes.
var stateNames = [...]string{
	stateFailed:     "failed",
	stateCreating:   "creating",
	stateOther:      "other",
	stateUnreadable: "unreadable",
	stateCreated:    "created",
}

// stateWords are what a person reads in the status column.
var stateWords = [...]string{
	stateFailed:     "Failed",
	stateCreating:   "Creating",
	stateOther:      "Other",
	stateUnreadable: "Could not read",
	stateCreated:    "Created",
}

func (s state) String() string { return stateNames[s] }

// Word is the state in words for the page.
func (s state) Word() string { return stateWords[s] }

func stateOf(g Gateway) state {
	if g.ReadError != "" {
		return stateUnreadable
	}
	switch g.Status {
	case "failed":
		return stateFailed
	case "creating":
		return stateCreating
	case "success":
		return stateCreated
	case "":
		return stateUnreadable // never read: no answer yet
	}
	return stateOther
}

// row is one gateway as shown: its answer and what follows from it.
type row struct {
	Gateway
	State state
	// Took is how long creation took (settled) or has taken so far
	// (creating); HasTook is false when the API's times do not tell.
	Took    time.Duration
	HasTook bool
}

// Unread is the reason shown for a gateway without an answer.
func (r row) Unread() string {
	if r.ReadError == "" && r.State == stateUnreadable {
		return "not read yet"
	}
	return r.ReadError
}

// counts are the summary's figures.
type counts struct {
	Failed, Creating, Other, Unreadable, Created int
}

// view is a snapshot prepared for showing at one moment.
type view struct {
	Snapshot
	Now    time.Time
	Rows   []row
	Counts counts
}

func newView(s Snapshot, now time.Time) view {
	v := view{Snapshot: s, Now: now, Rows: make([]row, 0, len(s.Gateways))}
	for _, g := range s.Gateways {
		r := row{Gateway: g, State: stateOf(g)}
		r.Took, r.HasTook = took(r, now)
		v.Rows = append(v.Rows, r)
		switch r.State {
		case stateFailed:
			v.Counts.Failed++
		case stateCreating:
			v.Counts.Creating++
		case stateOther:
			v.Counts.Other++
		case stateUnreadable:
			v.Counts.Unreadable++
		case stateCreated:
			v.Counts.Created++
		}
	}
	slices.SortStableFunc(v.Rows, func(a, b row) int {
		return cmp.Or(
			cmp.Compare(a.State, b.State),
			cmp.Compare(a.ProjectID, b.ProjectID),
			cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.InstanceID, b.InstanceID),
		)
	})
	return v
}

// took measures a creation under way up to now, because the API fills
// end_time with the start while creating; a settled one from start to end.
func took(r row, now time.Time) (time.Duration, bool) {
	if r.Started.IsZero() {
		return 0, false
	}
	switch r.State {
	case stateCreating:
		return max(now.Sub(r.Started), 0), true
	case stateFailed, stateCreated:
		if r.Ended.IsZero() {
			return 0, false
		}
		return max(r.Ended.Sub(r.Started), 0), true
	}
	return 0, false
}

// Empty reports that no scrape has answered yet.
func (v view) Empty() bool { return v.Taken.IsZero() }

// Age is how old the answers are.
func (v view) Age() time.Duration { return max(v.Now.Sub(v.Taken), 0) }

// DownProjects are the projects that could not be read.
func (v view) DownProjects() []Project {
	var down []Project
	for _, p := range v.Projects {
		if !p.Up {
			down = append(down, p)
		}
	}
	return down
}
