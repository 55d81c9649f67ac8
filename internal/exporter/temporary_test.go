package exporter

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/config"
	"github.com/apig-exporter/apig_exporter/internal/demo"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

const (
	testIdp     = "cce-cluster-idp"
	testIDToken = "eyJhbGciOiJSUzI1NiJ9.first-id-token.sig"
)

// tempWorld is one account whose APIG accepts only the temporary keys
// that its metadata service and its OIDC exchange issue, on a fake clock.
type tempWorld struct {
	fake        *simcloud.Server
	clock       *simcloud.Clock
	keys        *simcloud.KeyIssuer
	meta        *simcloud.Metadata
	oidc        *simcloud.OIDC
	projects    *simcloud.Projects
	idTokenFile string
}

func newTempWorld(t *testing.T) *tempWorld {
	t.Helper()
	clock := simcloud.NewClock(time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC))
	// A gateway still being created is asked about on every scrape.
	fake := simcloud.New(simcloud.Gateway{ProjectID: testProject, ID: testGateway, Name: "new-gateway",
		Progress: simcloud.Creating(clock.Now(), 0)})
	fake.Now = clock.Now
	w := &tempWorld{fake: fake, clock: clock, keys: simcloud.NewKeyIssuer(fake)}
	w.meta = simcloud.NewMetadata(fake, w.keys, true)
	w.meta.Lifetime = time.Hour
	w.oidc = simcloud.NewOIDC(fake, w.keys, testIdp, testIDToken)
	w.projects = simcloud.NewProjects(fake, w.keys.Verify)
	fake.Authenticate = w.keys.Authenticate
	w.idTokenFile = filepath.Join(t.TempDir(), "token")
	writeFile(t, w.idTokenFile, testIDToken+"\n")
	fake.Start()
	t.Cleanup(fake.Close)
	return w
}

// config watches testGateway with auth (YAML flow mapping).
func (w *tempWorld) config(auth string) string {
	return "apig_endpoint: " + w.fake.URL() + "\niam_endpoint: " + w.fake.URL() + "\nauth: " + auth +
		"\nprojects: [{id: " + testProject + ", instances: [{id: " + testGateway + "}]}]\n"
}

func (w *tempWorld) agencyAuth() string {
	return "{agency: {metadata_endpoint: '" + w.fake.URL() + "'}}"
}

func (w *tempWorld) oidcAuth(idp string) string {
	return "{oidc: {idp_id: " + idp + ", id_token_file: " + w.idTokenFile + "}}"
}

