// Package testenv keeps the developer's own cloud credentials out of
// tests that load configurations.
package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// CredentialsFileVar is the SDKs' credentials file variable.
const CredentialsFileVar = "HUAWEICLOUD_SDK_CREDENTIALS_FILE"

// Main is a TestMain: it runs m with no HUAWEICLOUD_SDK_* or HW_*
// variable set and HUAWEICLOUD_SDK_CREDENTIALS_FILE naming a file that
// does not exist, then fails on leaked goroutines.
func Main(m *testing.M) {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "HUAWEICLOUD_SDK_") || strings.HasPrefix(k, "HW_") {
			_ = os.Unsetenv(k)
		}
	}
	dir, err := os.MkdirTemp("", "apig_exporter_test")
	if err != nil {
		panic(err)
	}
	_ = os.Setenv(CredentialsFileVar, filepath.Join(dir, "no-credentials"))
	goleak.VerifyTestMain(isolated{m: m, dir: dir})
}

type isolated struct {
	m   *testing.M
	dir string
}

func (i isolated) Run() int {
	defer os.RemoveAll(i.dir)
	return i.m.Run()
}
