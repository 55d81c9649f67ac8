package apig_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

const (
	testIdpID   = "cce-workload-idp"
	testIDToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJl"
)

// sentRequest is a request as the client put it on the wire.
type sentRequest struct {
	Method string
	URL    string
	Header http.Header
	Body   string
	// Deadline is the time the request had left when sent; 0 for none.
	Deadline time.Duration
}

// wireRecorder is an HTTP transport that notes every request, then sends it
// to the loopback fake (whatever host the request named, so that real
// cloud host names can be checked without leaving the machine).
type wireRecorder struct {
	to string // host:port of the fake

	mu   sync.Mutex
	sent []sentRequest
}

func (r *wireRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		body = b
	}
	var left time.Duration
	if dl, ok := req.Context().Deadline(); ok {
		left = time.Until(dl)
	}
	r.mu.Lock()
	r.sent = append(r.sent, sentRequest{Method: req.Method, URL: req.URL.String(), Header: req.Header.Clone(), Body: string(body), Deadline: left})
	r.mu.Unlock()
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host, out.Host = "http", r.to, ""
	out.Body = io.NopCloser(bytes.NewReader(body))
	return http.DefaultTransport.RoundTrip(out)
}

func (r *wireRecorder) requests() []sentRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sentRequest(nil), r.sent...)
}

func (r *wireRecorder) client() *http.Client { return &http.Client{Transport: r} }

// gatedSource holds each fetch until the test opens the gate, so that
// concurrent calls provably pile up behind one fetch.
type gatedSource struct {
	apig.KeySource
	started chan struct{}
	gate    chan struct{}
}

func (g gatedSource) Fetch(ctx context.Context) (apig.TemporaryKeys, error) {
	g.started <- struct{}{}
	<-g.gate
	return g.KeySource.Fetch(ctx)
}

// keysEnv is a fake cloud (APIG, metadata service, IAM on one loopback
// server) on a fake clock, and a client signing with temporary keys.
type keysEnv struct {
	clock   *simcloud.Clock
	fake    *simcloud.Server
	issuer  *simcloud.KeyIssuer
	md      *simcloud.Metadata
	oidc    *simcloud.OIDC
	rec     *wireRecorder
	obs     *countingObserver
	source  apig.KeySource
	keys    *apig.TemporaryAKSK
	client  *apig.Client
	project apig.Project
}

func newFakeCloud(t *testing.T) *keysEnv {
	t.Helper()
	e := &keysEnv{clock: simcloud.NewClock(testStart), obs: newCountingObserver()}
	e.fake = simcloud.New(testGateways(testStart))
	e.fake.Now = e.clock.Now
	e.issuer = simcloud.NewKeyIssuer(e.fake)
	e.fake.Authenticate = e.issuer.Authenticate
	e.fake.Start()
	t.Cleanup(e.fake.Close)
	e.rec = &wireRecorder{to: e.fake.HTTPTest().Listener.Addr().String()}
	e.project = apig.Project{ID: testProject, Endpoint: e.fake.URL()}
	return e
}

