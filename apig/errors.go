package apig

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Operations, used in errors and observations.
const (
	OpProgress = "progress"
	OpList     = "list"
	OpIAM      = "iam"
	// OpMetadata is the ECS/BMS metadata service, source of agency keys.
	OpMetadata = "metadata"
)

// Codes the client uses when the API gave none of its own.
const (
	CodeTimeout    = "timeout"
	CodeConnection = "connection"
	CodeDecode     = "decode"
	CodeCanceled   = "canceled"
	CodeAuth       = "auth"
)

var apiCodePattern = regexp.MustCompile(`^[A-Za-z]{2,12}\.[0-9]{3,5}$`)

// Error is a failed API call. Code is the API's error code (APIC.7102,
// APIGW.0308, ...) or one of the Code* constants, or http_<status> when an
// error answer carried no code. It never holds credentials.
type Error struct {
	Operation  string
	HTTPStatus int // 0 when no answer was received
	Code       string
	Message    string
	RequestID  string
	RetryAfter time.Duration // from a Retry-After header, if any
	Err        error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Operation)
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.HTTPStatus)
	}
	b.WriteString(": ")
	b.WriteString(e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.RequestID != "" {
		b.WriteString(" (request_id ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Unauthorized reports an answer that says the credentials were refused
// (HTTP 401), where fresh credentials may help.
func (e *Error) Unauthorized() bool { return e.HTTPStatus == http.StatusUnauthorized }

// Forbidden reports an answer that says the credentials lack permission.
func (e *Error) Forbidden() bool { return e.HTTPStatus == http.StatusForbidden }

// NotFound reports that the gateway does not exist (APIC.7302 and kin).
func (e *Error) NotFound() bool { return e.HTTPStatus == http.StatusNotFound }

// Throttled reports an answer that asks us to slow down: HTTP 429, or the
// APIG.9008 "too many requests" code that APIG returns with HTTP 500.
func (e *Error) Throttled() bool {
	switch e.Code {
	case "APIGW.0308", "APIG.0308", "APIG.9008":
		return true
	}
	return e.HTTPStatus == http.StatusTooManyRequests
}

// Reached reports whether APIG answered at all (any HTTP status). An IAM
// or metadata answer does not count: failing to get credentials means
// APIG was never asked.
func (e *Error) Reached() bool { return e.HTTPStatus != 0 && !credentialOperation(e.Operation) }

// credentialOperation reports the operations that obtain credentials
// rather than call APIG.
func credentialOperation(op string) bool { return op == OpIAM || op == OpMetadata }

// CodeOther is the error code of a failure that is not an *Error.
const CodeOther = "error"

// ErrorCode is the error_code that logs and metrics give err: the Code of
// the *Error it wraps, CodeOther for any other error, "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := AsError(err); ok {
		return e.Code
	}
	return CodeOther
}

// AsError returns err as an *Error, if it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// errorBody covers the three error shapes Huawei Cloud APIs answer with:
// {"error_code","error_msg"}, {"code","message"} and {"error":{"code","message"}}.
type errorBody struct {
	ErrorCode string          `json:"error_code"`
	ErrorMsg  string          `json:"error_msg"`
	Code      json.RawMessage `json:"code"`
	Message   string          `json:"message"`
	RequestID string          `json:"request_id"`
	Nested    *struct {
		Code      json.RawMessage `json:"code"`
		Message   string          `json:"message"`
		Title     string          `json:"title"`
		ErrorCode string          `json:"error_code"`
		ErrorMsg  string          `json:"error_msg"`
	} `json:"error"`
}

// DecodeError reads the API's code, message and request id from an error
// answer. Missing fields come back empty; a body that is not JSON gives all
// empty strings.
func DecodeError(body []byte) (code, message, requestID string) {
	var eb errorBody
	if json.Unmarshal(body, &eb) != nil {
		return "", "", ""
	}
	switch {
	case eb.ErrorCode != "":
		return eb.ErrorCode, eb.ErrorMsg, eb.RequestID
	case rawString(eb.Code) != "":
		return rawString(eb.Code), eb.Message, eb.RequestID
	case eb.Nested != nil:
		if eb.Nested.ErrorCode != "" {
			return eb.Nested.ErrorCode, eb.Nested.ErrorMsg, eb.RequestID
		}
		msg := eb.Nested.Message
		if msg == "" {
			msg = eb.Nested.Title
		}
		return rawString(eb.Nested.Code), msg, eb.RequestID
	}
	return "", eb.ErrorMsg + eb.Message, eb.RequestID
}

// rawString accepts a code sent as a JSON string or number (IAM sends 401).
func rawString(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// httpError builds the Error for a non-2xx answer.
func httpError(op string, resp *http.Response, body []byte) *Error {
	code, msg, reqID := DecodeError(body)
	// Codes become label values: accept only the API's shape (APIC.7102,
	// APIGW.0308) so a hostile or broken server cannot mint new series.
	if !apiCodePattern.MatchString(code) {
		code = "http_" + strconv.Itoa(resp.StatusCode)
	}
	if reqID == "" {
		reqID = resp.Header.Get("X-Request-Id")
	}
	return &Error{
		Operation:  op,
		HTTPStatus: resp.StatusCode,
		Code:       code,
		Message:    clip(msg, maxMessageBytes),
		RequestID:  clip(reqID, maxRequestIDBytes),
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After")),
	}
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 when absent or bad.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// Bounds on text taken from answers: it reaches logs and error strings, and
// a broken or hostile server must not be able to fill them.
const (
	maxMessageBytes   = 256
	maxRequestIDBytes = 128
)

// clip shortens s to at most n bytes on a rune boundary, marking the cut
// with "...", and replaces invalid UTF-8.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
