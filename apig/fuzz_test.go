package apig

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// The documented answers of the progress API, and a few shapes around them.
var progressSeeds = []string{
	`{"end_time":1597390224911,"error_code":null,"error_msg":null,"progress":100,"start_time":1597389901161,"status":"success"}`,
	`{"end_time":1597390224911,"error_code":null,"error_msg":null,"progress":50,"start_time":1597389901161,"status":"creating"}`,
	`{"end_time":1597390224911,"error_code":"APIC.9218","error_msg":"create failed...","progress":0,"start_time":1597389901161,"status":"failed"}`,
	`{"progress":"fifty","status":"creating"}`,
	`{"progress":101,"status":"creating"}`,
	`{"progress":50,"status":"frozen","start_time":-1,"end_time":0}`,
	`{"progress":50.5,"status":"creating"}`,
	`{"progress":50,"status":"creating","error_code":"<script>"}`,
	`{"progress":50,"status":"creating"`,
	``,
	`<html>502 Bad Gateway</html>`,
}

// FuzzDecodeProgress checks that any 200 body either fails to decode or
// gives a progress that is safe to export: percent in range, a status fit
// to be a label value, and an error code in the API's shape.
func FuzzDecodeProgress(f *testing.F) {
	for _, s := range progressSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := DecodeProgress(body)
		if err != nil {
			if p != nil {
				t.Fatalf("both a progress and an error: %v", err)
			}
			return
		}
		if p.Percent < 0 || p.Percent > 100 {
			t.Errorf("percent %d accepted", p.Percent)
		}
		if p.Status == "" || len(p.Status) > 32 || !utf8.ValidString(p.Status) {
			t.Errorf("status %q accepted", p.Status)
		}
		if p.ErrorCode != "" && p.ErrorCode != "invalid" && !apiCodePattern.MatchString(p.ErrorCode) {
			t.Errorf("error code %q accepted", p.ErrorCode)
		}
		if len(p.ErrorMsg) > maxMessageBytes+3 || !utf8.ValidString(p.ErrorMsg) {
			t.Errorf("error message of %d bytes accepted", len(p.ErrorMsg))
		}
	})
}

// FuzzDecodeError checks that any error answer gives a code fit to be a
// label value and bounded, printable text.
func FuzzDecodeError(f *testing.F) {
	for _, s := range []string{
		`{"error_code":"APIC.7102","error_msg":"Incorrect token or token resolution failed"}`,
		`{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 second","request_id":"a1b2"}`,
		`{"code":"APIG.9008","message":"Too many requests"}`,
		`{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}`,
		`{"error":{"error_code":"APIC.7302","error_msg":"Instance not found"}}`,
		`{"error_code":"<b>x</b>","error_msg":"` + strings.Repeat("é", 200) + `"}`,
		`<html><body><h1>502 Bad Gateway</h1></body></html>`,
		``,
	} {
		f.Add([]byte(s), 500)
	}
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		if status < 100 || status > 999 {
			return
		}
		code, _, _ := DecodeError(body) // must not panic
		resp := &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body))}
		e := httpError(OpProgress, resp, body)
		if e.Code != "http_"+strconv.Itoa(status) && !apiCodePattern.MatchString(e.Code) {
			t.Errorf("code %q (decoded %q) would become a label value", e.Code, code)
		}
		if len(e.Message) > maxMessageBytes+3 || !utf8.ValidString(e.Message) {
			t.Errorf("message of %d bytes, valid UTF-8 %v", len(e.Message), utf8.ValidString(e.Message))
		}
		if len(e.RequestID) > maxRequestIDBytes+3 {
			t.Errorf("request id of %d bytes", len(e.RequestID))
		}
	})
}
