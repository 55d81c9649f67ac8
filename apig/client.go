package apig

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
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
}

// Client calls the APIG management API.
type Client struct {
	http      *http.Client
	auth      Authorizer
	obs       Observer
	userAgent string
	maxBody   int64
	timeout   time.Duration
}

// NewClient builds a client; Auth is required.
func NewClient(o Options) (*Client, error) {
	if o.Auth == nil {
		return nil, errors.New("apig: no authorizer")
	}
	c := &Client{http: o.HTTPClient, auth: o.Auth, obs: o.Observer, userAgent: o.UserAgent, maxBody: o.MaxBodyBytes, timeout: o.Timeout}
	if c.http == nil {
		c.http = NewHTTPClient(nil)
	}
	if c.obs == nil {
		c.obs = nopObserver{}
	}
	if c.userAgent == "" {
		c.userAgent = "apig_exporter"
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBodyBytes
	}
	return c, nil
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

// do runs a call and returns the body of its 2xx answer. On 401 it asks the
// authorizer for fresh credentials and tries once more.
func (c *Client) do(ctx context.Context, cl call) ([]byte, error) {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	body, err := c.attempt(ctx, cl)
	if e, ok := AsError(err); ok && e.Unauthorized() && c.auth.Refresh(cl.project.ID) {
		body, err = c.attempt(ctx, cl)
	}
	if err != nil {
		return nil, c.fail(err)
	}
	return body, nil
}

// fail counts a finally failed call and returns its error.
func (c *Client) fail(err error) error {
	if e, ok := AsError(err); ok {
		c.obs.ObserveError(e.Operation, e.Code)
	}
	return err
}

// attempt sends one HTTP request and reads its answer.
func (c *Client) attempt(ctx context.Context, cl call) ([]byte, error) {
	u := cl.project.Endpoint + cl.path
	if cl.query != "" {
		u += "?" + cl.query
	}
	var rd io.Reader
	if cl.body != nil {
		rd = strings.NewReader(string(cl.body))
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u, rd)
	if err != nil {
		return nil, &Error{Operation: cl.operation, Code: CodeConnection, Err: err}
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Content-Type", "application/json")
	if err := c.auth.Authorize(ctx, req, cl.project.ID, cl.body); err != nil {
		if e, ok := AsError(err); ok {
			return nil, e
		}
		return nil, &Error{Operation: cl.operation, Code: CodeAuth, Err: err}
	}

	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.obs.ObserveRequest(cl.operation, "error", time.Since(start))
		return nil, transportError(cl.operation, err)
	}
	defer resp.Body.Close()
	body, err := readLimited(resp.Body, c.maxBody)
	c.obs.ObserveRequest(cl.operation, strconv.Itoa(resp.StatusCode), time.Since(start))
	if err != nil {
		if errors.Is(err, errBodyTooLarge) {
			return nil, &Error{Operation: cl.operation, HTTPStatus: resp.StatusCode, Code: CodeDecode, Err: err}
		}
		return nil, transportError(cl.operation, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, httpError(cl.operation, resp, body)
	}
	return body, nil
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

// stripURL drops the *url.Error wrapper, whose text repeats the whole URL.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
