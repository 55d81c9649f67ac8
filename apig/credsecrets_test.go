package apig_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

// Secrets a hostile or careless server echoes back in these tests. Real
// security tokens run to a thousand bytes and more, past the length at
// which error messages are clipped.
const (
	leakSession  = "mdsession-s3cret-0001"
	leakUnscoped = "MIIunscoped-s3cret-0002"
	leakSK       = "tempsk-s3cret-0003"
)

var leakSTS = "sts-s3cret-0004" + strings.Repeat("Zm9v", 300)

var leaks = []string{leakSession, leakUnscoped, leakSK, leakSTS, testIDToken}

// echo answers status with a body and a request id that quote every
// secret the request carried, and the given ones.
func echo(status int, extra ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var quoted []string
		for _, h := range []string{"X-Metadata-Token", "X-Security-Token", "Authorization", "X-Auth-Token"} {
			quoted = append(quoted, r.Header.Get(h))
		}
		quoted = append(quoted, extra...)
		all := strings.Join(quoted, " ")
		w.Header().Set("X-Request-Id", all)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error":{"code":"IAM.0001","message":"refused %s"}}`, all)
	}
}

func sessionTokenAnswer(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, leakSession) }

func unscopedAnswer(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("X-Subject-Token", leakUnscoped)
	w.WriteHeader(http.StatusCreated)
}

// credentialAnswer is a credential body, broken by the caller's taste.
func credentialAnswer(access, expires string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, `{"credential":{"access":%s,"secret":%q,"securitytoken":%q,"expires_at":%q}}`, access, leakSK, leakSTS, expires)
	}
}

const goodExpiry = "2026-11-29T10:00:00.000000Z"

// TestNoSecretInCredentialErrors: no temporary secret key, security
// token, metadata session token, unscoped IAM token or id token appears in
// the text of any error, even when the server quotes them.
func TestNoSecretInCredentialErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		paths map[string]http.HandlerFunc
		call  func(t *testing.T, e *keysEnv) error
	}{
		{name: "metadata 401 twice quoting the session token", paths: map[string]http.HandlerFunc{
			simcloud.MetadataTokenPath: sessionTokenAnswer, simcloud.MetadataSecurityKeyPath: echo(401),
		}, call: metadataFetch},
		{name: "metadata 403 quoting the session token", paths: map[string]http.HandlerFunc{
			simcloud.MetadataTokenPath: sessionTokenAnswer, simcloud.MetadataSecurityKeyPath: echo(403),
		}, call: metadataFetch},
		{name: "metadata keys with a bad expiry", paths: map[string]http.HandlerFunc{
			simcloud.MetadataTokenPath: sessionTokenAnswer, simcloud.MetadataSecurityKeyPath: credentialAnswer(`"AK"`, leakSK),
		}, call: metadataFetch},
		{name: "metadata keys with a numeric access key", paths: map[string]http.HandlerFunc{
			simcloud.MetadataTokenPath: sessionTokenAnswer, simcloud.MetadataSecurityKeyPath: credentialAnswer(`12`, goodExpiry),
		}, call: metadataFetch},
		{name: "metadata keys without an access key", paths: map[string]http.HandlerFunc{
			simcloud.MetadataTokenPath: sessionTokenAnswer, simcloud.MetadataSecurityKeyPath: credentialAnswer(`""`, goodExpiry),
		}, call: metadataFetch},
		{name: "id token refused, quoted", paths: map[string]http.HandlerFunc{
			simcloud.OIDCTokenPath: echo(401, testIDToken),
		}, call: oidcFetch},
		{name: "securitytokens refused, quoting both tokens", paths: map[string]http.HandlerFunc{
			simcloud.OIDCTokenPath: unscopedAnswer, simcloud.SecurityTokensPath: echo(401, testIDToken, leakUnscoped),
		}, call: oidcFetch},
		{name: "securitytokens keys with a bad expiry", paths: map[string]http.HandlerFunc{
			simcloud.OIDCTokenPath: unscopedAnswer, simcloud.SecurityTokensPath: credentialAnswer(`"AK"`, leakSTS),
		}, call: oidcFetch},
		{name: "APIG refuses temporary keys, quoting them", paths: map[string]http.HandlerFunc{
			simcloud.MetadataTokenPath: sessionTokenAnswer, simcloud.MetadataSecurityKeyPath: credentialAnswer(`"AK"`, goodExpiry),
		}, call: func(t *testing.T, e *keysEnv) error {
			e.fake.Put(simcloud.Gateway{ProjectID: testProject, ID: testGateway, Handler: echo(401)})
			e.fake.Authenticate = nil
			useMetadata(t, e)
			e.start(t)
			return e.progress()
		}},
		{name: "project lookup refused, quoting the keys", paths: map[string]http.HandlerFunc{
			simcloud.MetadataTokenPath: sessionTokenAnswer, simcloud.MetadataSecurityKeyPath: credentialAnswer(`"AK"`, goodExpiry),
			simcloud.IAMProjectsPath: echo(403),
		}, call: func(t *testing.T, e *keysEnv) error {
			useMetadata(t, e)
			e.start(t)
			lookup, err := apig.NewProjectLookup(apig.ProjectLookupOptions{IAMEndpoint: e.fake.URL(), Auth: e.keys})
			if err != nil {
				t.Fatal(err)
			}
			_, err = lookup.ProjectID(context.Background(), "cn-north-4")
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFakeCloud(t)
			for path, h := range tc.paths {
				e.fake.Handle(path, h)
			}
			err := tc.call(t, e)
			if err == nil {
				t.Fatal("no error")
			}
			for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
				for _, secret := range leaks {
					if strings.Contains(text, secret[:16]) { // a clipped secret leaks too
						t.Errorf("secret %.12s... in error: %s", secret, text)
					}
				}
			}
		})
	}
}

func useMetadata(t *testing.T, e *keysEnv) {
	t.Helper()
	src, err := apig.NewMetadata(apig.MetadataOptions{Endpoint: e.fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	e.source = src
}

func metadataFetch(t *testing.T, e *keysEnv) error {
	t.Helper()
	useMetadata(t, e)
	_, err := e.source.Fetch(context.Background())
	return err
}

func oidcFetch(t *testing.T, e *keysEnv) error {
	t.Helper()
	src, err := apig.NewOIDC(apig.OIDCOptions{IAMEndpoint: e.fake.URL(), IdpID: testIdpID, IDTokenFile: tempFile(t, testIDToken)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Fetch(context.Background())
	return err
}
