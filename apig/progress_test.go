package apig_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

const (
	project  = "0123456789abcdef0123456789abcdef"
	instance = "eddc4d25480b4cd6b512f270a1b8b341"
)

// Bodies from the seed page, verbatim in their JSON.
const (
	seedSuccess  = `{"end_time":1597390224911,"error_code":null,"error_msg":null,"progress":100,"start_time":1597389901161,"status":"success"}`
	seedCreating = `{"end_time":1597390224911,"error_code":null,"error_msg":null,"progress":50,"start_time":1597389901161,"status":"creating"}`
	seedQuota    = `{"end_time":1597390224911,"error_code":"APIC.9218","error_msg":"create failed...","progress":0,"start_time":1597389901161,"status":"failed"}`
	seedRes      = `{"end_time":1597390224911,"error_code":"APIC.9219","error_msg":"create failed...","progress":0,"start_time":1597389901161,"status":"failed"}`
	seedOther    = `{"end_time":1597390224911,"error_code":"APIC.9206","error_msg":"create failed...","progress":0,"start_time":1597389901161,"status":"failed"}`
	seed401      = `{"error_code":"APIC.7102","error_msg":"Incorrect token or token resolution failed"}`
	seed403      = `{"error_code":"APIC.7106","error_msg":"No permissions to request for the method"}`
	seed404      = `{"error_code":"APIC.7302","error_msg":"Instance not found"}`
	seed500      = `{"error_code":"APIC.9000","error_msg":"Failed to request internal service"}`
)

// recorder is an apig.Observer that remembers what it saw.
type recorder struct {
	requests []string
	errors   []string
}

func (r *recorder) ObserveRequest(op, code string, _ time.Duration) {
	r.requests = append(r.requests, op+" "+code)
}
func (r *recorder) ObserveError(op, code string) { r.errors = append(r.errors, op+" "+code) }

