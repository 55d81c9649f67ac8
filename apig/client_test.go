package apig_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

const (
	clientProject = "0123456789abcdef0123456789abcdef"
	clientGateway = "eddc4d25480b4cd6b512f270a1b8b341"
)

// requestCounter is an apig.Observer that counts attempts by HTTP status.
type requestCounter struct {
	mu     sync.Mutex
	byCode map[string]int
	errors map[string]int
}

func newRequestCounter() *requestCounter {
	return &requestCounter{byCode: map[string]int{}, errors: map[string]int{}}
}

func (r *requestCounter) ObserveRequest(_, code string, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byCode[code]++
}

func (r *requestCounter) ObserveError(_, code string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors[code]++
}

// TestRedirectToAnotherHostIsNotFollowed pins that a 302 from APIG is an
// error and that the host it points to never sees the request, let alone
// the token.
func TestRedirectToAnotherHostIsNotFollowed(t *testing.T) {
	var elsewhere atomic.Int64
	var leakedToken atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		leakedToken.Store(r.Header.Get("X-Auth-Token"))
	}))
	defer other.Close()
	fake := simcloud.New(simcloud.Gateway{ProjectID: clientProject, ID: clientGateway, Handler: func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	}}).Start()
	defer fake.Close()

	client, err := apig.NewClient(apig.Options{Auth: apig.StaticToken{Token: apig.StaticSecret("secret-token")}})
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseIdleConnections()
	_, err = client.Progress(context.Background(), apig.Project{ID: clientProject, Endpoint: fake.URL()}, clientGateway)
	e, ok := apig.AsError(err)
	if !ok || e.Code != "http_302" {
		t.Fatalf("err = %v, want an http_302 error", err)
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the other host got %d requests (token %q)", n, leakedToken.Load())
	}
}

// TestTokenExpiresMidRun pins what a 401 does to a token from a file:
// when the file was rotated the call is retried once with the new token
// and succeeds; when it was not, the 401 is the answer (no retry loop).
func TestTokenExpiresMidRun(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rotate   bool
		wantCode string // "" for success
		want401s int
	}{
		{name: "token file rotated", rotate: true, want401s: 1},
		{name: "token file not rotated", rotate: false, wantCode: "APIC.7102", want401s: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var current atomic.Value
			current.Store("token-one")
			fake := simcloud.New(simcloud.Gateway{ProjectID: clientProject, ID: clientGateway,
				Progress: simcloud.Stuck(time.Now().Add(-time.Minute), 30)})
			fake.Authenticate = simcloud.TokenAuth(func() string { return current.Load().(string) })
			fake.Start()
			defer fake.Close()

			file := filepath.Join(t.TempDir(), "token")
			writeFile(t, file, "token-one\n")
			secret, err := apig.NewFileSecret(file)
			if err != nil {
				t.Fatal(err)
			}
			obs := newRequestCounter()
			client, err := apig.NewClient(apig.Options{Auth: apig.StaticToken{Token: secret}, Observer: obs})
			if err != nil {
				t.Fatal(err)
			}
			defer client.CloseIdleConnections()
			p := apig.Project{ID: clientProject, Endpoint: fake.URL()}
			if _, err := client.Progress(context.Background(), p, clientGateway); err != nil {
				t.Fatalf("before expiry: %v", err)
			}

			current.Store("token-two, longer") // the old token has expired
			if tc.rotate {
				writeFile(t, file, "token-two, longer\n")
			}
			_, err = client.Progress(context.Background(), p, clientGateway)
			switch e, _ := apig.AsError(err); {
			case tc.wantCode == "" && err != nil:
				t.Errorf("after expiry: %v", err)
			case tc.wantCode != "" && (e == nil || e.Code != tc.wantCode):
				t.Errorf("after expiry: err = %v, want code %s", err, tc.wantCode)
			}
			if got := obs.byCode["401"]; got != tc.want401s {
				t.Errorf("%d answers 401, want %d", got, tc.want401s)
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