// newMetadataEnv has the keys come from the metadata service.
func newMetadataEnv(t *testing.T, tokenAPI bool) *keysEnv {
	t.Helper()
	e := newFakeCloud(t)
	e.md = simcloud.NewMetadata(e.fake, e.issuer, tokenAPI)
	src, err := apig.NewMetadata(apig.MetadataOptions{Endpoint: e.fake.URL(), HTTPClient: e.rec.client(), Observer: e.obs, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	e.source = src
	return e
}

// newOIDCEnv has the keys come from IAM's OIDC exchange; it returns the
// id token file too.
func newOIDCEnv(t *testing.T) (*keysEnv, string) {
	t.Helper()
	e := newFakeCloud(t)
	e.oidc = simcloud.NewOIDC(e.fake, e.issuer, testIdpID, testIDToken)
	file := tempFile(t, testIDToken+"\n")
	src, err := apig.NewOIDC(apig.OIDCOptions{IAMEndpoint: e.fake.URL(), IdpID: testIdpID, IDTokenFile: file, HTTPClient: e.rec.client(), Observer: e.obs})
	if err != nil {
		t.Fatal(err)
	}
	e.source = src
	return e, file
}

// start builds the authorizer and the client over e.source.
func (e *keysEnv) start(t *testing.T) *keysEnv {
	t.Helper()
	var err error
	e.keys, err = apig.NewTemporaryAKSK(apig.TemporaryKeysOptions{Source: e.source, Observer: e.obs, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	e.client, err = apig.NewClient(apig.Options{Auth: e.keys, Observer: e.obs, HTTPClient: e.rec.client()})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *keysEnv) progress() error {
	_, err := e.client.Progress(context.Background(), e.project, testGateway)
	return err
}

func (e *keysEnv) mustProgress(t *testing.T) {
	t.Helper()
	if err := e.progress(); err != nil {
		t.Fatalf("progress: %v (fake APIG: %v)", err, e.issuer.Auth.LastRejection())
	}
}

func (e *keysEnv) wantIssued(t *testing.T, want int) {
	t.Helper()
	if got := e.issuer.Issued(); got != want {
		t.Errorf("%d key sets issued, want %d", got, want)
	}
}

// tempFile writes content to a new file and returns its path.
func tempFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "file")
	writeFile(t, path, content)
	return path
}

// sources runs a test once per key source, with the token API on.
func sources(t *testing.T, test func(t *testing.T, e *keysEnv)) {
	t.Run("metadata", func(t *testing.T) { test(t, newMetadataEnv(t, true)) })
	t.Run("oidc", func(t *testing.T) { e, _ := newOIDCEnv(t); test(t, e) })
}

func TestTemporaryKeysSignProgressCalls(t *testing.T) {
	sources(t, func(t *testing.T, e *keysEnv) {
		e.start(t)
		for range 3 {
			e.mustProgress(t)
		}
		e.wantIssued(t, 1)
		var progress []sentRequest
		for _, r := range e.rec.requests() {
			if r.Header.Get("Authorization") != "" {
				progress = append(progress, r)
			}
		}
		keys := e.issuer.Current()
		for _, r := range progress {
			if r.Header.Get("X-Security-Token") != keys.SecurityToken {
				t.Errorf("progress call without the security token: %v", r.Header)
			}
			if r.Header.Get("X-Project-Id") != testProject {
				t.Errorf("X-Project-Id %q, want %q", r.Header.Get("X-Project-Id"), testProject)
			}
		}
		if len(progress) != 3 {
			t.Errorf("%d signed requests, want 3", len(progress))
		}
		if got := e.keys.Expiry(); !got.Equal(keys.ExpiresAt) {
			t.Errorf("Expiry() = %s, want %s", got, keys.ExpiresAt)
		}
	})
}

func TestTemporaryKeysRefreshFortyMinutesBeforeExpiry(t *testing.T) {
	sources(t, func(t *testing.T, e *keysEnv) {
		if e.md != nil {
			e.md.Lifetime = 2 * time.Hour
		} // OIDC keys live the 21600 s asked for
		e.start(t)
		e.mustProgress(t)
		life := e.issuer.Current().ExpiresAt.Sub(e.clock.Now())

		e.clock.Advance(life - 41*time.Minute) // 41 minutes left: keep them
		e.mustProgress(t)
		e.wantIssued(t, 1)

		e.clock.Advance(2 * time.Minute) // 39 minutes left: replace them
		e.mustProgress(t)                // the fake now takes only the new keys
		e.wantIssued(t, 2)
		if got, want := e.keys.Expiry(), e.clock.Now().Add(life); !got.Equal(want.Truncate(time.Millisecond)) {
			t.Errorf("Expiry() = %s, want %s", got, want)
		}
	})
}

func TestTemporaryKeysOneFetchForConcurrentCalls(t *testing.T) {
	sources(t, func(t *testing.T, e *keysEnv) {
		gated := gatedSource{KeySource: e.source, started: make(chan struct{}, 100), gate: make(chan struct{})}
		e.source = gated
		e.start(t)
		errs := make(chan error, 50)
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() { errs <- e.progress() })
		}
		<-gated.started // the one fetch is under way; the calls pile up behind it
		close(gated.gate)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		if n := len(gated.started); n != 0 {
			t.Errorf("%d more fetches started, want none", n)
		}
		e.wantIssued(t, 1)
		if got := e.fake.Calls(apig.OpProgress); got != 50 {
			t.Errorf("%d progress calls reached APIG, want 50", got)
		}
	})
}

