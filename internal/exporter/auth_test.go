package exporter

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/config"
	"github.com/apig-exporter/apig_exporter/internal/demo"
)

func TestNewCredentials(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "secret")
	if err := os.WriteFile(file, []byte("value\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	projects := []config.Project{{ID: "p1", Region: "cn-north-4"}}
	for _, tc := range []struct {
		name       string
		auth       config.Auth
		want       string // type of the authorizer
		wantFinder bool
		wantKeys   bool
		wantErr    string
	}{
		{name: "token", auth: config.Auth{Token: "t"}, want: "apig.StaticToken"},
		{name: "token file", auth: config.Auth{TokenFile: file}, want: "apig.StaticToken"},
		{name: "aksk", auth: config.Auth{AKSK: &config.AKSK{AccessKey: "AK", SecretKey: "SK"}}, want: "*apig.AKSK", wantFinder: true},
		{name: "aksk files", auth: config.Auth{AKSK: &config.AKSK{AccessKeyFile: file, SecretKeyFile: file, SecurityTokenFile: file}}, want: "*apig.AKSK", wantFinder: true},
		{name: "password", auth: config.Auth{Password: &config.Password{DomainName: "d", Username: "u", PasswordFile: file}}, want: "*apig.IAMPassword", wantFinder: true},
		{name: "agency", auth: config.Auth{Agency: &config.Agency{MetadataEndpoint: "http://127.0.0.1:1"}}, want: "*apig.TemporaryAKSK", wantFinder: true, wantKeys: true},
		{name: "oidc", auth: config.Auth{OIDC: &config.OIDC{IdpID: "idp", IDTokenFile: file}}, want: "*apig.TemporaryAKSK", wantFinder: true, wantKeys: true},
		{name: "secret key file gone since validation", auth: config.Auth{AKSK: &config.AKSK{AccessKey: "AK", SecretKeyFile: missing}},
			wantErr: "auth.aksk.secret_key_file: secret file " + missing + ": no such file or directory"},
		{name: "no mode", wantErr: "auth: no credentials configured"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &config.Config{Auth: tc.auth, Region: "cn-north-4", Projects: projects, RequestTimeout: config.Duration(time.Second)}
			c, err := newCredentials(cfg, &cfg.Auth, projects, authShared{})
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%T", c.auth); got != tc.want {
				t.Errorf("authorizer %s, want %s", got, tc.want)
			}
			if (c.finder != nil) != tc.wantFinder || (c.keys != nil) != tc.wantKeys {
				t.Errorf("finder %v, keys %v; want %v, %v", c.finder != nil, c.keys != nil, tc.wantFinder, tc.wantKeys)
			}
			if tc.want == "*apig.AKSK" && tc.auth.AKSK.SecurityTokenFile != "" && c.auth.(*apig.AKSK).SecurityToken == nil {
				t.Error("security token file ignored")
			}
		})
	}
}

// TestIAMDownMeansAPIGDown: when IAM fails, APIG was never asked, so the
// project is down and the failure is counted once per login as "iam".
func TestIAMDownMeansAPIGDown(t *testing.T) {
	sim, cfg, err := demo.Start(config.ModePassword)
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	iamDown := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"error":{"code":500,"message":"Internal Server Error","title":"Internal Server Error"}}`))
	}))
	defer iamDown.Close()
	cfg.IAMEndpoint = iamDown.URL

	_, body := mustExporter(t, fixed(cfg)).get("/metrics")
	for _, want := range []string{
		`apig_up{project_id="0a1b2c3d4e5f60718293a4b5c6d7e8f9"} 0`,
		`apig_up{project_id="f9e8d7c6b5a4938271605f4e3d2c1b0a"} 0`,
		`apig_api_requests_total{code="500",operation="iam"} 2`,
		`apig_api_errors_total{error_code="http_500",operation="iam"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// Series that are always exported (the throttle counter starts at 0)
	// may name progress; none may have counted anything.
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, `operation="progress"`) && !strings.HasSuffix(l, "} 0") {
			t.Errorf("progress calls were made or counted without a token: %s", l)
		}
	}
}
