package apig

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestErrorCode(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"no error", nil, ""},
		{"API answer", &Error{Operation: OpProgress, HTTPStatus: 404, Code: "APIC.7302"}, "APIC.7302"},
		{"wrapped API answer", fmt.Errorf("gateway gw1: %w", &Error{Operation: OpList, Code: CodeTimeout}), CodeTimeout},
		{"error from elsewhere", context.Canceled, CodeOther},
		{"plain error", errors.New("boom"), CodeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrorCode(tc.err); got != tc.want {
				t.Errorf("ErrorCode(%v) = %q, want %q", tc.err, got, tc.want)
			}
		})
	}
}