// exporter loads text with the world's clock.
func (w *tempWorld) exporter(t *testing.T, text string) *testExporter {
	t.Helper()
	te, err := newTestExporterWith(t, Options{Load: fromFile(configFile(t, text)), Now: w.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return te
}

// fetches is the number of key fetches the world has seen started.
func (w *tempWorld) fetches(mode string) int64 {
	if mode == config.ModeAgency {
		return w.fake.Calls(simcloud.MetadataSecurityKeyPath) + w.fake.Calls(simcloud.MetadataTokenPath)
	}
	return w.fake.Calls(simcloud.OIDCTokenPath)
}

func (w *tempWorld) fail(mode string, status int) {
	if mode == config.ModeAgency {
		w.meta.Fail(status)
	} else {
		w.oidc.Fail(status)
	}
}

// scrapeUp scrapes and reports apig_up of testProject, with the body.
func scrapeUp(t *testing.T, te *testExporter) (bool, string) {
	t.Helper()
	code, body := te.get("/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	return hasLine(body, `apig_up{project_id="`+testProject+`"} 1`), body
}

func expiryLine(at time.Time) string {
	return `apig_credentials_expiry_timestamp_seconds{project_id="` + testProject + `"} ` + strconv.FormatFloat(float64(at.UnixMilli())/1e3, 'g', -1, 64)
}

// TestTemporaryKeysLifecycle runs each temporary-keys mode end to end on
// a fake clock: keys fetched once and shared, renewed 40 minutes before
// they expire, the old ones used while the source is down (one fetch per
// hold-off, not one per call), the project down once they expired, and
// back when the source is.
func TestTemporaryKeysLifecycle(t *testing.T) {
	for _, mode := range []string{config.ModeAgency, config.ModeOIDC} {
		t.Run(mode, func(t *testing.T) {
			w := newTempWorld(t)
			auth := w.agencyAuth()
			if mode == config.ModeOIDC {
				auth = w.oidcAuth(testIdp)
			}
			te := w.exporter(t, w.config(auth))
			lifetime := w.meta.Lifetime
			if mode == config.ModeOIDC {
				lifetime = 6 * time.Hour // what the exporter asks IAM for
			}
			step := func(what string, advance time.Duration, wantUp bool, wantIssued int) string {
				t.Helper()
				w.clock.Advance(advance)
				up, body := scrapeUp(t, te)
				if up != wantUp {
					t.Errorf("%s: apig_up %v, want %v", what, up, wantUp)
				}
				if got := w.keys.Issued(); got != wantIssued {
					t.Errorf("%s: %d key sets issued, want %d", what, got, wantIssued)
				}
				return body
			}

			body := step("first scrape", 0, true, 1)
			if !hasLine(body, expiryLine(w.keys.Current().ExpiresAt)) {
				t.Errorf("no expiry gauge %s in:\n%s", expiryLine(w.keys.Current().ExpiresAt), body)
			}
			op := map[string]string{config.ModeAgency: "metadata", config.ModeOIDC: "iam"}[mode]
			if !strings.Contains(body, `apig_api_requests_total{code="200",operation="`+op+`"}`) &&
				!strings.Contains(body, `apig_api_requests_total{code="201",operation="`+op+`"}`) {
				t.Errorf("the key fetch is not counted under operation %q", op)
			}
			step("well before the refresh point", lifetime/2-41*time.Minute, true, 1)
			// Kubernetes rotates the projected token: the next fetch reads it.
			w.oidc.SetIDToken("eyJhbGciOiJSUzI1NiJ9.rotated-id-token.sig")
			writeFile(t, w.idTokenFile, "eyJhbGciOiJSUzI1NiJ9.rotated-id-token.sig\n")
			body = step("39 minutes before expiry", lifetime/2+2*time.Minute, true, 2)
			renewed := w.keys.Current().ExpiresAt
			if !hasLine(body, expiryLine(renewed)) {
				t.Errorf("expiry gauge not moved to %s", renewed)
			}

			w.fail(mode, http.StatusInternalServerError)
			w.clock.Advance(renewed.Sub(w.clock.Now()) - 30*time.Minute) // due for a refresh
			before := w.fetches(mode)
			step("source down, old keys valid", 0, true, 2)
			tried := w.fetches(mode) - before
			step("source down, again within the hold-off", 0, true, 2)
			if storm := w.fetches(mode) - before; tried < 1 || storm != tried {
				t.Errorf("source down: %d fetch calls on the first scrape, %d after the second; want some, then none", tried, storm)
			}
			body = step("source down, keys expired", 31*time.Minute, false, 2)
			if strings.Contains(body, expiryLine(time.Time{})) {
				t.Error("expiry gauge at zero")
			}
			w.fail(mode, 0)
			step("source back after the hold-off", 16*time.Second, true, 3)
		})
	}
}

// TestOIDCWrongIdp: IAM refuses an unknown identity provider: the project
// is down, the log says why, and IAM is not asked again on every call.
func TestOIDCWrongIdp(t *testing.T) {
	w := newTempWorld(t)
	te := w.exporter(t, w.config(w.oidcAuth("not-the-idp")))
	if up, _ := scrapeUp(t, te); up {
		t.Fatal("apig_up 1 with a wrong idp_id")
	}
	if logs := te.logs.String(); !strings.Contains(logs, "id token refused") || !strings.Contains(logs, "The identity provider does not exist.") {
		t.Errorf("the log does not say IAM refused the identity provider:\n%s", logs)
	}
	if n := w.fake.Calls(simcloud.OIDCTokenPath); n != 1 {
		t.Errorf("%d id-token exchanges for one scrape, want 1", n)
	}
	if n := w.keys.Issued(); n != 0 {
		t.Errorf("%d key sets issued", n)
	}
}

// TestProjectFromRegion: with no project listed, the region's project is
// looked up once at load and all its gateways watched; none or several is
// a load error naming them.
func TestProjectFromRegion(t *testing.T) {
	const other = "fedcba9876543210fedcba9876543210"
	for _, tc := range []struct {
		name    string
		ids     []string
		wantErr string
	}{
		{name: "one project", ids: []string{testProject}},
		{name: "none", wantErr: "project of region cn-north-4: no project named cn-north-4 in this account"},
		{name: "several", ids: []string{testProject, other},
			wantErr: "project of region cn-north-4: 2 projects named cn-north-4: " + testProject + " (cn-north-4), " + other + " (cn-north-4); name the one to watch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newTempWorld(t)
			for _, id := range tc.ids {
				w.projects.Add("cn-north-4", id)
			}
			text := "region: cn-north-4\napig_endpoint: " + w.fake.URL() + "\niam_endpoint: " + w.fake.URL() + "\nauth: " + w.agencyAuth() + "\n"
			te, err := newTestExporterWith(t, Options{Load: fromFile(configFile(t, text)), Now: w.clock.Now})
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("load error %v\nwant %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 2; i++ {
				_, body := te.get("/metrics")
				want := fmt.Sprintf(`apig_instance_scrape_success{instance_id="%s",project_id="%s"} 1`, testGateway, testProject)
				if !hasLine(body, want) {
					t.Errorf("scrape %d: no %s", i, want)
				}
			}
			if n := w.fake.Calls(simcloud.IAMProjectsPath); n != 1 {
				t.Errorf("%d project lookups for a load and two scrapes, want 1", n)
			}
			if !strings.Contains(te.logs.String(), `projects=1`) {
				t.Errorf("the load log does not count the found project:\n%s", te.logs)
			}
		})
	}
}

// TestDemoAuthModes: every --demo.auth mode watches both demo projects,
// and the temporary-keys modes show when their keys expire.
func TestDemoAuthModes(t *testing.T) {
	for _, mode := range []string{config.ModeToken, config.ModeAKSK, config.ModePassword, config.ModeAgency, config.ModeOIDC} {
		t.Run(mode, func(t *testing.T) {
			te, cfg := demoExporter(t, mode)
			_, body := te.get("/metrics")
			for _, p := range cfg.Projects {
				if !hasLine(body, `apig_up{project_id="`+p.ID+`"} 1`) {
					t.Errorf("apig_up of %s is not 1", p.ID)
				}
			}
			temporary := cfg.Auth.Temporary()
			if got := strings.Contains(body, "apig_credentials_expiry_timestamp_seconds{"); got != temporary {
				t.Errorf("expiry gauge served: %v, want %v", got, temporary)
			}
		})
	}
}

// TestDemoRemovesIDTokenFile: the oidc demo's id token file goes at Close.
func TestDemoRemovesIDTokenFile(t *testing.T) {
	sim, cfg, err := demo.Start(config.ModeOIDC)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cfg.Auth.OIDC.IDTokenFile); err != nil {
		t.Fatalf("id token file: %v", err)
	}
	sim.Close()
	if _, err := os.Stat(cfg.Auth.OIDC.IDTokenFile); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("id token file still there after Close: %v", err)
	}
}

// TestProjectFromRegionPassword: a password login finds the region's
// project from its scoped login's answer, then watches its gateways.
func TestProjectFromRegionPassword(t *testing.T) {
	fake := simcloud.New(simcloud.Gateway{ProjectID: testProject, ID: testGateway, Progress: simcloud.Creating(time.Now(), 0)})
	iam := simcloud.NewIAM(fake, "acct", "bot", "pw-for-region-test")
	iam.AddProject("cn-north-4", testProject)
	fake.Authenticate = iam.Authenticate
	fake.Start()
	defer fake.Close()
	text := "region: cn-north-4\napig_endpoint: " + fake.URL() + "\niam_endpoint: " + fake.URL() +
		"\nauth: {password: {domain_name: acct, username: bot, password: pw-for-region-test}}\n"
	te := mustExporter(t, fromFile(configFile(t, text)))
	if up, _ := scrapeUp(t, te); !up {
		t.Errorf("apig_up 0:\n%s", te.logs)
	}
}
