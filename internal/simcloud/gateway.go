package simcloud

import (
	"encoding/json"
	"net/http"
	"time"
)

// Answer is what the fake sends for one progress call.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Gateway is one simulated dedicated gateway.
type Gateway struct {
	ProjectID string
	ID        string
	Name      string
	// Progress gives the progress answer at a moment; it lets a gateway move
	// through creation as time passes.
	Progress func(now time.Time) Answer
	// Handler, when set, replaces Progress and serves the raw HTTP exchange
	// (used to simulate network and protocol faults).
	Handler http.HandlerFunc
	// Hidden gateways answer progress calls but are left out of lists.
	Hidden bool
	// ListStatus is the status the list API shows; empty derives it from
	// Progress (which costs a progress answer per gateway per list page).
	ListStatus string
}

// progressBody is the progress API's 200 answer.
type progressBody struct {
	EndTime   *int64  `json:"end_time"`
	ErrorCode *string `json:"error_code"`
	ErrorMsg  *string `json:"error_msg"`
	Progress  int     `json:"progress"`
	StartTime int64   `json:"start_time"`
	Status    string  `json:"status"`
}

func ms(t time.Time) *int64 { v := t.UnixMilli(); return &v }

func jsonAnswer(status int, v any) Answer {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return Answer{Status: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: b}
}

// Succeeded is a gateway created between start and end.
func Succeeded(start, end time.Time) func(time.Time) Answer {
	return func(time.Time) Answer {
		return jsonAnswer(http.StatusOK, progressBody{StartTime: start.UnixMilli(), EndTime: ms(end), Progress: 100, Status: "success"})
	}
}

// Failed is a creation that failed at end with the given code (APIC.9218
// quota, APIC.9219 resources, APIC.9206 other). The API reports progress 0.
func Failed(start, end time.Time, code, msg string) func(time.Time) Answer {
	return func(time.Time) Answer {
		return jsonAnswer(http.StatusOK, progressBody{StartTime: start.UnixMilli(), EndTime: ms(end), Progress: 0, Status: "failed", ErrorCode: &code, ErrorMsg: &msg})
	}
}

// progressSteps are the values the API enumerates for a creation under way.
var progressSteps = []int{30, 50, 80, 90}

// Creating is a gateway whose creation started at start and takes took;
// its progress climbs through the API's steps and it succeeds at the end.
// A zero took means it never finishes.
func Creating(start time.Time, took time.Duration) func(time.Time) Answer {
	return func(now time.Time) Answer {
		elapsed := now.Sub(start)
		if took > 0 && elapsed >= took {
			return Succeeded(start, start.Add(took))(now)
		}
		p := progressSteps[0]
		if took > 0 {
			i := int(float64(len(progressSteps)) * float64(elapsed) / float64(took))
			p = progressSteps[min(max(i, 0), len(progressSteps)-1)]
		}
		// The API fills end_time even while creating; mimic it.
		return jsonAnswer(http.StatusOK, progressBody{StartTime: start.UnixMilli(), EndTime: ms(start), Progress: p, Status: "creating"})
	}
}

// Stuck is a creation that stays at percent forever.
func Stuck(start time.Time, percent int) func(time.Time) Answer {
	return func(time.Time) Answer {
		return jsonAnswer(http.StatusOK, progressBody{StartTime: start.UnixMilli(), EndTime: ms(start), Progress: percent, Status: "creating"})
	}
}

// APIError answers with an error body in the progress API's shape.
func APIError(status int, code, msg string) func(time.Time) Answer {
	return func(time.Time) Answer {
		return jsonAnswer(status, map[string]string{"error_code": code, "error_msg": msg})
	}
}

// Raw answers with a fixed status and body.
func Raw(status int, contentType, body string) func(time.Time) Answer {
	return func(time.Time) Answer {
		return Answer{Status: status, Header: http.Header{"Content-Type": {contentType}}, Body: []byte(body)}
	}
}

// listStatus is the status the list API shows for a gateway, derived from
// its progress answer.
func listStatus(a Answer) string {
	var p progressBody
	if a.Status != http.StatusOK || json.Unmarshal(a.Body, &p) != nil {
		return "Running"
	}
	switch p.Status {
	case "creating":
		return "Creating"
	case "failed":
		return "CreateFail"
	}
	return "Running"
}
