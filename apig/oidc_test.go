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

func TestOIDCRequestsAreTheSDKs(t *testing.T) {
	e, _ := newOIDCEnv(t)
	keys, err := e.source.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	reqs := e.rec.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	exchange, sts := reqs[0], reqs[1]
	if exchange.Method != http.MethodPost || exchange.URL != e.fake.URL()+"/v3.0/OS-AUTH/id-token/tokens" {
		t.Errorf("exchange: %s %s", exchange.Method, exchange.URL)
	}
	if got := exchange.Header.Get("X-Idp-Id"); got != testIdpID {
		t.Errorf("exchange X-Idp-Id %q, want %q", got, testIdpID)
	}
	if want := `{"auth":{"id_token":{"id":"` + testIDToken + `"}}}`; exchange.Body != want {
		t.Errorf("exchange body\n%s\nwant (id token trimmed)\n%s", exchange.Body, want)
	}
	if sts.Method != http.MethodPost || sts.URL != e.fake.URL()+"/v3.0/OS-CREDENTIAL/securitytokens" {
		t.Errorf("securitytokens: %s %s", sts.Method, sts.URL)
	}
	unscoped := sts.Body[len(`{"auth":{"identity":{"methods":["token"],"token":{"id":"`):strings.LastIndex(sts.Body, `","duration_seconds"`)]
	if want := `{"auth":{"identity":{"methods":["token"],"token":{"id":"` + unscoped + `","duration_seconds":21600}}}}`; sts.Body != want || !strings.HasPrefix(unscoped, "MIIfake") {
		t.Errorf("securitytokens body\n%s\nwant\n%s", sts.Body, want)
	}
	for _, r := range reqs {
		if got := r.Header.Get("Content-Type"); got != "application/json;charset=UTF-8" {
			t.Errorf("%s: Content-Type %q", r.URL, got)
		}
		if r.Header.Get("Authorization") != "" || r.Header.Get("X-Auth-Token") != "" {
			t.Errorf("%s is signed or carries a token; the SDKs send it bare", r.URL)
		}
	}
	if sts.Header.Get("X-Idp-Id") != "" {
		t.Error("securitytokens carries X-Idp-Id")
	}
	if keys.SecretKey != e.issuer.Current().SecretKey || !keys.ExpiresAt.Equal(testStart.Add(6*time.Hour)) {
		t.Errorf("keys %v, want the issued ones for 6 h", keys)
	}
}

// TestOIDCRotatedIDTokenFile: the file is read at every fetch, so the
// token Kubernetes rotated in is the one sent at the next refresh.
func TestOIDCRotatedIDTokenFile(t *testing.T) {
	e, file := newOIDCEnv(t)
	e.start(t)
	e.mustProgress(t)

	const rotated = "eyJhbGciOiJSUzI1NiJ9.cm90YXRlZA.bmV3"
	writeFile(t, file, rotated)
	e.oidc.SetIDToken(rotated) // the old one is refused from now on
	e.clock.Advance(6*time.Hour - 39*time.Minute)
	e.mustProgress(t)
	e.wantIssued(t, 2)
	reqs := e.rec.requests()
	var sent []string
	for _, r := range reqs {
		if strings.HasSuffix(r.URL, simcloud.OIDCTokenPath) {
			sent = append(sent, r.Body)
		}
	}
	if len(sent) != 2 || !strings.Contains(sent[1], rotated) {
		t.Errorf("id tokens sent %q, want the rotated one second", sent)
	}
}

