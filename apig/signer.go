package apig

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// AK/SK signing as the Huawei Cloud SDKs do it ("SDK-HMAC-SHA256"). Host is
// not signed, Content-Type never is, and the key is the SK itself: there is
// no date or region key derivation as in AWS SigV4.
const (
	SigningAlgorithm = "SDK-HMAC-SHA256"
	// SDKDateLayout is the layout of the X-Sdk-Date header.
	SDKDateLayout = "20060102T150405Z"
	// UnsignedPayload stands in for the body hash when the body is neither
	// JSON nor BSON.
	UnsignedPayload = "UNSIGNED-PAYLOAD"

	headerSDKDate       = "X-Sdk-Date"
	headerContentSHA256 = "X-Sdk-Content-Sha256"
)

// Canonical is what a signature covers: the parts of a request that sender
// and receiver must both see the same way.
type Canonical struct {
	Method string
	// Path is the unescaped URL path (url.URL.Path).
	Path  string
	Query url.Values
	// Headers maps the lower-case names of the signed headers to their
	// values; every header in it is signed.
	Headers map[string]string
	// PayloadHash is the hex SHA-256 of the body, or UnsignedPayload.
	PayloadHash string
}

// SignedHeaders is the sorted, ';'-joined list of signed header names.
func (c Canonical) SignedHeaders() string {
	return strings.Join(c.headerNames(), ";")
}

func (c Canonical) headerNames() []string {
	names := make([]string, 0, len(c.Headers))
	for n := range c.Headers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Request is the canonical request text that the string to sign hashes.
func (c Canonical) Request() string {
	var b strings.Builder
	b.WriteString(c.Method)
	b.WriteByte('\n')
	b.WriteString(CanonicalURI(c.Path))
	b.WriteByte('\n')
	b.WriteString(CanonicalQuery(c.Query))
	b.WriteByte('\n')
	names := c.headerNames()
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(strings.TrimSpace(c.Headers[n]))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(names, ";"))
	b.WriteByte('\n')
	b.WriteString(c.PayloadHash)
	return b.String()
}

// CanonicalURI percent-encodes each path segment and ends the path in '/'.
func CanonicalURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = signEscape(s)
	}
	u := strings.Join(segs, "/")
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// CanonicalQuery sorts keys and, within a key, values, and escapes both
// the way CanonicalURI does (a space is %20, never '+').
func CanonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vals := append([]string(nil), q[k]...)
		sort.Strings(vals)
		for _, v := range vals {
			parts = append(parts, signEscape(k)+"="+signEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// signEscape keeps A-Z a-z 0-9 - _ . ~ and writes every other byte as %XX.
func signEscape(s string) string {
	const hexUpper = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexUpper[c>>4])
		b.WriteByte(hexUpper[c&15])
	}
	return b.String()
}

// StringToSign is what the HMAC covers.
func StringToSign(canonicalRequest, sdkDate string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return SigningAlgorithm + "\n" + sdkDate + "\n" + hex.EncodeToString(sum[:])
}

// Signature is the lower-case hex HMAC-SHA256 of stringToSign keyed by sk.
func Signature(sk, stringToSign string) string {
	m := hmac.New(sha256.New, []byte(sk))
	m.Write([]byte(stringToSign))
	return hex.EncodeToString(m.Sum(nil))
}

// PayloadHash is the hex SHA-256 of body.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// signable reports whether a header goes into the signature: the SDK skips
// Content-Type and any name with '_', and Authorization cannot sign itself.
func signable(name string) bool {
	l := strings.ToLower(name)
	return !strings.HasPrefix(l, "content-type") && !strings.Contains(name, "_") && l != "authorization"
}

// unsignedPayload reports whether a Content-Type makes the body unsigned.
func unsignedPayload(contentType string) bool {
	return contentType != "" && !strings.Contains(contentType, "application/json") && !strings.Contains(contentType, "application/bson")
}

