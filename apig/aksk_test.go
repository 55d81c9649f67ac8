package apig_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

const (
	testProject = "0123456789abcdef0123456789abcdef"
	testGateway = "eddc4d25480b4cd6b512f270a1b8b341"
	testAK      = "HPUAEXAMPLEAK0000001"
	testSK      = "exampleSecretKey0123456789abcdefEXAMPLE0"
)

var testStart = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

func testGateways(now time.Time) simcloud.Gateway {
	return simcloud.Gateway{ProjectID: testProject, ID: testGateway, Name: "prod", Progress: simcloud.Creating(now, 10*time.Minute)}
}

// tamper changes a request after it was signed, as a proxy might.
type tamper struct {
	change func(*http.Request)
	next   http.RoundTripper
}

func (t tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	t.change(r)
	return t.next.RoundTrip(r)
}

func TestAKSKAgainstFake(t *testing.T) {
	for _, tc := range []struct {
		name        string
		clientSkew  time.Duration // client clock minus gateway clock
		tokenWanted string        // security token the gateway requires
		tokenSent   string        // security token the client has
		change      func(*http.Request)
		wantCode    string // "" for success
	}{
		{name: "permanent keys accepted"},
		{name: "temporary keys with security token accepted", tokenWanted: "sts-token-1", tokenSent: "sts-token-1"},
		{name: "client clock 10 minutes slow still accepted", clientSkew: -10 * time.Minute},
		{name: "client clock 16 minutes slow refused", clientSkew: -16 * time.Minute, wantCode: "APIGW.0301"},
		{name: "client clock 16 minutes fast refused", clientSkew: 16 * time.Minute, wantCode: "APIGW.0301"},
		{name: "query added in transit refused", change: func(r *http.Request) { r.URL.RawQuery = "limit=1" }, wantCode: "APIGW.0301"},
		{name: "user agent altered in transit refused", change: func(r *http.Request) { r.Header.Set("User-Agent", "evil") }, wantCode: "APIGW.0301"},
		{name: "project header altered in transit refused", change: func(r *http.Request) { r.Header.Set("X-Project-Id", "ffffffffffffffffffffffffffffffff") }, wantCode: "APIGW.0301"},
		{name: "security token missing refused", tokenWanted: "sts-token-1", wantCode: "APIGW.0301"},
		{name: "security token swapped in transit refused", tokenWanted: "sts-token-2", tokenSent: "sts-token-1",
			change: func(r *http.Request) { r.Header.Set("X-Security-Token", "sts-token-2") }, wantCode: "APIGW.0301"},
		{name: "unsigned header change tolerated", change: func(r *http.Request) { r.Header.Set("Content-Type", "application/json; charset=utf-8") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gwClock := simcloud.NewClock(testStart)
			fake := simcloud.New(testGateways(testStart))
			fake.Now = gwClock.Now
			verifier := simcloud.NewAKSKAuth(testAK, testSK)
			verifier.Now = gwClock.Now
			verifier.RequireSecurityToken(tc.tokenWanted)
			fake.Authenticate = verifier.Authenticate
			fake.Start()
			defer fake.Close()

			auth := &apig.AKSK{
				AccessKey: apig.StaticSecret(testAK),
				SecretKey: apig.StaticSecret(testSK),
				Now:       func() time.Time { return gwClock.Now().Add(tc.clientSkew) },
			}
			if tc.tokenSent != "" {
				auth.SecurityToken = apig.StaticSecret(tc.tokenSent)
			}
			hc := &http.Client{Transport: http.DefaultTransport}
			if tc.change != nil {
				hc.Transport = tamper{change: tc.change, next: http.DefaultTransport}
			}
			c, err := apig.NewClient(apig.Options{HTTPClient: hc, Auth: auth})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Progress(context.Background(), apig.Project{ID: testProject, Endpoint: fake.URL()}, testGateway)
			if tc.wantCode == "" {
				if err != nil {
					t.Fatalf("refused: %v (gateway: %v)", err, verifier.LastRejection())
				}
				return
			}
			e, ok := apig.AsError(err)
			if !ok || e.HTTPStatus != http.StatusUnauthorized || e.Code != tc.wantCode {
				t.Fatalf("error %v, want 401 %s", err, tc.wantCode)
			}
			if got := fake.Calls(apig.OpProgress); got != 1 {
				t.Errorf("%d progress requests, want 1: AK/SK must not retry when no key changed", got)
			}
		})
	}
}