// TestTemporaryKeysSourceDownThenBack: while the source fails, old keys
// serve as long as they are valid, one fetch is tried per hold-off, and
// once the old keys expired calls fail with the source's error without
// reaching APIG; when it is back, new keys are used.
func TestTemporaryKeysSourceDownThenBack(t *testing.T) {
	sources(t, func(t *testing.T, e *keysEnv) {
		fail, fetchPath, op := func(s int) { e.oidc.Fail(s) }, simcloud.OIDCTokenPath, apig.OpIAM
		if e.md != nil {
			e.md.Lifetime = 2 * time.Hour
			fail, fetchPath, op = e.md.Fail, simcloud.MetadataTokenPath, apig.OpMetadata
		}
		e.start(t)
		e.mustProgress(t)
		expires := e.issuer.Current().ExpiresAt

		e.clock.Advance(expires.Sub(e.clock.Now()) - 30*time.Minute) // time to refresh
		fail(http.StatusInternalServerError)
		e.fake.ResetCalls()
		for range 3 { // one scrape of 50 calls, three times within the hold-off
			for i, err := range concurrently(e, 50) {
				if err != nil {
					t.Fatalf("call %d with the old keys: %v", i, err)
				}
			}
			e.clock.Advance(time.Second)
		}
		if got := e.fake.Calls(fetchPath); got != 1 {
			t.Errorf("%d fetches within one hold-off, want 1", got)
		}
		e.wantIssued(t, 1)

		e.clock.Advance(31 * time.Minute) // the old keys have expired
		e.fake.ResetCalls()
		for i, err := range concurrently(e, 50) {
			ae, ok := apig.AsError(err)
			if !ok || ae.Operation != op || ae.HTTPStatus != http.StatusInternalServerError {
				t.Fatalf("call %d: %v, want the %s error", i, err, op)
			}
		}
		if got := e.fake.Calls(apig.OpProgress); got != 0 {
			t.Errorf("%d calls reached APIG with expired keys", got)
		}
		if got := e.fake.Calls(fetchPath); got != 1 {
			t.Errorf("%d fetches for 50 calls, want 1", got)
		}
		if _, errs := e.obs.counts(); errs[op+"/http_500"] != 2 {
			t.Errorf("observed errors %v, want 2 %s/http_500 (one per failed fetch)", errs, op)
		}

		fail(0)
		e.clock.Advance(apig.DefaultLoginHoldOff)
		e.mustProgress(t)
		e.wantIssued(t, 2)
	})
}

func concurrently(e *keysEnv, n int) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = e.progress() })
	}
	wg.Wait()
	return errs
}

// TestTemporaryKeysRefusedByAPIG: keys APIG refuses (401) are fetched
// again at once, and the call is retried with the new ones.
func TestTemporaryKeysRefusedByAPIG(t *testing.T) {
	sources(t, func(t *testing.T, e *keysEnv) {
		e.start(t)
		e.mustProgress(t)
		e.issuer.Issue(time.Hour) // rotated behind our back: ours are refused
		e.fake.ResetCalls()
		e.mustProgress(t)
		e.wantIssued(t, 3)
		if got := e.fake.Calls(apig.OpProgress); got != 2 {
			t.Errorf("%d progress requests, want 2 (refused, then retried with new keys)", got)
		}
	})
}

func TestTemporaryKeysExpiredOnArrival(t *testing.T) {
	e := newMetadataEnv(t, true)
	e.md.Lifetime = -time.Minute
	e.start(t)
	err := e.progress()
	ae, ok := apig.AsError(err)
	if !ok || ae.Operation != apig.OpMetadata || ae.Code != apig.CodeDecode {
		t.Fatalf("error %v, want a metadata decode error", err)
	}
	if got := e.fake.Calls(apig.OpProgress); got != 0 {
		t.Errorf("%d calls reached APIG with expired keys", got)
	}
	if !e.keys.Expiry().IsZero() {
		t.Errorf("Expiry() = %s with no keys, want zero", e.keys.Expiry())
	}
}

// TestTemporaryKeysShortLived: keys issued with less than 40 minutes to
// live are not fetched again by every call, only after the hold-off.
func TestTemporaryKeysShortLived(t *testing.T) {
	e := newMetadataEnv(t, true)
	e.md.Lifetime = 20 * time.Minute
	e.start(t)
	for range 5 {
		e.mustProgress(t)
		e.clock.Advance(time.Second)
	}
	e.wantIssued(t, 1)
	e.clock.Advance(apig.DefaultLoginHoldOff)
	e.mustProgress(t)
	e.wantIssued(t, 2)
}

func TestNewTemporaryAKSKNeedsSource(t *testing.T) {
	if _, err := apig.NewTemporaryAKSK(apig.TemporaryKeysOptions{}); err == nil {
		t.Error("accepted no source")
	}
}
