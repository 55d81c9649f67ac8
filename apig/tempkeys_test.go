package apig_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apig-exporter/apig_exporter/apig"
)

func TestTemporaryKeysPrintNoSecret(t *testing.T) {
	k := apig.TemporaryKeys{AccessKey: "TEMPAK00000000000001", SecretKey: "very-secret-sk", SecurityToken: "very-secret-token", ExpiresAt: testStart}
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out := fmt.Sprintf(format, k)
		if strings.Contains(out, "very-secret") {
			t.Errorf("%s printed a secret: %s", format, out)
		}
		if !strings.Contains(out, "TEMPAK00000000000001") {
			t.Errorf("%s does not name the access key: %s", format, out)
		}
	}
}
