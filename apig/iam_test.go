package apig_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

const (
	iamDomain   = "example-account"
	iamUser     = "exporter-bot"
	iamPassword = "Pa55word-never-printed"
)

// countingObserver is a concurrency-safe Observer that counts what it is told.
type countingObserver struct {
	mu       sync.Mutex
	requests map[string]int // operation/code
	errors   map[string]int
}

func newCountingObserver() *countingObserver {
	return &countingObserver{requests: map[string]int{}, errors: map[string]int{}}
}

func (r *countingObserver) ObserveRequest(op, code string, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests[op+"/"+code]++
}

func (r *countingObserver) ObserveError(op, code string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors[op+"/"+code]++
}

func (r *countingObserver) counts() (requests, errs map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return clone(r.requests), clone(r.errors)
}

func clone(m map[string]int) map[string]int {
	c := make(map[string]int, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// passwordEnv is a fake APIG with a fake IAM on the same server, a clock
// shared by both and by the client, and a client in password mode.
type passwordEnv struct {
	clock   *simcloud.Clock
	fake    *simcloud.Server
	iam     *simcloud.IAM
	obs     *countingObserver
	tokens  *apig.IAMPassword
	client  *apig.Client
	project apig.Project
}

func newPasswordEnv(t *testing.T, password apig.SecretSource) *passwordEnv {
	t.Helper()
	e := &passwordEnv{clock: simcloud.NewClock(testStart), obs: newCountingObserver()}
	e.fake = simcloud.New(testGateways(testStart))
	e.fake.Now = e.clock.Now
	e.iam = simcloud.NewIAM(e.fake, iamDomain, iamUser, iamPassword)
	e.fake.Authenticate = e.iam.Authenticate
	e.fake.Start()
	t.Cleanup(e.fake.Close)
	if password == nil {
		password = apig.StaticSecret(iamPassword)
	}
	var err error
	e.tokens, err = apig.NewIAMPassword(apig.IAMOptions{
		Endpoint: e.fake.URL(), DomainName: iamDomain, UserName: iamUser, Password: password,
		Observer: e.obs, Now: e.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.client, err = apig.NewClient(apig.Options{Auth: e.tokens, Observer: e.obs})
	if err != nil {
		t.Fatal(err)
	}
	e.project = apig.Project{ID: testProject, Endpoint: e.fake.URL()}
	return e
}

func (e *passwordEnv) progress(ctx context.Context) error {
	_, err := e.client.Progress(ctx, e.project, testGateway)
	return err
}

// concurrently runs n progress calls at once and returns their errors.
func (e *passwordEnv) concurrently(n int) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = e.progress(context.Background()) })
	}
	wg.Wait()
	return errs
}

func (e *passwordEnv) wantLogins(t *testing.T, want int64) {
	t.Helper()
	if got := e.iam.Logins(); got != want {
		t.Errorf("%d IAM logins, want %d", got, want)
	}
}