func TestOIDCErrors(t *testing.T) {
	for _, tc := range []struct {
		name       string
		idpID      string
		file       string // content of the id token file; "-" for no file
		setup      func(e *keysEnv)
		wantStatus int
		wantCode   string
		wantText   string
	}{
		{name: "wrong idp_id", idpID: "another-idp", wantStatus: 404, wantCode: "http_404", wantText: "id token refused"},
		{name: "id token refused", file: "eyJ.not-the-one.x", wantStatus: 401, wantCode: "http_401", wantText: "id token refused"},
		{name: "id token file missing", file: "-", wantCode: apig.CodeAuth, wantText: "no such file"},
		{name: "id token file empty", file: " \n", wantCode: apig.CodeAuth, wantText: "is empty"},
		{name: "IAM down", setup: func(e *keysEnv) { e.oidc.Fail(503) }, wantStatus: 503, wantCode: "http_503"},
		{name: "no X-Subject-Token", setup: func(e *keysEnv) {
			e.fake.Handle(simcloud.OIDCTokenPath, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(201) })
		}, wantStatus: 201, wantCode: apig.CodeDecode, wantText: "no X-Subject-Token"},
		{name: "securitytokens refused", setup: func(e *keysEnv) {
			e.fake.Handle(simcloud.SecurityTokensPath, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(403)
				fmt.Fprint(w, `{"error":{"code":"IAM.0003","message":"Policy doesn't allow iam:tokens:assume"}}`)
			})
		}, wantStatus: 403, wantCode: "IAM.0003", wantText: "securitytokens refused"},
		{name: "securitytokens answer not JSON", setup: func(e *keysEnv) {
			e.fake.Handle(simcloud.SecurityTokensPath, func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") })
		}, wantStatus: 200, wantCode: apig.CodeDecode, wantText: "not JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFakeCloud(t)
			e.oidc = simcloud.NewOIDC(e.fake, e.issuer, testIdpID, testIDToken)
			if tc.setup != nil {
				tc.setup(e)
			}
			idp := tc.idpID
			if idp == "" {
				idp = testIdpID
			}
			file := tempFile(t, testIDToken)
			switch tc.file {
			case "":
			case "-":
				file += ".missing"
			default:
				writeFile(t, file, tc.file)
			}
			src, err := apig.NewOIDC(apig.OIDCOptions{IAMEndpoint: e.fake.URL() + "/", IdpID: idp, IDTokenFile: file, HTTPClient: e.rec.client()})
			if err != nil {
				t.Fatal(err)
			}
			_, err = src.Fetch(context.Background())
			ae, ok := apig.AsError(err)
			if !ok || ae.Operation != apig.OpIAM || ae.HTTPStatus != tc.wantStatus || ae.Code != tc.wantCode {
				t.Fatalf("error %v, want iam %d %s", err, tc.wantStatus, tc.wantCode)
			}
			if !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("error %q does not say %q", err, tc.wantText)
			}
			if tc.file == "-" && !strings.Contains(err.Error(), file) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestNewOIDCChecksOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    apig.OIDCOptions
		want string
	}{
		{"idp_id without id_token_file", apig.OIDCOptions{IdpID: "idp", Region: "cn-north-4"}, "id_token_file is required with idp_id"},
		{"id_token_file without idp_id", apig.OIDCOptions{IDTokenFile: "/t", Region: "cn-north-4"}, "idp_id is required with id_token_file"},
		{"neither", apig.OIDCOptions{Region: "cn-north-4"}, "idp_id and id_token_file are required"},
		{"no IAM endpoint nor region", apig.OIDCOptions{IdpID: "idp", IDTokenFile: "/t"}, "no IAM endpoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := apig.NewOIDC(tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestEUWest101IAMHost: in eu-west-101 the OIDC exchange and the project
// lookup go to IAM on the European cloud's .eu domain, not to .com.
func TestEUWest101IAMHost(t *testing.T) {
	const region = "eu-west-101"
	e := newFakeCloud(t)
	simcloud.NewOIDC(e.fake, e.issuer, testIdpID, testIDToken)
	projects := simcloud.NewProjects(e.fake, e.issuer.Verify)
	projects.Add(region, testProject)
	src, err := apig.NewOIDC(apig.OIDCOptions{Region: region, IdpID: testIdpID, IDTokenFile: tempFile(t, testIDToken), HTTPClient: e.rec.client()})
	if err != nil {
		t.Fatal(err)
	}
	e.source = src
	e.start(t)
	lookup, err := apig.NewProjectLookup(apig.ProjectLookupOptions{Auth: e.keys, HTTPClient: e.rec.client()})
	if err != nil {
		t.Fatal(err)
	}
	id, err := lookup.ProjectID(context.Background(), region)
	if err != nil || id != testProject {
		t.Fatalf("project %q, %v (fake IAM: %v)", id, err, projects.LastRejection())
	}
	reqs := e.rec.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for _, r := range reqs {
		if !strings.HasPrefix(r.URL, "https://iam.eu-west-101.myhuaweicloud.eu/") {
			t.Errorf("request to %s, want IAM on the .eu domain", r.URL)
		}
	}
}
