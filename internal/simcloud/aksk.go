package simcloud

import (
	"bytes"
	"crypto/hmac"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
)

// MaxSignatureSkew is how far X-Sdk-Date may be from the gateway's clock.
const MaxSignatureSkew = 15 * time.Minute

// AKSKAuth checks AK/SK signatures the way the gateway does: it rebuilds
// the canonical request from what arrived on the wire (method, path, query,
// the headers named in SignedHeaders, body) and recomputes the HMAC. Use
// its Authenticate as Server.Authenticate.
type AKSKAuth struct {
	// Now is the gateway's clock; nil means time.Now.
	Now func() time.Time

	mu    sync.Mutex
	keys  map[string]string // AK -> SK
	token string            // required X-Security-Token, if any
	last  error
}

// NewAKSKAuth accepts the given key pair.
func NewAKSKAuth(ak, sk string) *AKSKAuth {
	return &AKSKAuth{keys: map[string]string{ak: sk}}
}

// SetKey adds or replaces (rotates) a key pair.
func (a *AKSKAuth) SetKey(ak, sk string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.keys[ak] = sk
}

// Rotate replaces every key pair with this one: old keys stop working.
func (a *AKSKAuth) Rotate(ak, sk string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.keys = map[string]string{ak: sk}
}

// RequireSecurityToken makes every request carry this signed
// X-Security-Token, as temporary credentials must; "" stops requiring one.
func (a *AKSKAuth) RequireSecurityToken(tok string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.token = tok
}

// LastRejection is why the last refused request was refused (nil if none).
func (a *AKSKAuth) LastRejection() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.last
}

// Authenticate answers 0 for a good signature and 401 APIGW.0301 for any
// other request, as APIG does.
func (a *AKSKAuth) Authenticate(r *http.Request, projectID string) (int, string) {
	err := a.Verify(r, projectID)
	a.mu.Lock()
	if err != nil {
		a.last = err
	}
	a.mu.Unlock()
	if err != nil {
		return http.StatusUnauthorized, "APIGW.0301"
	}
	return 0, ""
}

// Verify checks one received request; it reads and restores r.Body.
func (a *AKSKAuth) Verify(r *http.Request, projectID string) error {
	auth, err := apig.ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	a.mu.Lock()
	sk, known := a.keys[auth.Access]
	wantToken := a.token
	a.mu.Unlock()
	if !known {
		return fmt.Errorf("unknown access key %q", auth.Access)
	}

	signed := map[string]bool{}
	for _, n := range auth.SignedHeaders {
		signed[n] = true
	}
	if !signed["x-sdk-date"] {
		return errors.New("x-sdk-date not signed")
	}
	date, err := time.Parse(apig.SDKDateLayout, r.Header.Get("X-Sdk-Date"))
	if err != nil {
		return fmt.Errorf("x-sdk-date: %w", err)
	}
	if skew := a.now().Sub(date); skew > MaxSignatureSkew || skew < -MaxSignatureSkew {
		return fmt.Errorf("signature expired: x-sdk-date %s is %s off", date.Format(time.RFC3339), skew)
	}
	if pid := r.Header.Get("X-Project-Id"); pid != "" && (pid != projectID || !signed["x-project-id"]) {
		return fmt.Errorf("x-project-id %q not signed or not the path's project %q", pid, projectID)
	}
	if wantToken != "" && (r.Header.Get("X-Security-Token") != wantToken || !signed["x-security-token"]) {
		return errors.New("security token missing, wrong or not signed")
	}

	body, err := io.ReadAll(r.Body)
	if err != nil {
		return fmt.Errorf("body: %w", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))

	// Everything below comes from the wire, nothing from the client's word.
	path, err := url.PathUnescape(r.URL.EscapedPath())
	if err != nil {
		return fmt.Errorf("path: %w", err)
	}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	c := apig.Canonical{Method: r.Method, Path: path, Query: query, Headers: map[string]string{}}
	for _, n := range auth.SignedHeaders {
		if n != strings.ToLower(n) {
			return fmt.Errorf("signed header %q not lower-case", n)
		}
		switch {
		case n == "host":
			c.Headers[n] = r.Host
		case len(r.Header.Values(n)) == 0:
			return fmt.Errorf("signed header %q not sent", n)
		default:
			c.Headers[n] = strings.Join(r.Header.Values(n), ",")
		}
	}
	c.PayloadHash = apig.PayloadHash(body)
	if v, ok := c.Headers["x-sdk-content-sha256"]; ok {
		if v != apig.UnsignedPayload {
			return fmt.Errorf("x-sdk-content-sha256 %q", v)
		}
		c.PayloadHash = v
	}
	want := apig.Signature(sk, apig.StringToSign(c.Request(), r.Header.Get("X-Sdk-Date")))
	if !hmac.Equal([]byte(want), []byte(auth.Signature)) {
		return errors.New("verify aksk signature fail")
	}
	return nil
}

func (a *AKSKAuth) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}
