package apig_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

// step is what a request should have been, in a short form:
// "PUT /meta-data/latest/api/token" and whether it carried a session token.
type step struct {
	call      string
	withToken bool
}

func metadataSteps(reqs []sentRequest) []step {
	var steps []step
	for _, r := range reqs {
		path := r.URL[strings.Index(r.URL[len("http://"):], "/")+len("http://"):]
		steps = append(steps, step{call: r.Method + " " + path, withToken: r.Header.Get("X-Metadata-Token") != ""})
	}
	return steps
}

var (
	putToken  = step{call: "PUT " + simcloud.MetadataTokenPath}
	getKeys   = step{call: "GET " + simcloud.MetadataSecurityKeyPath}
	getKeysTk = step{call: "GET " + simcloud.MetadataSecurityKeyPath, withToken: true}
)

func fetchMetadata(t *testing.T, e *keysEnv) (apig.TemporaryKeys, error) {
	t.Helper()
	return e.source.Fetch(context.Background())
}

func TestMetadataRequestsAreTheSDKs(t *testing.T) {
	e := newMetadataEnv(t, true)
	keys, err := fetchMetadata(t, e)
	if err != nil {
		t.Fatal(err)
	}
	reqs := e.rec.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2: %+v", len(reqs), reqs)
	}
	put, get := reqs[0], reqs[1]
	if put.Method != http.MethodPut || put.URL != e.fake.URL()+"/meta-data/latest/api/token" || put.Body != "" ||
		put.Header.Get("X-Metadata-Token-Ttl-Seconds") != "21600" {
		t.Errorf("token request %s %s ttl %q body %q", put.Method, put.URL, put.Header.Get("X-Metadata-Token-Ttl-Seconds"), put.Body)
	}
	if get.Method != http.MethodGet || get.URL != e.fake.URL()+"/openstack/latest/securitykey" || get.Body != "" {
		t.Errorf("key request %s %s body %q", get.Method, get.URL, get.Body)
	}
	if tok := get.Header.Get("X-Metadata-Token"); tok == "" || tok != e.md.LastSessionToken() {
		t.Errorf("key request carried session token %q", tok)
	}
	issued := e.issuer.Current()
	want := apig.TemporaryKeys{AccessKey: issued.AccessKey, SecretKey: issued.SecretKey, SecurityToken: issued.SecurityToken, ExpiresAt: issued.ExpiresAt}
	if keys != want {
		t.Errorf("keys %v, want %v", keys, want)
	}
	req, _ := e.obs.counts()
	if req["metadata/200"] != 2 {
		t.Errorf("observed %v, want 2 metadata/200", req)
	}
}

func TestMetadataCallTimeout(t *testing.T) {
	e := newMetadataEnv(t, true)
	if _, err := fetchMetadata(t, e); err != nil {
		t.Fatal(err)
	}
	for _, r := range e.rec.requests() {
		if r.Deadline <= 0 || r.Deadline > apig.MetadataCallTimeout {
			t.Errorf("%s %s sent with %s left, want a deadline of at most 3 s", r.Method, r.URL, r.Deadline)
		}
	}

	e.fake.Handle(simcloud.MetadataSecurityKeyPath, simcloud.Hang())
	src, err := apig.NewMetadata(apig.MetadataOptions{Endpoint: e.fake.URL(), CallTimeout: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Fetch(context.Background())
	if ae, ok := apig.AsError(err); !ok || ae.Operation != apig.OpMetadata || ae.Code != apig.CodeTimeout {
		t.Fatalf("error %v, want a metadata timeout", err)
	}
}

func TestMetadataWithoutTokenAPI(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusServiceUnavailable} {
		t.Run(fmt.Sprint("token API answers ", status), func(t *testing.T) {
			e := newMetadataEnv(t, false)
			e.fake.Handle(simcloud.MetadataTokenPath, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) })
			for _, at := range []time.Duration{0, 23 * time.Hour, 2 * time.Hour} { // the last is 25 h after the first
				e.clock.Advance(at)
				if _, err := fetchMetadata(t, e); err != nil {
					t.Fatal(err)
				}
			}
			got := metadataSteps(e.rec.requests())
			want := []step{putToken, getKeys, getKeys, putToken, getKeys}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("requests\n%v\nwant (the token API asked again only after 24 h)\n%v", got, want)
			}
		})
	}
}