// Signed is the outcome of Sign; tests and debugging read its parts.
type Signed struct {
	CanonicalRequest string
	StringToSign     string
	SignedHeaders    string
	Signature        string
	Authorization    string
}

// Sign signs req for the key pair ak/sk at time now: it sets X-Sdk-Date
// (always from now, so a retried request is signed afresh), adds
// X-Sdk-Content-Sha256 for non-JSON bodies, and sets Authorization. Every
// header already on req except Content-Type is signed, so callers set
// X-Project-Id and X-Security-Token first. body must be the bytes sent.
func Sign(req *http.Request, body []byte, ak, sk string, now time.Time) (Signed, error) {
	if ak == "" || sk == "" {
		return Signed{}, errors.New("empty access key or secret key")
	}
	query, err := url.ParseQuery(req.URL.RawQuery)
	if err != nil {
		return Signed{}, fmt.Errorf("query: %w", err)
	}
	deleteHeader(req.Header, "Authorization")
	deleteHeader(req.Header, headerContentSHA256)
	deleteHeader(req.Header, headerSDKDate)
	if unsignedPayload(headerValue(req.Header, "Content-Type")) {
		req.Header.Set(headerContentSHA256, UnsignedPayload)
	}
	date := now.UTC().Format(SDKDateLayout)
	req.Header.Set(headerSDKDate, date)

	c := Canonical{Method: req.Method, Path: req.URL.Path, Query: query, Headers: map[string]string{}}
	for name, vals := range req.Header {
		if signable(name) {
			c.Headers[strings.ToLower(name)] = strings.Join(vals, ",")
		}
	}
	c.PayloadHash = PayloadHash(body)
	if v, ok := c.Headers[strings.ToLower(headerContentSHA256)]; ok {
		c.PayloadHash = v
	}

	s := Signed{CanonicalRequest: c.Request(), SignedHeaders: c.SignedHeaders()}
	s.StringToSign = StringToSign(s.CanonicalRequest, date)
	s.Signature = Signature(sk, s.StringToSign)
	s.Authorization = Authorization(ak, s.SignedHeaders, s.Signature)
	req.Header.Set("Authorization", s.Authorization)
	return s, nil
}

// Authorization formats the Authorization header value.
func Authorization(ak, signedHeaders, signature string) string {
	return SigningAlgorithm + " Access=" + ak + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature
}

// ParsedAuthorization is an Authorization header taken apart.
type ParsedAuthorization struct {
	Access        string
	SignedHeaders []string
	Signature     string
}

// ParseAuthorization reads an SDK-HMAC-SHA256 Authorization header.
func ParseAuthorization(v string) (ParsedAuthorization, error) {
	var p ParsedAuthorization
	rest, ok := strings.CutPrefix(v, SigningAlgorithm+" ")
	if !ok {
		return p, errors.New("authorization: not " + SigningAlgorithm)
	}
	for _, part := range strings.Split(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return p, fmt.Errorf("authorization: malformed part %q", part)
		}
		switch k {
		case "Access":
			p.Access = val
		case "SignedHeaders":
			p.SignedHeaders = strings.Split(val, ";")
		case "Signature":
			p.Signature = val
		}
	}
	if p.Access == "" || len(p.SignedHeaders) == 0 || p.Signature == "" {
		return p, errors.New("authorization: missing Access, SignedHeaders or Signature")
	}
	return p, nil
}

// headerValue reads a header whatever the case of its key in the map.
func headerValue(h http.Header, name string) string {
	if v := h.Get(name); v != "" {
		return v
	}
	for k, vals := range h {
		if strings.EqualFold(k, name) && len(vals) > 0 {
			return vals[0]
		}
	}
	return ""
}

func deleteHeader(h http.Header, name string) {
	for k := range h {
		if strings.EqualFold(k, name) {
			delete(h, k)
		}
	}
}