func newClient(t *testing.T, fake *simcloud.Server, obs apig.Observer) *apig.Client {
	t.Helper()
	c, err := apig.NewClient(apig.Options{Auth: apig.StaticToken{Token: apig.StaticSecret("tok")}, Observer: obs, MaxBodyBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestProgressAnswers(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     int
		body       string
		want       apig.Progress
		wantStatus int
		wantCode   string
		wantMsg    string
	}{
		{name: "success", status: 200, body: seedSuccess, want: apig.Progress{Percent: 100, Status: "success", StartTimeMillis: 1597389901161, EndTimeMillis: 1597390224911}},
		{name: "creating", status: 200, body: seedCreating, want: apig.Progress{Percent: 50, Status: "creating", StartTimeMillis: 1597389901161, EndTimeMillis: 1597390224911}},
		{name: "failed quota", status: 200, body: seedQuota, want: apig.Progress{Percent: 0, Status: "failed", ErrorCode: "APIC.9218", ErrorMsg: "create failed...", StartTimeMillis: 1597389901161, EndTimeMillis: 1597390224911}},
		{name: "failed resources", status: 200, body: seedRes, want: apig.Progress{Status: "failed", ErrorCode: "APIC.9219", ErrorMsg: "create failed...", StartTimeMillis: 1597389901161, EndTimeMillis: 1597390224911}},
		{name: "failed other", status: 200, body: seedOther, want: apig.Progress{Status: "failed", ErrorCode: "APIC.9206", ErrorMsg: "create failed...", StartTimeMillis: 1597389901161, EndTimeMillis: 1597390224911}},
		{name: "unknown status passes through", status: 200, body: `{"progress":10,"status":"queued"}`, want: apig.Progress{Percent: 10, Status: "queued"}},
		{name: "401 bad token", status: 401, body: seed401, wantStatus: 401, wantCode: "APIC.7102", wantMsg: "Incorrect token or token resolution failed"},
		{name: "403 no permission", status: 403, body: seed403, wantStatus: 403, wantCode: "APIC.7106", wantMsg: "No permissions to request for the method"},
		{name: "404 instance not found", status: 404, body: seed404, wantStatus: 404, wantCode: "APIC.7302", wantMsg: "Instance not found"},
		{name: "500 internal", status: 500, body: seed500, wantStatus: 500, wantCode: "APIC.9000", wantMsg: "Failed to request internal service"},
		{name: "code/message shape", status: 400, body: `{"code":"APIG.2011","message":"bad parameter"}`, wantStatus: 400, wantCode: "APIG.2011", wantMsg: "bad parameter"},
		{name: "nested error shape", status: 401, body: `{"error":{"code":"APIGW.0301","message":"verify aksk signature fail"}}`, wantStatus: 401, wantCode: "APIGW.0301", wantMsg: "verify aksk signature fail"},
		{name: "IAM numeric code", status: 401, body: `{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}`, wantStatus: 401, wantCode: "http_401"},
		{name: "HTML 502 page", status: 502, body: "<html><body>Bad Gateway</body></html>", wantStatus: 502, wantCode: "http_502"},
		{name: "hostile code is not a label", status: 500, body: `{"error_code":"` + strings.Repeat("x", 100) + `"}`, wantStatus: 500, wantCode: "http_500"},
		{name: "truncated JSON", status: 200, body: `{"progress":50,"stat`, wantStatus: 200, wantCode: "decode"},
		{name: "wrong types", status: 200, body: `{"progress":"fifty","status":"creating"}`, wantStatus: 200, wantCode: "decode"},
		{name: "empty 200 body", status: 200, body: "", wantStatus: 200, wantCode: "decode"},
		{name: "progress above 100", status: 200, body: `{"progress":150,"status":"creating"}`, wantStatus: 200, wantCode: "decode"},
		{name: "negative progress", status: 200, body: `{"progress":-1,"status":"creating"}`, wantStatus: 200, wantCode: "decode"},
		{name: "no status", status: 200, body: `{"progress":30}`, wantStatus: 200, wantCode: "decode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := simcloud.New(simcloud.Gateway{ProjectID: project, ID: instance, Progress: simcloud.Raw(tc.status, "application/json", tc.body)}).Start()
			defer fake.Close()
			rec := &recorder{}
			got, err := newClient(t, fake, rec).Progress(context.Background(), apig.Project{ID: project, Endpoint: fake.URL()}, instance)
			if tc.wantCode == "" {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if *got != tc.want {
					t.Errorf("got %+v\nwant %+v", *got, tc.want)
				}
				if len(rec.errors) != 0 {
					t.Errorf("errors observed: %v", rec.errors)
				}
				return
			}
			e, ok := apig.AsError(err)
			if !ok {
				t.Fatalf("error %v (%T), want *apig.Error", err, err)
			}
			if e.HTTPStatus != tc.wantStatus || e.Code != tc.wantCode || e.Operation != apig.OpProgress {
				t.Errorf("got op %s status %d code %s, want progress %d %s", e.Operation, e.HTTPStatus, e.Code, tc.wantStatus, tc.wantCode)
			}
			if tc.wantMsg != "" && e.Message != tc.wantMsg {
				t.Errorf("message %q, want %q", e.Message, tc.wantMsg)
			}
			if want := []string{"progress " + tc.wantCode}; strings.Join(rec.errors, ",") != strings.Join(want, ",") {
				t.Errorf("observed errors %v, want %v", rec.errors, want)
			}
		})
	}
}

func TestHugeBodyIsRefused(t *testing.T) {
	huge := `{"progress":50,"status":"creating","error_msg":"` + strings.Repeat("a", 2<<20) + `"}`
	fake := simcloud.New(simcloud.Gateway{ProjectID: project, ID: instance, Progress: simcloud.Raw(200, "application/json", huge)}).Start()
	defer fake.Close()
	_, err := newClient(t, fake, nil).Progress(context.Background(), apig.Project{ID: project, Endpoint: fake.URL()}, instance)
	e, ok := apig.AsError(err)
	if !ok || e.Code != apig.CodeDecode || !strings.Contains(e.Error(), "more than 1048576 bytes") {
		t.Fatalf("got %v, want a decode error naming the limit", err)
	}
}

func TestSlowAnswerTimesOut(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	fake := simcloud.New(simcloud.Gateway{ProjectID: project, ID: instance, Handler: func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}}).Start()
	defer fake.Close()
	c, err := apig.NewClient(apig.Options{Auth: apig.StaticToken{Token: apig.StaticSecret("tok")}, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Progress(context.Background(), apig.Project{ID: project, Endpoint: fake.URL()}, instance)
	if e, ok := apig.AsError(err); !ok || e.Code != apig.CodeTimeout || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want timeout", err)
	}
}

func TestConnectionRefused(t *testing.T) {
	fake := simcloud.New().Start()
	url := fake.URL()
	fake.Close()
	_, err := newClient(t, fake, nil).Progress(context.Background(), apig.Project{ID: project, Endpoint: url}, instance)
	if e, ok := apig.AsError(err); !ok || e.Code != apig.CodeConnection || e.Reached() {
		t.Fatalf("got %v, want connection error", err)
	}
}

func TestTokenSentAndRetriedAfterRotation(t *testing.T) {
	current := "old"
	fake := simcloud.New(simcloud.Gateway{ProjectID: project, ID: instance, Progress: simcloud.Raw(200, "application/json", seedSuccess)})
	fake.Authenticate = simcloud.TokenAuth(func() string { return current })
	fake.Start()
	defer fake.Close()

	rot := &rotatingSecret{value: "old"}
	c, err := apig.NewClient(apig.Options{Auth: apig.StaticToken{Token: rot}})
	if err != nil {
		t.Fatal(err)
	}
	p := apig.Project{ID: project, Endpoint: fake.URL()}
	if _, err := c.Progress(context.Background(), p, instance); err != nil {
		t.Fatalf("first call: %v", err)
	}
	// The server now wants a new token, and the source has it: one 401,
	// then a retry with the new token succeeds.
	current, rot.next = "new", "new"
	fake.ResetCalls()
	if _, err := c.Progress(context.Background(), p, instance); err != nil {
		t.Fatalf("after rotation: %v", err)
	}
	if n := fake.Calls(apig.OpProgress); n != 2 {
		t.Errorf("%d calls, want 2 (401 then retry)", n)
	}
	// A refused token that did not change is not retried.
	current = "newer"
	fake.ResetCalls()
	_, err = c.Progress(context.Background(), p, instance)
	if e, ok := apig.AsError(err); !ok || !e.Unauthorized() || e.Code != "APIC.7102" {
		t.Fatalf("got %v, want 401 APIC.7102", err)
	}
	if n := fake.Calls(apig.OpProgress); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
}

// rotatingSecret serves value until Changed is asked, like a FileSecret
// between its checks; a pending next value then takes over.
type rotatingSecret struct {
	value, next string
}

func (r *rotatingSecret) Secret() (string, error) { return r.value, nil }
func (r *rotatingSecret) Changed() bool {
	if r.next == "" {
		return false
	}
	r.value, r.next = r.next, ""
	return true
}

func TestNoRedirectsFollowed(t *testing.T) {
	other := simcloud.New(simcloud.Gateway{ProjectID: project, ID: instance, Progress: simcloud.Raw(200, "application/json", seedSuccess)}).Start()
	defer other.Close()
	fake := simcloud.New(simcloud.Gateway{ProjectID: project, ID: instance, Handler: func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL()+r.URL.Path, http.StatusFound)
	}}).Start()
	defer fake.Close()
	_, err := newClient(t, fake, nil).Progress(context.Background(), apig.Project{ID: project, Endpoint: fake.URL()}, instance)
	if e, ok := apig.AsError(err); !ok || e.Code != "http_302" {
		t.Fatalf("got %v, want http_302", err)
	}
	if n := other.Calls(apig.OpProgress); n != 0 {
		t.Errorf("redirect target got %d calls, want 0", n)
	}
}
