package apig

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"
)

// DefaultMaxBodyBytes bounds every answer we read; a list page of 500
// gateways is well under it.
const DefaultMaxBodyBytes = 4 << 20

// Project names a project and the APIG endpoint that serves it.
type Project struct {
	ID       string
	Endpoint string // scheme://host[:port], no trailing slash
}

// Authorizer adds credentials to a request. Authorize is called once per
// attempt, just before sending, so signatures and tokens are always fresh.
type Authorizer interface {
	Authorize(ctx context.Context, req *http.Request, projectID string, body []byte) error
	// Refresh is called after a 401; it reports whether new credentials
	// may now be had, in which case the call is tried once more.
	Refresh(projectID string) bool
}

// A RefusalRefresher is an Authorizer that can tell, from the request APIG
// refused, whether its credentials were already renewed by another call;
// the client then uses RefreshRefused instead of Refresh.
type RefusalRefresher interface {
	RefreshRefused(projectID string, refused *http.Request) bool
}

// Observer is told of every HTTP exchange and every failed call.
type Observer interface {
	// ObserveRequest is called for each attempt; code is the HTTP status,
	// or "error" when no answer came.
	ObserveRequest(operation, code string, d time.Duration)
	// ObserveError is called once for each call that finally failed.
	ObserveError(operation, code string)
}

// Options configure a Client. Zero values get sensible defaults.
type Options struct {
	HTTPClient   *http.Client
	Auth         Authorizer
	Observer     Observer
	UserAgent    string
	MaxBodyBytes int64
	// Timeout bounds each call, retries included; 0 means only the
	// caller's context does.
	Timeout time.Duration
	// Limiter, when set, bounds the calls in flight and lowers the bound
	// while APIG throttles.
	Limiter *Limiter
	// Backoff says how throttled calls are retried.
	Backoff Backoff
}

// Client calls the APIG management API.
type Client struct {
	sender
	auth    Authorizer
	timeout time.Duration
	limiter *Limiter
	backoff Backoff
}

// NewClient builds a client; Auth is required.
func NewClient(o Options) (*Client, error) {
	if o.Auth == nil {
		return nil, errors.New("apig: no authorizer")
	}
	return &Client{sender: newSender(o.HTTPClient, o.Observer, o.UserAgent, o.MaxBodyBytes), auth: o.Auth, timeout: o.Timeout,
		limiter: o.Limiter, backoff: o.Backoff.withDefaults()}, nil
}

type nopObserver struct{}

func (nopObserver) ObserveRequest(string, string, time.Duration) {}
func (nopObserver) ObserveError(string, string)                  {}

// call is one logical API call; it may take more than one attempt.
type call struct {
	operation string
	method    string
	project   Project
	path      string
	query     string
	body      []byte
}

// do runs a call and returns the body of its 2xx answer. A throttled call
// is retried after a backoff (see Backoff), within the call's deadline.
func (c *Client) do(ctx context.Context, cl call) ([]byte, error) {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, c.timeout, fmt.Errorf("call timeout of %s exceeded: %w", c.timeout, context.DeadlineExceeded))
		defer cancel()
	}
	for retry := 0; ; retry++ {
		body, err := c.limited(ctx, cl)
		if err == nil {
			return body, nil
		}
		e, ok := AsError(err)
		if !ok || !e.Throttled() {
			return nil, c.fail(err)
		}
		wait, again := c.backoff.wait(ctx, e, retry)
		if !again || c.backoff.Sleep(ctx, wait) != nil {
			return nil, c.fail(err)
		}
	}
}

// authed runs one attempt and, on 401, asks the authorizer for fresh
// credentials and tries once more.
func (c *Client) authed(ctx context.Context, cl call) ([]byte, error) {
	body, sent, err := c.attempt(ctx, cl)
	// Only APIG's own 401 is a refused credential; a failed IAM login is
	// not something a retry fixes.
	if e, ok := AsError(err); ok && e.Unauthorized() && e.Operation == cl.operation && c.refresh(cl.project.ID, sent) {
		body, _, err = c.attempt(ctx, cl)
	}
	return body, err
}

func (c *Client) refresh(projectID string, refused *http.Request) bool {
	if r, ok := c.auth.(RefusalRefresher); ok && refused != nil {
		return r.RefreshRefused(projectID, refused)
	}
	return c.auth.Refresh(projectID)
}

// fail counts a finally failed call and returns its error. IAM and
// metadata errors are not counted here: the credential source counts each
// failed fetch once, not once for every call that waited for it.
func (c *Client) fail(err error) error {
	if e, ok := AsError(err); ok && !credentialOperation(e.Operation) {
		c.obs.ObserveError(e.Operation, e.Code)
	}
	return err
}

// attempt sends one HTTP request and reads its answer. It returns the
// request when it was sent, so that a refusal can be traced to its
// credentials.
func (c *Client) attempt(ctx context.Context, cl call) ([]byte, *http.Request, error) {
	u := cl.project.Endpoint + cl.path
	if cl.query != "" {
		u += "?" + cl.query
	}
	var rd io.Reader
	if cl.body != nil {
		rd = bytes.NewReader(cl.body)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u, rd)
	if err != nil {
		return nil, nil, &Error{Operation: cl.operation, Code: CodeConnection, Err: err}
	}
	// Set before signing: the User-Agent is among the signed headers.
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Content-Type", "application/json")
	if err := c.auth.Authorize(ctx, req, cl.project.ID, cl.body); err != nil {
		if e, ok := AsError(err); ok {
			return nil, nil, e
		}
		return nil, nil, &Error{Operation: cl.operation, Code: CodeAuth, Err: err}
	}

	resp, body, err := c.send(cl.operation, req)
	if err != nil {
		return nil, req, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, req, statusError(cl.operation, resp, body, sentCredentials(req)...)
	}
	return body, req, nil
}

// credentialHeaders carry secrets an answer might echo back.
var credentialHeaders = []string{"X-Auth-Token", "X-Security-Token", "Authorization"}

// sentCredentials are the credentials the request carried: some servers
// quote the token they refuse, and error text ends up in logs.
func sentCredentials(req *http.Request) []string {
	var secrets []string
	for _, h := range credentialHeaders {
		if v := req.Header.Get(h); len(v) >= 8 {
			secrets = append(secrets, v)
		}
	}
	return secrets
}

var errBodyTooLarge = errors.New("answer body too large")

func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", errBodyTooLarge, limit)
	}
	return b, nil
}

// transportError classifies a failure with no complete answer.
func transportError(op string, err error) *Error {
	code := CodeConnection
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		code = CodeTimeout
	case errors.As(err, &ne) && ne.Timeout():
		code = CodeTimeout
	case errors.Is(err, context.Canceled):
		code = CodeCanceled
	}
	return &Error{Operation: op, Code: code, Err: stripURL(err)}
}

// withCause adds to err the reason ctx ended, when it ended with one
// (the call timeout, the scrape deadline), so a log line says which limit
// cut the call. The cause is wrapped too: a call cancelled because a
// deadline passed is classified as a timeout.
func withCause(ctx context.Context, err error) error {
	if ctx.Err() == nil {
		return err
	}
	if cause := context.Cause(ctx); cause != nil && cause != ctx.Err() && !errors.Is(err, cause) {
		return fmt.Errorf("%w (%w)", stripURL(err), cause)
	}
	return err
}

// stripURL drops the *url.Error wrapper, whose text repeats the whole URL.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// CloseIdleConnections closes kept-alive connections not in use, such as
// when a reload replaces this client; calls in flight are not affected.
func (c *Client) CloseIdleConnections() { c.client.CloseIdleConnections() }
