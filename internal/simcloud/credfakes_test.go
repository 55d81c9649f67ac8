package simcloud

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// do sends a request to a started fake and returns status and body.
func do(t *testing.T, s *Server, method, path string, header map[string]string, body string) (int, string) {
	t.Helper()
	r, err := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestCredentialFakesRefuseWhatTheRealOnesWould: each fake checks the
// shape of what it is sent, so a client bug shows as a refusal.
func TestCredentialFakesRefuseWhatTheRealOnesWould(t *testing.T) {
	const json = "application/json;charset=UTF-8"
	for _, tc := range []struct {
		name   string
		method string
		path   string
		header map[string]string
		body   string
		want   int
	}{
		{"session token without a TTL", http.MethodPut, MetadataTokenPath, nil, "", http.StatusBadRequest},
		{"session token with a TTL over 6 h", http.MethodPut, MetadataTokenPath, map[string]string{"X-Metadata-Token-Ttl-Seconds": "21601"}, "", http.StatusBadRequest},
		{"session token by GET", http.MethodGet, MetadataTokenPath, map[string]string{"X-Metadata-Token-Ttl-Seconds": "21600"}, "", http.StatusMethodNotAllowed},
		{"session token with a body", http.MethodPut, MetadataTokenPath, map[string]string{"X-Metadata-Token-Ttl-Seconds": "21600"}, "x", http.StatusBadRequest},
		{"keys without a session token where the API exists", http.MethodGet, MetadataSecurityKeyPath, nil, "", http.StatusUnauthorized},
		{"keys with an unknown session token", http.MethodGet, MetadataSecurityKeyPath, map[string]string{"X-Metadata-Token": "forged"}, "", http.StatusUnauthorized},
		{"id token exchange with plain JSON content type", http.MethodPost, OIDCTokenPath, map[string]string{"Content-Type": "application/json", "X-Idp-Id": "idp"}, `{"auth":{"id_token":{"id":"tok"}}}`, http.StatusBadRequest},
		{"id token exchange with an extra field", http.MethodPost, OIDCTokenPath, map[string]string{"Content-Type": json, "X-Idp-Id": "idp"}, `{"auth":{"id_token":{"id":"tok"},"scope":{}}}`, http.StatusBadRequest},
		{"id token exchange from another idp", http.MethodPost, OIDCTokenPath, map[string]string{"Content-Type": json, "X-Idp-Id": "other"}, `{"auth":{"id_token":{"id":"tok"}}}`, http.StatusNotFound},
		{"id token exchange with another id token", http.MethodPost, OIDCTokenPath, map[string]string{"Content-Type": json, "X-Idp-Id": "idp"}, `{"auth":{"id_token":{"id":"old"}}}`, http.StatusUnauthorized},
		{"securitytokens with a forged token", http.MethodPost, SecurityTokensPath, map[string]string{"Content-Type": json}, `{"auth":{"identity":{"methods":["token"],"token":{"id":"forged","duration_seconds":21600}}}}`, http.StatusUnauthorized},
		{"securitytokens with password method", http.MethodPost, SecurityTokensPath, map[string]string{"Content-Type": json}, `{"auth":{"identity":{"methods":["password"],"token":{"id":"x","duration_seconds":21600}}}}`, http.StatusBadRequest},
		{"securitytokens for too long", http.MethodPost, SecurityTokensPath, map[string]string{"Content-Type": json}, `{"auth":{"identity":{"methods":["token"],"token":{"id":"x","duration_seconds":90000}}}}`, http.StatusBadRequest},
		{"project list with X-Project-Id", http.MethodGet, IAMProjectsPath + "?name=cn-north-4", map[string]string{"X-Project-Id": testProject}, "", http.StatusBadRequest},
		{"project list unsigned", http.MethodGet, IAMProjectsPath + "?name=cn-north-4", nil, "", http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New().Start()
			defer s.Close()
			keys := NewKeyIssuer(s)
			NewMetadata(s, keys, true)
			NewOIDC(s, keys, "idp", "tok")
			NewProjects(s, keys.Verify)
			if got, body := do(t, s, tc.method, tc.path, tc.header, tc.body); got != tc.want {
				t.Errorf("status %d (%s), want %d", got, body, tc.want)
			}
		})
	}
}