func TestIAMLoginAndReuse(t *testing.T) {
	e := newPasswordEnv(t, nil)
	for range 3 {
		if err := e.progress(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	e.wantLogins(t, 1)
	req, errs := e.obs.counts()
	if req["iam/201"] != 1 || len(errs) != 0 {
		t.Errorf("observed requests %v errors %v, want one iam/201 and no error", req, errs)
	}
}

func TestIAMOneLoginForConcurrentCalls(t *testing.T) {
	e := newPasswordEnv(t, nil)
	resume := e.iam.Pause()
	defer resume()
	done := make(chan []error)
	go func() { done <- e.concurrently(50) }()
	<-e.iam.Started() // the one login is waiting at IAM; the calls pile up behind it
	resume()
	for i, err := range <-done {
		if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
	e.wantLogins(t, 1)
	if got := e.fake.Calls(apig.OpProgress); got != 50 {
		t.Errorf("%d progress calls reached APIG, want 50", got)
	}
}

func TestIAMTokenPerProject(t *testing.T) {
	e := newPasswordEnv(t, nil)
	const other = "fedcba9876543210fedcba9876543210"
	e.fake.Put(simcloud.Gateway{ProjectID: other, ID: testGateway, Progress: simcloud.Creating(testStart, time.Minute)})
	for _, p := range []string{testProject, other, testProject, other} {
		if _, err := e.client.Progress(context.Background(), apig.Project{ID: p, Endpoint: e.fake.URL()}, testGateway); err != nil {
			t.Fatalf("project %s: %v", p, err)
		}
	}
	e.wantLogins(t, 2)
}

func TestIAMRenewsBeforeExpiry(t *testing.T) {
	for _, tc := range []struct {
		name          string
		iamFailsAt80  bool
		wantLoginsEnd int64
	}{
		{name: "renewed at 80% of its life", wantLoginsEnd: 2},
		{name: "old token kept while IAM fails the renewal", iamFailsAt80: true, wantLoginsEnd: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newPasswordEnv(t, nil)
			e.iam.Lifetime = time.Hour
			mustProgress(t, e)
			e.clock.Advance(47 * time.Minute) // 78%: keep the token
			mustProgress(t, e)
			e.wantLogins(t, 1)

			e.clock.Advance(2 * time.Minute) // 82%: renew
			if tc.iamFailsAt80 {
				e.iam.Fail(http.StatusInternalServerError)
			}
			mustProgress(t, e)
			e.wantLogins(t, 2)
			if tc.iamFailsAt80 {
				_, errs := e.obs.counts()
				if errs["iam/http_500"] != 1 {
					t.Errorf("observed errors %v, want one iam/http_500", errs)
				}
				mustProgress(t, e) // within the hold-off: no new login
				e.wantLogins(t, 2)
				return
			}
			// Past the first token's expiry the renewed one is in use:
			// the gateway would refuse the old one and force a third login.
			e.clock.Advance(15 * time.Minute)
			mustProgress(t, e)
			e.wantLogins(t, tc.wantLoginsEnd)
		})
	}
}

func mustProgress(t *testing.T, e *passwordEnv) {
	t.Helper()
	if err := e.progress(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestIAMRefreshAfterRefusal(t *testing.T) {
	for _, tc := range []struct {
		name   string
		refuse func(e *passwordEnv)
	}{
		{"token revoked (401 APIC.7102)", func(e *passwordEnv) { e.iam.RevokeAll() }},
		{"token expired at the gateway, not yet by our clock (401 APIC.7101)", func(e *passwordEnv) {
			// The gateway's clock runs 2 days ahead of ours from now on.
			skewed := simcloud.NewClock(e.clock.Now().Add(48 * time.Hour))
			e.fake.Now = skewed.Now
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newPasswordEnv(t, nil)
			mustProgress(t, e)
			tc.refuse(e)
			e.fake.ResetCalls()
			mustProgress(t, e)
			e.wantLogins(t, 2)
			if got := e.fake.Calls(apig.OpProgress); got != 2 {
				t.Errorf("%d progress requests, want 2 (refused, then retried with a new token)", got)
			}
		})
	}
}

// TestIAMRefusedDuringRenewal: a token refused while its renewal is under
// way must not be handed out again; the retry waits for the new one.
func TestIAMRefusedDuringRenewal(t *testing.T) {
	e := newPasswordEnv(t, nil)
	e.iam.Lifetime = time.Hour
	ctx := context.Background()
	old, err := e.tokens.Token(ctx, testProject)
	if err != nil {
		t.Fatal(err)
	}
	<-e.iam.Started() // the first login's
	e.clock.Advance(50 * time.Minute)
	resume := e.iam.Pause()
	defer resume()
	renewed := make(chan string)
	go func() { tok, _ := e.tokens.Token(ctx, testProject); renewed <- tok }()
	<-e.iam.Started() // the renewal is waiting at IAM

	if tok, err := e.tokens.Token(ctx, testProject); err != nil || tok != old {
		t.Fatalf("during the renewal got %.12q, %v; want the old token", tok, err)
	}
	refused, _ := http.NewRequest(http.MethodGet, "http://apig.example/", nil)
	refused.Header.Set("X-Auth-Token", old)
	if !e.tokens.RefreshRefused(testProject, refused) {
		t.Fatal("RefreshRefused = false while a renewal is under way")
	}
	gaveUp, cancel := context.WithCancel(ctx)
	cancel()
	if tok, _ := e.tokens.Token(gaveUp, testProject); tok == old {
		t.Fatal("the refused token was handed out again")
	}

	resume()
	fresh := <-renewed
	if fresh == "" || fresh == old {
		t.Fatalf("renewal gave %.12q", fresh)
	}
	if tok, err := e.tokens.Token(ctx, testProject); err != nil || tok != fresh {
		t.Fatalf("after the renewal got %.12q, %v; want the new token", tok, err)
	}
	e.wantLogins(t, 2)
}

// TestIAMRefusedTogetherRenewOnce: 50 calls refused with the same token
// must cause one new login, not 50.
func TestIAMRefusedTogetherRenewOnce(t *testing.T) {
	e := newPasswordEnv(t, nil)
	mustProgress(t, e)
	e.iam.RevokeAll()
	for i, err := range e.concurrently(50) {
		if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
	e.wantLogins(t, 2)
}

// TestIAMDownNoStorm: while IAM fails, each scrape of 50 calls costs one
// login, and all 50 calls fail with that login's error.
func TestIAMDownNoStorm(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusUnauthorized} {
		t.Run(fmt.Sprint("IAM answers ", status), func(t *testing.T) {
			e := newPasswordEnv(t, nil)
			e.iam.Fail(status)
			wantCode := fmt.Sprint("http_", status)
			for scrape := range 3 {
				for i, err := range e.concurrently(50) {
					ae, ok := apig.AsError(err)
					if !ok || ae.Operation != apig.OpIAM || ae.Code != wantCode || ae.HTTPStatus != status {
						t.Fatalf("scrape %d call %d: error %v, want iam %s", scrape, i, err, wantCode)
					}
				}
				e.clock.Advance(30 * time.Second) // the next scrape, past the hold-off
			}
			e.wantLogins(t, 3)
			if got := e.fake.Calls(apig.OpProgress); got != 0 {
				t.Errorf("%d calls reached APIG without a token", got)
			}
			req, errs := e.obs.counts()
			if req[fmt.Sprint("iam/", status)] != 3 || errs["iam/"+wantCode] != 3 || len(errs) != 1 {
				t.Errorf("observed requests %v errors %v, want 3 IAM requests and 3 iam/%s errors", req, errs, wantCode)
			}

			e.iam.Fail(0)
			mustProgress(t, e) // hold-off over: IAM is back
			e.wantLogins(t, 4)
		})
	}
}

func TestIAMLoginErrors(t *testing.T) {
	for _, tc := range []struct {
		name       string
		handler    http.HandlerFunc // nil: the fake IAM
		setup      func(iam *simcloud.IAM) (undo func())
		password   string
		timeout    time.Duration
		wantStatus int
		wantCode   string
	}{
		{name: "wrong password", password: "wrong-" + iamPassword, wantStatus: 401, wantCode: "http_401"},
		{name: "IAM internal error", setup: func(i *simcloud.IAM) func() { i.Fail(500); return func() {} }, wantStatus: 500, wantCode: "http_500"},
		{name: "IAM too slow", setup: func(i *simcloud.IAM) func() { return i.Pause() }, timeout: 50 * time.Millisecond, wantCode: apig.CodeTimeout},
		{name: "no X-Subject-Token", handler: func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{"token":{"expires_at":"2026-11-29T10:00:00.000000Z","issued_at":"2026-11-28T10:00:00.000000Z"}}`)
		}, wantStatus: 201, wantCode: apig.CodeDecode},
		{name: "unreadable expires_at", handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("X-Subject-Token", "tok")
			w.WriteHeader(http.StatusOK)
			fmt.Fprint(w, `{"token":{"expires_at":"tomorrow"}}`)
		}, wantStatus: 200, wantCode: apig.CodeDecode},
		{name: "IAM echoes the password in its message", handler: func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"error":{"code":400,"message":"bad password %s","title":"Bad Request"}}`, iamPassword)
		}, wantStatus: 400, wantCode: "http_400"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := simcloud.New(testGateways(testStart)).Start()
			defer fake.Close()
			iam := simcloud.NewIAM(fake, iamDomain, iamUser, iamPassword)
			if tc.handler != nil {
				fake.Handle(simcloud.IAMTokenPath, tc.handler)
			}
			if tc.setup != nil {
				defer tc.setup(iam)() // e.g. release a paused login so no goroutine outlives the test
			}
			password := tc.password
			if password == "" {
				password = iamPassword
			}
			obs := newCountingObserver()
			tokens, err := apig.NewIAMPassword(apig.IAMOptions{Endpoint: fake.URL(), DomainName: iamDomain, UserName: iamUser,
				Password: apig.StaticSecret(password), Observer: obs, LoginTimeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			_, err = tokens.Token(ctx, testProject)
			e, ok := apig.AsError(err)
			if !ok || e.Operation != apig.OpIAM || e.Code != tc.wantCode || e.HTTPStatus != tc.wantStatus {
				t.Fatalf("error %#v (%v), want iam %d %s", e, err, tc.wantStatus, tc.wantCode)
			}
			if strings.Contains(err.Error(), iamPassword) || strings.Contains(fmt.Sprintf("%+v", e), iamPassword) {
				t.Errorf("password in error text: %v", err)
			}
		})
	}
}

func TestIAMPasswordFileRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(path, []byte(iamPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pw, err := apig.NewFileSecret(path)
	if err != nil {
		t.Fatal(err)
	}
	pw.CheckInterval = 0
	e := newPasswordEnv(t, pw)
	mustProgress(t, e)

	// The password changes: IAM revokes the old tokens, the file is rewritten.
	e.iam.SetPassword("n3w-" + iamPassword)
	e.iam.RevokeAll()
	if err := os.WriteFile(path, []byte("n3w-"+iamPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustProgress(t, e)
	e.wantLogins(t, 2)
}

func TestNewIAMPasswordChecksOptions(t *testing.T) {
	for _, o := range []apig.IAMOptions{
		{DomainName: "d", UserName: "u", Password: apig.StaticSecret("p")},
		{Endpoint: "https://iam.example", UserName: "u", Password: apig.StaticSecret("p")},
		{Endpoint: "https://iam.example", DomainName: "d", UserName: "u"},
	} {
		if _, err := apig.NewIAMPassword(o); err == nil {
			t.Errorf("NewIAMPassword(%+v) accepted", o)
		}
	}
}