func TestMetadataFetchPaths(t *testing.T) {
	for _, tc := range []struct {
		name       string
		setup      func(e *keysEnv)
		want       []step
		wantStatus int    // 0: success
		wantCode   string // with wantStatus
		wantText   string
	}{
		{name: "session token, then keys", want: []step{putToken, getKeysTk}},
		{name: "401 without the agency message: new session token, retried once",
			setup: func(e *keysEnv) { e.md.RefuseSessions(1) },
			want:  []step{putToken, getKeysTk, putToken, getKeysTk}},
		{name: "401 twice: not retried again",
			setup:      func(e *keysEnv) { e.md.RefuseSessions(2) },
			want:       []step{putToken, getKeysTk, putToken, getKeysTk},
			wantStatus: 401, wantCode: "http_401", wantText: "no agency, or is not an ECS"},
		{name: "401 agency not configured: not retried",
			setup:      func(e *keysEnv) { e.md.RemoveAgency() },
			want:       []step{putToken, getKeysTk},
			wantStatus: 401, wantCode: "http_401", wantText: "no agency is attached to this server"},
		{name: "token API fails with 500: no key request",
			setup: func(e *keysEnv) {
				e.fake.Handle(simcloud.MetadataTokenPath, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) })
			},
			want:       []step{putToken},
			wantStatus: 500, wantCode: "http_500", wantText: "session token refused"},
		{name: "token API answers 403",
			setup: func(e *keysEnv) {
				e.fake.Handle(simcloud.MetadataTokenPath, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(403) })
			},
			want:       []step{putToken},
			wantStatus: 403, wantCode: "http_403"},
		{name: "token API answers 200 with nothing",
			setup: func(e *keysEnv) {
				e.fake.Handle(simcloud.MetadataTokenPath, func(w http.ResponseWriter, _ *http.Request) {})
			},
			want:       []step{putToken},
			wantStatus: 200, wantCode: apig.CodeDecode},
		{name: "keys answer 404 (not an ECS server)",
			setup: func(e *keysEnv) {
				e.fake.Handle(simcloud.MetadataSecurityKeyPath, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
			},
			want:       []step{putToken, getKeysTk},
			wantStatus: 404, wantCode: "http_404"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newMetadataEnv(t, true)
			if tc.setup != nil {
				tc.setup(e)
			}
			keys, err := fetchMetadata(t, e)
			if got := metadataSteps(e.rec.requests()); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("requests\n%v\nwant\n%v", got, tc.want)
			}
			if tc.wantStatus == 0 {
				if err != nil || keys.SecretKey != e.issuer.Current().SecretKey {
					t.Fatalf("keys %v, error %v", keys, err)
				}
				return
			}
			ae, ok := apig.AsError(err)
			if !ok || ae.Operation != apig.OpMetadata || ae.HTTPStatus != tc.wantStatus || ae.Code != tc.wantCode {
				t.Fatalf("error %v, want metadata %d %s", err, tc.wantStatus, tc.wantCode)
			}
			if !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("error %q does not say %q", err, tc.wantText)
			}
		})
	}
}

func TestMetadataDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name, body, wantText string
	}{
		{"not JSON", `<html>502</html>`, "not JSON"},
		{"no credential object", `{"other":{}}`, "no credential object"},
		{"secret and token missing", `{"credential":{"access":"AK","expires_at":"2026-11-29T10:00:00.000000Z"}}`, "lacks credential.secret, credential.securitytoken"},
		{"access is a number", `{"credential":{"access":1,"secret":"s","securitytoken":"t","expires_at":"2026-11-29T10:00:00.000000Z"}}`, "is a JSON number, want string"},
		{"expires_at not a time", `{"credential":{"access":"AK","secret":"s","securitytoken":"t","expires_at":"tomorrow"}}`, "credential.expires_at is not a time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newMetadataEnv(t, true)
			e.fake.Handle(simcloud.MetadataSecurityKeyPath, func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, tc.body) })
			_, err := fetchMetadata(t, e)
			ae, ok := apig.AsError(err)
			if !ok || ae.Operation != apig.OpMetadata || ae.Code != apig.CodeDecode || ae.HTTPStatus != 200 {
				t.Fatalf("error %v, want a metadata decode error", err)
			}
			if !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("error %q does not say %q", err, tc.wantText)
			}
		})
	}
}

func TestMetadataExpiresAtLayout(t *testing.T) {
	e := newMetadataEnv(t, true)
	e.fake.Handle(simcloud.MetadataSecurityKeyPath, func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"credential":{"access":"AK","secret":"SK","securitytoken":"ST","expires_at":"2020-01-08T03:50:07.574000Z"}}`)
	})
	keys, err := fetchMetadata(t, e)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2020, 1, 8, 3, 50, 7, 574e6, time.UTC); !keys.ExpiresAt.Equal(want) {
		t.Errorf("expires %s, want %s", keys.ExpiresAt, want)
	}
}

func TestNewMetadataChecksEndpoint(t *testing.T) {
	if _, err := apig.NewMetadata(apig.MetadataOptions{Endpoint: "169.254.169.254"}); err == nil {
		t.Error("accepted an endpoint without scheme")
	}
}
