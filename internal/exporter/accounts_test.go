package exporter

import (
	"crypto/tls"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/internal/simcloud"
	"github.com/apig-exporter/apig_exporter/internal/testcert"
	"github.com/apig-exporter/apig_exporter/internal/testnet"
)

// TestDefaultChain: with auth left out, the environment wins, then the
// credentials file, then the metadata service (tried at load); when none
// works, the load error says why each failed.
func TestDefaultChain(t *testing.T) {
	const ak, sk = "HPUACHAINEXAMPLE", "chain-test-secret-key"
	akskFake := func(t *testing.T) *simcloud.Server {
		fake := simcloud.New(simcloud.Gateway{ProjectID: testProject, ID: testGateway, Progress: simcloud.Creating(time.Now(), 0)})
		fake.Authenticate = simcloud.NewAKSKAuth(ak, sk).Authenticate
		fake.Start()
		t.Cleanup(fake.Close)
		return fake
	}
	listed := func(endpoint string) string {
		return "apig_endpoint: " + endpoint + "\nprojects: [{id: " + testProject + ", instances: [{id: " + testGateway + "}]}]\n"
	}

	t.Run("environment", func(t *testing.T) {
		fake := akskFake(t)
		t.Setenv("HUAWEICLOUD_SDK_AK", ak)
		t.Setenv("HUAWEICLOUD_SDK_SK", sk)
		credFile := filepath.Join(t.TempDir(), "credentials")
		writeFile(t, credFile, "[basic]\nak = OTHER\nsk = other\n")
		t.Setenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE", credFile)
		te := mustExporter(t, fromFile(configFile(t, listed(fake.URL()))))
		if up, _ := scrapeUp(t, te); !up {
			t.Error("apig_up 0")
		}
		if !strings.Contains(te.logs.String(), `auth_source="environment: HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK"`) {
			t.Errorf("log does not name the environment:\n%s", te.logs)
		}
	})
	t.Run("credentials file", func(t *testing.T) {
		fake := akskFake(t)
		credFile := filepath.Join(t.TempDir(), "credentials")
		writeFile(t, credFile, "[basic]\nak = "+ak+"\nsk = "+sk+"\n")
		t.Setenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE", credFile)
		te := mustExporter(t, fromFile(configFile(t, listed(fake.URL()))))
		if up, _ := scrapeUp(t, te); !up {
			t.Error("apig_up 0")
		}
		if !strings.Contains(te.logs.String(), `auth_source="credentials file: `+credFile+`"`) {
			t.Errorf("log does not name the credentials file:\n%s", te.logs)
		}
	})
	t.Run("metadata service", func(t *testing.T) {
		w := newTempWorld(t)
		te, err := newTestExporterWith(t, Options{Load: fromFile(configFile(t, listed(w.fake.URL()))), Now: w.clock.Now, MetadataEndpoint: w.fake.URL()})
		if err != nil {
			t.Fatal(err)
		}
		if n := w.keys.Issued(); n != 1 {
			t.Errorf("%d key sets issued at load, want 1", n)
		}
		if up, _ := scrapeUp(t, te); !up {
			t.Error("apig_up 0")
		}
		if n := w.keys.Issued(); n != 1 {
			t.Errorf("%d key sets issued after a scrape, want the load's 1", n)
		}
		if !strings.Contains(te.logs.String(), `auth=agency auth_source="metadata service: `+w.fake.URL()+`"`) {
			t.Errorf("log does not name the metadata service:\n%s", te.logs)
		}
	})
	t.Run("nothing works", func(t *testing.T) {
		_, err := newTestExporter(t, fromFile(configFile(t, listed("http://127.0.0.1:1"))))
		for _, want := range []string{
			"auth: no credentials found: environment: none of HUAWEICLOUD_SDK_IDP_ID with HUAWEICLOUD_SDK_ID_TOKEN_FILE, HUAWEICLOUD_SDK_AK with HUAWEICLOUD_SDK_SK, HW_ACCESS_KEY with HW_SECRET_KEY is set; ",
			"credentials file ", ": no such file or directory; ",
			"metadata service: " + closedMetadata + ": ",
		} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("load error %v\nlacks %q", err, want)
			}
		}
	})
}

