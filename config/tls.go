package config

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	"github.com/apig-exporter/apig_exporter/internal/fileerr"
)

// TLS configures how the exporter checks the cloud's certificates.
// Verification is on unless insecure_skip_verify says otherwise.
type TLS struct {
	// CAFile holds PEM certificates trusted in addition to the system's.
	CAFile string `yaml:"ca_file"`
	// InsecureSkipVerify turns verification off; for tests only.
	InsecureSkipVerify bool `yaml:"insecure_skip_verify"`
}

func (t *TLS) validate(p *problems) {
	if t.CAFile == "" {
		return
	}
	b, err := os.ReadFile(t.CAFile)
	if err != nil {
		p.add("tls.ca_file", "cannot read %s: %v", t.CAFile, fileerr.Cause(err))
		return
	}
	if !x509.NewCertPool().AppendCertsFromPEM(b) {
		p.add("tls.ca_file", "%s holds no PEM certificate", t.CAFile)
	}
}

// errNoCertificate is returned for a CA file without certificates.
var errNoCertificate = errors.New("holds no PEM certificate")

// CertPool is the system pool plus the certificates of CAFile, or nil when
// no CA file is set (the system pool is then used as is).
func (t *TLS) CertPool() (*x509.CertPool, error) {
	if t.CAFile == "" {
		return nil, nil
	}
	b, err := os.ReadFile(t.CAFile)
	if err != nil {
		return nil, fmt.Errorf("tls.ca_file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("tls.ca_file: %s %w", t.CAFile, errNoCertificate)
	}
	return pool, nil
}
