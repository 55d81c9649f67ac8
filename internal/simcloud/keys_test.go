package simcloud

import (
	"net/http"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
)

const testProject = "0123456789abcdef0123456789abcdef"

// signedProgress is a progress request signed with keys at the clock's now.
func signedProgress(t *testing.T, keys IssuedKeys, now time.Time) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodGet, "http://apig.example/v2/"+testProject+"/apigw/instances/x/progress", http.NoBody)
	if err != nil {
		t.Fatal(err)
	}
	a := apig.AKSK{AccessKey: apig.StaticSecret(keys.AccessKey), SecretKey: apig.StaticSecret(keys.SecretKey),
		SecurityToken: apig.StaticSecret(keys.SecurityToken), Now: func() time.Time { return now }}
	if err := a.Authorize(r.Context(), r, testProject, nil); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestKeyIssuerAcceptsOnlyLatestUnexpiredKeys(t *testing.T) {
	clock := NewClock(time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC))
	s := New()
	s.Now = clock.Now
	k := NewKeyIssuer(s)
	first := k.Issue(time.Hour)
	second := k.Issue(time.Hour)
	for _, tc := range []struct {
		name    string
		keys    IssuedKeys
		advance time.Duration
		want    int
	}{
		{name: "latest keys accepted", keys: second, want: 0},
		{name: "rotated-out keys refused", keys: first, want: http.StatusUnauthorized},
		{name: "latest keys with another security token refused", keys: IssuedKeys{AccessKey: second.AccessKey, SecretKey: second.SecretKey, SecurityToken: first.SecurityToken}, want: http.StatusUnauthorized},
		{name: "latest keys refused once expired", keys: second, advance: time.Hour, want: http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock.Advance(tc.advance)
			if got, _ := k.Authenticate(signedProgress(t, tc.keys, clock.Now()), testProject); got != tc.want {
				t.Errorf("status %d, want %d", got, tc.want)
			}
		})
	}
	if k.Issued() != 2 || k.Current() != second {
		t.Errorf("issued %d, current %v", k.Issued(), k.Current())
	}
}