// TestTwoAccounts: a project with its own auth is called with its own
// keys only, the others with the top level's; the APIG fake refuses any
// other key for each project, and apig_up stays per project.
func TestTwoAccounts(t *testing.T) {
	const otherProject, otherGateway = "fedcba9876543210fedcba9876543210", "a1b2c3d4e5f60718293a4b5c6d7e8f90"
	accountA := simcloud.NewAKSKAuth("HPUAACCOUNTA", "account-a-secret")
	w := newTempWorld(t) // account B: agency keys
	w.fake.Put(simcloud.Gateway{ProjectID: otherProject, ID: otherGateway, Progress: simcloud.Creating(w.clock.Now(), 0)})
	accountA.Now = w.clock.Now
	var wrongKeys atomic.Int64
	w.fake.Authenticate = func(r *http.Request, project string) (int, string) {
		status, code := w.keys.Authenticate(r, project)
		if project == otherProject {
			status, code = accountA.Authenticate(r, project)
		}
		if status != 0 && status != http.StatusOK {
			wrongKeys.Add(1)
		}
		return status, code
	}
	text := "apig_endpoint: " + w.fake.URL() + "\nauth: " + w.agencyAuth() + "\nprojects:\n" +
		"  - {id: " + testProject + ", instances: [{id: " + testGateway + "}]}\n" +
		"  - id: " + otherProject + "\n    instances: [{id: " + otherGateway + "}]\n" +
		"    auth: {aksk: {access_key: HPUAACCOUNTA, secret_key: account-a-secret}}\n"
	te := w.exporter(t, text)
	for i := 0; i < 2; i++ {
		_, body := te.get("/metrics")
		for _, want := range []string{`apig_up{project_id="` + testProject + `"} 1`, `apig_up{project_id="` + otherProject + `"} 1`} {
			if !hasLine(body, want) {
				t.Errorf("scrape %d: no %s", i, want)
			}
		}
		if strings.Contains(body, `apig_credentials_expiry_timestamp_seconds{project_id="`+otherProject+`"}`) {
			t.Error("an expiry gauge for the project with a permanent key")
		}
	}
	if n := wrongKeys.Load(); n != 0 {
		t.Errorf("%d calls carried another account's keys", n)
	}
	if !strings.Contains(te.logs.String(), `project_auth="`+otherProject+`: aksk from config file"`) {
		t.Errorf("the load log does not say which project has its own credentials:\n%s", te.logs)
	}

	// Spoil account A's key: only its project goes down.
	accountA.SetKey("HPUAACCOUNTA", "rotated-elsewhere")
	w.clock.Advance(time.Second)
	_, body := te.get("/metrics")
	for _, want := range []string{`apig_up{project_id="` + testProject + `"} 1`, `apig_up{project_id="` + otherProject + `"} 0`} {
		if !hasLine(body, want) {
			t.Errorf("after account A's key changed: no %s", want)
		}
	}
}

// TestEURegion: in eu-west-101, IAM (the OIDC exchange and the project
// lookup) and APIG are on the European cloud's own domain; nothing is
// sent to the .com endpoints the Go SDK falls back to.
func TestEURegion(t *testing.T) {
	w := newTempWorld(t)
	w.projects.Add("eu-west-101", testProject)
	ca := testcert.NewCA(t, "eu test CA")
	srv := httptest.NewUnstartedServer(w.fake)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Leaf(t, "iam.eu-west-101.myhuaweicloud.eu", "apig.eu-west-101.myhuaweicloud.eu")}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	writeFile(t, caFile, string(ca.PEM))

	var dialer testnet.Dialer
	addr := strings.TrimPrefix(srv.URL, "https://")
	dialer.Route("iam.eu-west-101.myhuaweicloud.eu", addr)
	dialer.Route("apig.eu-west-101.myhuaweicloud.eu", addr)
	text := "region: eu-west-101\ntls: {ca_file: " + caFile + "}\nauth: " + w.oidcAuth(testIdp) + "\n"
	te, err := newTestExporterWith(t, Options{Load: fromFile(configFile(t, text)), Now: w.clock.Now, DialContext: dialer.DialContext})
	if err != nil {
		t.Fatal(err)
	}
	if up, body := scrapeUp(t, te); !up {
		t.Errorf("apig_up 0:\n%s\n%s", body, te.logs)
	}
	for _, path := range []string{simcloud.OIDCTokenPath, simcloud.SecurityTokensPath, simcloud.IAMProjectsPath} {
		if w.fake.Calls(path) != 1 {
			t.Errorf("%s called %d times at iam.eu-west-101.myhuaweicloud.eu, want 1", path, w.fake.Calls(path))
		}
	}
}
