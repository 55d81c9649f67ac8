package statuspage

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fixedSource is a Snapshot func that counts its calls.
type fixedSource struct {
	snap  Snapshot
	err   error
	calls int
}

func (f *fixedSource) Snapshot(context.Context) (Snapshot, error) {
	f.calls++
	return f.snap, f.err
}

func newTestHandler(src *fixedSource) http.Handler {
	return New(Options{
		Version:     "1.2.3",
		MetricsPath: "/metrics",
		Snapshot:    src.Snapshot,
		Now:         func() time.Time { return testNow },
	})
}

func do(h http.Handler, method, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

func TestHandlerRoutes(t *testing.T) {
	for _, tc := range []struct {
		name         string
		method, path string
		wantStatus   int
		wantType     string
		wantCalls    int
	}{
		{"page", http.MethodGet, "/", http.StatusOK, "text/html; charset=utf-8", 1},
		{"page with a query", http.MethodGet, "/?x=1", http.StatusOK, "text/html; charset=utf-8", 1},
		{"page HEAD", http.MethodHead, "/", http.StatusOK, "text/html; charset=utf-8", 1},
		{"JSON", http.MethodGet, "/api/v1/status", http.StatusOK, "application/json; charset=utf-8", 1},
		{"JSON HEAD", http.MethodHead, "/api/v1/status", http.StatusOK, "application/json; charset=utf-8", 1},
		{"stylesheet takes no snapshot", http.MethodGet, "/static/status.css", http.StatusOK, "text/css; charset=utf-8", 0},
		{"POST page", http.MethodPost, "/", http.StatusMethodNotAllowed, "text/plain; charset=utf-8", 0},
		{"DELETE JSON", http.MethodDelete, "/api/v1/status", http.StatusMethodNotAllowed, "text/plain; charset=utf-8", 0},
		{"unknown path", http.MethodGet, "/nope", http.StatusNotFound, "text/plain; charset=utf-8", 0},
		{"JSON with a trailing slash", http.MethodGet, "/api/v1/status/", http.StatusNotFound, "text/plain; charset=utf-8", 0},
		{"static directory", http.MethodGet, "/static/", http.StatusNotFound, "text/plain; charset=utf-8", 0},
		{"embedded page source", http.MethodGet, "/static/status.html", http.StatusNotFound, "text/plain; charset=utf-8", 0},
		{"unknown path POST", http.MethodPost, "/nope", http.StatusNotFound, "text/plain; charset=utf-8", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &fixedSource{snap: Snapshot{Taken: testNow, Gateways: []Gateway{{ProjectID: "p", InstanceID: "g", Status: "creating"}}}}
			rec := do(newTestHandler(src), tc.method, tc.path)
			if rec.Code != tc.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tc.wantStatus)
			}
			if got := rec.Header().Get("Content-Type"); got != tc.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tc.wantType)
			}
			if src.calls != tc.wantCalls {
				t.Errorf("Snapshot called %d times, want %d", src.calls, tc.wantCalls)
			}
			if tc.wantStatus == http.StatusMethodNotAllowed {
				if got := rec.Header().Get("Allow"); got != "GET, HEAD" {
					t.Errorf("Allow = %q, want %q", got, "GET, HEAD")
				}
			}
		})
	}
}

func TestHandlerSecurityHeaders(t *testing.T) {
	h := newTestHandler(&fixedSource{})
	for _, path := range []string{"/", "/api/v1/status", "/static/status.css", "/nope"} {
		t.Run(path, func(t *testing.T) {
			rec := do(h, http.MethodGet, path)
			want := map[string]string{
				"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "no-referrer",
			}
			for k, v := range want {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestHandlerNoStore(t *testing.T) {
	h := newTestHandler(&fixedSource{})
	for _, path := range []string{"/", "/api/v1/status"} {
		if got := do(h, http.MethodGet, path).Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control = %q, want no-store", path, got)
		}
	}
}

func TestHandlerServesTheEmbeddedStylesheet(t *testing.T) {
	rec := do(newTestHandler(&fixedSource{}), http.MethodGet, "/static/status.css")
	if rec.Body.String() != string(stylesheet) || !strings.Contains(rec.Body.String(), "@media print") {
		t.Errorf("stylesheet body is not the embedded status.css (%d bytes)", rec.Body.Len())
	}
}

func TestHandlerSnapshotError(t *testing.T) {
	for _, tc := range []struct {
		name       string
		snap       Snapshot
		wantStatus int
		wantPage   []string
	}{
		{
			name:       "no answers: 503",
			wantStatus: http.StatusServiceUnavailable,
			wantPage:   []string{"Could not refresh the answers: iam down", "No answers yet"},
		},
		{
			name:       "older answers shown with the error",
			snap:       Snapshot{Taken: testNow.Add(-2 * time.Minute), Gateways: []Gateway{{InstanceID: "g1", Status: "creating"}}},
			wantStatus: http.StatusOK,
			wantPage:   []string{"Could not refresh the answers: iam down. Showing the previous ones.", `data-instance-id="g1"`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newTestHandler(&fixedSource{snap: tc.snap, err: errors.New("iam down")})
			page := do(h, http.MethodGet, "/")
			if page.Code != tc.wantStatus {
				t.Errorf("page status = %d, want %d", page.Code, tc.wantStatus)
			}
			for _, want := range tc.wantPage {
				if !strings.Contains(page.Body.String(), want) {
					t.Errorf("page lacks %q", want)
				}
			}
			doc := do(h, http.MethodGet, "/api/v1/status")
			if doc.Code != tc.wantStatus {
				t.Errorf("JSON status = %d, want %d", doc.Code, tc.wantStatus)
			}
			if !strings.Contains(doc.Body.String(), `"refresh_error": "iam down"`) {
				t.Errorf("JSON lacks the refresh error:\n%s", doc.Body)
			}
		})
	}
}

func TestNewWithoutSnapshotPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New without a Snapshot func did not panic")
		}
	}()
	New(Options{})
}
