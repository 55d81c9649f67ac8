package apig

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// vector is one case of testdata/aksk-vectors.json, produced by the
// Huawei Cloud Go SDK's own signer (see the file's generated_with).
type vector struct {
	Name       string `json:"name"`
	Method     string `json:"method"`
	Path       string `json:"path"`
	QueryParam []struct {
		Key    string   `json:"key"`
		Values []string `json:"values"`
	} `json:"query_params"`
	WireURL                  string            `json:"wire_url"`
	HeadersGiven             map[string]string `json:"headers_given"`
	Body                     string            `json:"body"`
	AK                       string            `json:"ak"`
	SK                       string            `json:"sk"`
	SDKDate                  string            `json:"x_sdk_date"`
	ExpectedCanonicalRequest string            `json:"expected_canonical_request"`
	ExpectedStringToSign     string            `json:"expected_string_to_sign"`
	ExpectedSignedHeaders    string            `json:"expected_signed_headers"`
	ExpectedSignature        string            `json:"expected_signature"`
	ExpectedAuthorization    string            `json:"expected_authorization"`
	ExpectedHeadersSent      map[string]string `json:"expected_headers_sent_by_sdk"`
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	b, err := os.ReadFile("testdata/aksk-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Vectors []vector `json:"vectors"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) != 6 {
		t.Fatalf("want 6 vectors, file has %d", len(f.Vectors))
	}
	return f.Vectors
}

// TestSignVectors signs each SDK vector the way the client does (a request
// built from the wire URL) and checks every intermediate result.
func TestSignVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			req, err := http.NewRequest(v.Method, v.WireURL, strings.NewReader(v.Body))
			if err != nil {
				t.Fatal(err)
			}
			if req.URL.Path != v.Path {
				t.Fatalf("wire URL path %q, vector path %q", req.URL.Path, v.Path)
			}
			for k, val := range v.HeadersGiven {
				req.Header[k] = []string{val} // keep the vector's spelling, as the SDK's map does
			}
			now, err := time.Parse(SDKDateLayout, v.SDKDate)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Sign(req, []byte(v.Body), v.AK, v.SK, now)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct{ field, got, want string }{
				{"canonical request", got.CanonicalRequest, v.ExpectedCanonicalRequest},
				{"string to sign", got.StringToSign, v.ExpectedStringToSign},
				{"signed headers", got.SignedHeaders, v.ExpectedSignedHeaders},
				{"signature", got.Signature, v.ExpectedSignature},
				{"authorization", got.Authorization, v.ExpectedAuthorization},
			} {
				if c.got != c.want {
					t.Errorf("%s:\n got %q\nwant %q", c.field, c.got, c.want)
				}
			}
			if len(req.Header) != len(v.ExpectedHeadersSent) {
				t.Errorf("headers on request %v, SDK sends %v", req.Header, v.ExpectedHeadersSent)
			}
			for k, want := range v.ExpectedHeadersSent {
				if got := headerValue(req.Header, k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// TestSignVectorsFromParams rebuilds the canonical form from the vectors'
// query_params (not the wire URL), so the query rules are checked on the
// SDK's own input too.
func TestSignVectorsFromParams(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			q := url.Values{}
			for _, p := range v.QueryParam {
				q[p.Key] = p.Values
			}
			wantQuery := strings.Split(v.ExpectedCanonicalRequest, "\n")[2]
			if got := CanonicalQuery(q); got != wantQuery {
				t.Errorf("canonical query %q, want %q", got, wantQuery)
			}
			wantURI := strings.Split(v.ExpectedCanonicalRequest, "\n")[1]
			if got := CanonicalURI(v.Path); got != wantURI {
				t.Errorf("canonical URI %q, want %q", got, wantURI)
			}
		})
	}
}

func TestCanonicalURI(t *testing.T) {
	for _, c := range []struct{ name, path, want string }{
		{"empty path", "", "/"},
		{"root", "/", "/"},
		{"trailing slash added", "/v2/p", "/v2/p/"},
		{"reserved and UTF-8 bytes escaped upper-case", "/a b/:@/α", "/a%20b/%3A%40/%CE%B1/"},
		{"unreserved kept", "/A-z_0.9~", "/A-z_0.9~/"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := CanonicalURI(c.path); got != c.want {
				t.Errorf("CanonicalURI(%q) = %q, want %q", c.path, got, c.want)
			}
		})
	}
}

func TestCanonicalQuery(t *testing.T) {
	for _, c := range []struct {
		name string
		q    url.Values
		want string
	}{
		{"none", nil, ""},
		{"empty value kept as key=", url.Values{"k": {""}}, "k="},
		{"values sorted as strings", url.Values{"b": {"2", "10", "1"}}, "b=1&b=10&b=2"},
		{"space and plus", url.Values{"a": {"x y+z"}}, "a=x%20y%2Bz"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := CanonicalQuery(c.q); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestSignReplacesOldSignature pins that signing a request twice (a retry)
// uses the new time and leaves exactly one Authorization and X-Sdk-Date.
func TestSignReplacesOldSignature(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "https://apig.example/v2/p/apigw/instances", nil)
	req.Header.Set("Content-Type", "text/plain")
	t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	first, err := Sign(req, nil, "AK", "SK", t0)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Sign(req, nil, "AK", "SK", t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if first.Signature == second.Signature {
		t.Error("re-signing a minute later gave the same signature")
	}
	if got := req.Header.Values("X-Sdk-Date"); len(got) != 1 || got[0] != "20261128T100100Z" {
		t.Errorf("X-Sdk-Date = %v", got)
	}
	if got := req.Header.Values("Authorization"); len(got) != 1 || got[0] != second.Authorization {
		t.Errorf("Authorization = %v", got)
	}
	if second.SignedHeaders != "x-sdk-content-sha256;x-sdk-date" {
		t.Errorf("signed headers %q", second.SignedHeaders)
	}
}

func TestParseAuthorization(t *testing.T) {
	p, err := ParseAuthorization("SDK-HMAC-SHA256 Access=AK1, SignedHeaders=x-project-id;x-sdk-date, Signature=abcd")
	if err != nil {
		t.Fatal(err)
	}
	if p.Access != "AK1" || strings.Join(p.SignedHeaders, ";") != "x-project-id;x-sdk-date" || p.Signature != "abcd" {
		t.Errorf("parsed %+v", p)
	}
	for _, bad := range []string{"", "Bearer x", "SDK-HMAC-SHA256 Access=AK1", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders, Signature=ab"} {
		if _, err := ParseAuthorization(bad); err == nil {
			t.Errorf("ParseAuthorization(%q) accepted", bad)
		}
	}
}
