package apig

import (
	"net/http"
	"strings"
	"testing"
)

func TestStatusErrorRedactsBeforeClipping(t *testing.T) {
	long := "sts-" + strings.Repeat("0123456789", 60) // past the message and request-id bounds
	resp := &http.Response{StatusCode: 401, Header: http.Header{"X-Request-Id": {"req " + long}}}
	body := []byte(`{"error_code":"APIGW.0301","error_msg":"bad token ` + long + `"}`)
	e := statusError(OpProgress, resp, body, long, "")
	if strings.Contains(e.Error(), long[:16]) {
		t.Errorf("secret in %q", e.Error())
	}
	if e.Message != "bad token <redacted>" || e.RequestID != "req <redacted>" || e.Code != "APIGW.0301" {
		t.Errorf("got %#v", e)
	}
	if resp.Header.Get("X-Request-Id") != "req "+long {
		t.Error("the answer's own header was changed")
	}
}
