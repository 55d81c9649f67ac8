package apig_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

// answerTransport answers every request in memory with one fixed answer,
// so fuzzing needs no sockets.
type answerTransport struct {
	status int
	header http.Header
	body   []byte
}

func (a answerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: a.status, Header: a.header.Clone(), Body: io.NopCloser(bytes.NewReader(a.body)), Request: r}, nil
}

// FuzzListAnswer checks that any list answer yields only gateways whose
// IDs are safe in a URL path, each once, or an error; never a panic.
func FuzzListAnswer(f *testing.F) {
	f.Add([]byte(`{"size":1,"total":1,"instances":[{"id":"eddc4d25480b4cd6b512f270a1b8b341","project_id":"p","instance_name":"gw","status":"Creating"}]}`))
	f.Add([]byte(`{"size":2,"total":9,"instances":[{"id":"../x"},{"id":"a"},{"id":"a"}]}`))
	f.Add([]byte(`{"size":-1,"total":-5,"instances":null}`))
	f.Add([]byte(`{"instances":{"id":"a"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		hc := &http.Client{Transport: answerTransport{status: 200, header: http.Header{"Content-Type": {"application/json"}}, body: body}}
		client, err := apig.NewClient(apig.Options{HTTPClient: hc, Auth: apig.StaticToken{Token: apig.StaticSecret("fuzz-token")}, Backoff: apig.Backoff{Retries: -1}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		list, err := client.ListInstances(ctx, apig.Project{ID: "p", Endpoint: "https://apig.fuzz.invalid"}, apig.ListOptions{PageSize: 2})
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, in := range list {
			if in.ID == "" || len(in.ID) > 64 || strings.ContainsAny(in.ID, "/.%?#") || seen[in.ID] {
				t.Fatalf("gateway ID %q accepted (seen before: %v)", in.ID, seen[in.ID])
			}
			seen[in.ID] = true
		}
	})
}

// FuzzIAMAnswer checks that any IAM token answer gives a token with a
// positive lifetime or an error, and that no error repeats the password.
func FuzzIAMAnswer(f *testing.F) {
	const password = "fuzz-Passw0rd-never-shown"
	f.Add(201, "MIIE-token", []byte(`{"token":{"expires_at":"2026-11-29T12:00:00.000000Z","issued_at":"2026-11-28T12:00:00.000000Z"}}`))
	f.Add(201, "", []byte(`{"token":{}}`))
	f.Add(401, "", []byte(`{"error":{"code":401,"message":"The username or password is wrong: `+password+`","title":"Unauthorized"}}`))
	f.Add(201, "t", []byte(`{"token":{"expires_at":"2026-11-28T12:00:00Z","issued_at":"2026-11-29T12:00:00Z"}}`))
	f.Fuzz(func(t *testing.T, status int, subjectToken string, body []byte) {
		if status < 100 || status > 999 || strings.ContainsAny(subjectToken, "\r\n") {
			return
		}
		h := http.Header{"Content-Type": {"application/json"}}
		if subjectToken != "" {
			h.Set("X-Subject-Token", subjectToken)
		}
		iam, err := apig.NewIAMPassword(apig.IAMOptions{
			Endpoint:   "https://iam.fuzz.invalid",
			DomainName: "account", UserName: "user", Password: apig.StaticSecret(password),
			HTTPClient: &http.Client{Transport: answerTransport{status: status, header: h, body: body}},
			Now:        func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) },
		})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := iam.Token(context.Background(), "p")
		switch {
		case err != nil && strings.Contains(err.Error(), password):
			t.Fatalf("error repeats the password: %v", err)
		case err == nil && tok == "":
			t.Fatal("empty token without an error")
		}
	})
}

// FuzzSignerCanonicalisation signs requests with fuzzed paths, queries,
// header values and bodies, sends them through the HTTP wire format, and
// checks that the fake APIG's independent verifier accepts them: what the
// signer canonicalises must be what a server reads.
func FuzzSignerCanonicalisation(f *testing.F) {
	f.Add("eddc4d25480b4cd6b512f270a1b8b341", "limit=500&offset=0", "value", []byte(""))
	f.Add("a b/c", "k=v w&k=a&z=", "  spaced  value ", []byte(`{"x":1}`))
	f.Add("%2F~é", "a=%2B+b", "ü", []byte("\x00"))
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	verifier := simcloud.NewAKSKAuth("FUZZAK", "fuzz-secret-key")
	verifier.Now = func() time.Time { return now }
	f.Fuzz(func(t *testing.T, segment, rawQuery, headerValue string, body []byte) {
		if _, err := url.ParseQuery(rawQuery); err != nil || !validHeaderValue(headerValue) || strings.ContainsAny(rawQuery, " #\x00\r\n\t") {
			return
		}
		u := &url.URL{Scheme: "http", Host: "apig.fuzz.invalid", Path: "/v2/p1/apigw/instances/" + segment, RawQuery: rawQuery}
		req, err := http.NewRequest(http.MethodPost, u.String(), bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Fuzz", headerValue)
		signer := &apig.AKSK{AccessKey: apig.StaticSecret("FUZZAK"), SecretKey: apig.StaticSecret("fuzz-secret-key"), Now: func() time.Time { return now }}
		if err := signer.Authorize(context.Background(), req, "p1", body); err != nil {
			t.Fatalf("sign: %v", err)
		}
		var wire bytes.Buffer
		if err := req.Write(&wire); err != nil {
			return // not sendable at all
		}
		got, err := http.ReadRequest(bufio.NewReader(&wire))
		if err != nil {
			t.Fatalf("request written but not readable: %v", err)
		}
		if err := verifier.Verify(got, "p1"); err != nil {
			t.Fatalf("verifier refuses (path %q query %q header %q): %v", segment, rawQuery, headerValue, err)
		}
	})
}

// validHeaderValue is what net/http will send as a header value.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
