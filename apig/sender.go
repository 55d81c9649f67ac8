package apig

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// sender sends every request of the package: APIG calls, IAM logins, OIDC
// exchanges, the metadata service and project lookups. It is the one place
// that observes each attempt, bounds the answer and classifies a failure
// to get one.
type sender struct {
	client    *http.Client
	obs       Observer
	userAgent string
	maxBody   int64
}

func newSender(client *http.Client, obs Observer, userAgent string, maxBody int64) sender {
	if client == nil {
		client = NewHTTPClient(nil)
	}
	if obs == nil {
		obs = nopObserver{}
	}
	if userAgent == "" {
		userAgent = "apig_exporter"
	}
	if maxBody <= 0 {
		maxBody = DefaultMaxBodyBytes
	}
	return sender{client: client, obs: obs, userAgent: userAgent, maxBody: maxBody}
}

// send does one request and returns the answer with its body read. Only
// a failure to get a complete answer is an error: the caller judges the
// status.
func (c sender) send(op string, req *http.Request) (*http.Response, []byte, error) {
	req.Header.Set("User-Agent", c.userAgent)
	start := time.Now()
	resp, err := c.client.Do(req)
	if err != nil {
		c.obs.ObserveRequest(op, "error", time.Since(start))
		return nil, nil, transportError(op, withCause(req.Context(), err))
	}
	defer resp.Body.Close()
	body, err := readLimited(resp.Body, c.maxBody)
	c.obs.ObserveRequest(op, strconv.Itoa(resp.StatusCode), time.Since(start))
	if err != nil {
		if errors.Is(err, errBodyTooLarge) {
			return nil, nil, &Error{Operation: op, HTTPStatus: resp.StatusCode, Code: CodeDecode, Err: err}
		}
		return nil, nil, transportError(op, withCause(req.Context(), err))
	}
	return resp, body, nil
}

// statusError is the error for a refusing answer, with every secret the
// exchange involved removed from the text taken from it: credential
// services are known to quote what they refuse.
func statusError(op string, resp *http.Response, body []byte, secrets ...string) *Error {
	// Redacted before decoding: message and request ID are clipped, and a
	// clipped secret would no longer match.
	if id := resp.Header.Get("X-Request-Id"); id != "" {
		redacted := *resp
		redacted.Header = resp.Header.Clone()
		redacted.Header.Set("X-Request-Id", redact(id, secrets...))
		resp = &redacted
	}
	return httpError(op, resp, []byte(redact(string(body), secrets...)))
}

// redact replaces each non-empty secret in s.
func redact(s string, secrets ...string) string {
	for _, v := range secrets {
		if v != "" {
			s = strings.ReplaceAll(s, v, "<redacted>")
		}
	}
	return s
}

func ok2xx(status int) bool { return status >= 200 && status <= 299 }