// TestAKSKRetrySignsAfresh pins that a retry carries a new date, not a
// replay of the refused attempt.
func TestAKSKRetrySignsAfresh(t *testing.T) {
	clock := simcloud.NewClock(testStart)
	fake := simcloud.New(testGateways(testStart)).Start()
	defer fake.Close()
	var dates []string
	fake.Authenticate = func(r *http.Request, _ string) (int, string) {
		dates = append(dates, r.Header.Get("X-Sdk-Date"))
		clock.Advance(time.Minute)
		if len(dates) == 1 {
			return http.StatusUnauthorized, "APIGW.0301"
		}
		return 0, ""
	}
	auth := &apig.AKSK{AccessKey: apig.StaticSecret(testAK), SecretKey: alwaysChanged{apig.StaticSecret(testSK)}, Now: clock.Now}
	c, _ := apig.NewClient(apig.Options{Auth: auth})
	if _, err := c.Progress(context.Background(), apig.Project{ID: testProject, Endpoint: fake.URL()}, testGateway); err != nil {
		t.Fatal(err)
	}
	if len(dates) != 2 || dates[0] == dates[1] {
		t.Errorf("X-Sdk-Date of the attempts: %v, want two different dates", dates)
	}
}

// alwaysChanged is a secret source whose file "changed", so Refresh says yes.
type alwaysChanged struct{ apig.StaticSecret }

func (alwaysChanged) Changed() bool { return true }

// TestAKSKRotatedSecretFile rotates the key pair at the gateway and in the
// key files: the refused call re-reads the files and succeeds on retry.
func TestAKSKRotatedSecretFile(t *testing.T) {
	dir := t.TempDir()
	akFile, skFile := filepath.Join(dir, "ak"), filepath.Join(dir, "sk")
	write := func(path, v string, mtime time.Time) {
		t.Helper()
		if err := os.WriteFile(path, []byte(v+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	write(akFile, testAK, testStart)
	write(skFile, testSK, testStart)
	ak, err := apig.NewFileSecret(akFile)
	if err != nil {
		t.Fatal(err)
	}
	sk, err := apig.NewFileSecret(skFile)
	if err != nil {
		t.Fatal(err)
	}
	ak.CheckInterval, sk.CheckInterval = time.Hour, time.Hour // only Refresh re-reads

	fake := simcloud.New(testGateways(time.Now())).Start()
	defer fake.Close()
	verifier := simcloud.NewAKSKAuth(testAK, testSK)
	fake.Authenticate = verifier.Authenticate
	c, _ := apig.NewClient(apig.Options{Auth: &apig.AKSK{AccessKey: ak, SecretKey: sk}})
	project := apig.Project{ID: testProject, Endpoint: fake.URL()}
	if _, err := c.Progress(context.Background(), project, testGateway); err != nil {
		t.Fatal(err)
	}

	// Rotation: the gateway knows only the new pair; the files get it too.
	verifier.Rotate("HPUAEXAMPLEAK0000002", "rotatedSecretKey")
	write(akFile, "HPUAEXAMPLEAK0000002", testStart.Add(time.Hour))
	write(skFile, "rotatedSecretKey", testStart.Add(time.Hour))
	fake.ResetCalls()
	if _, err := c.Progress(context.Background(), project, testGateway); err != nil {
		t.Fatalf("after rotation: %v", err)
	}
	if got := fake.Calls(apig.OpProgress); got != 2 {
		t.Errorf("%d requests, want 2 (refused with the old key, accepted with the new)", got)
	}
}
