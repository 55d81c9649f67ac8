package config

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The Huawei Cloud SDKs' credentials file.
const (
	// ProfileFileVar names the credentials file, overriding the default.
	ProfileFileVar = "HUAWEICLOUD_SDK_CREDENTIALS_FILE"
	// profileSection holds project-level credentials; APIG is project-level.
	profileSection = "basic"
)

// Profile is the [basic] section of an SDK credentials file: an AK/SK
// pair (with a security token for temporary keys), or an OIDC identity
// provider and id token file; a project ID and IAM endpoint may come with
// either.
type Profile struct {
	Path string // the file it was read from

	AccessKey     string
	SecretKey     Secret
	SecurityToken Secret
	ProjectID     string
	IAMEndpoint   string
	IdpID         string
	IDTokenFile   string
}

// ProfilePath is where the SDKs look for the credentials file:
// $HUAWEICLOUD_SDK_CREDENTIALS_FILE, else ~/.huaweicloud/credentials.
// lookup is os.LookupEnv outside tests.
func ProfilePath(lookup func(string) (string, bool)) (string, error) {
	if p, ok := lookup(ProfileFileVar); ok && p != "" {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("credentials file: no %s and no home directory: %w", ProfileFileVar, err)
	}
	return filepath.Join(home, ".huaweicloud", "credentials"), nil
}

// LoadProfile reads a credentials file. A missing file gives an error
// matching fs.ErrNotExist, so that a default chain can go on to the next
// source. Errors name the file and the line or key, never a value.
func LoadProfile(path string) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("credentials file %s: %w", path, err)
	}
	return ParseProfile(path, data)
}

// ParseProfile reads the [basic] section of a credentials file's content;
// path only names it in errors. Lines are `key = value`, `[section]`,
// blank, or comments starting with # or ;. Other sections are ignored,
// and so are keys of [basic] that APIG does not use.
func ParseProfile(path string, data []byte) (*Profile, error) {
	p := &Profile{Path: path}
	fields := map[string]*string{
		"ak":             &p.AccessKey,
		"sk":             (*string)(&p.SecretKey),
		"security_token": (*string)(&p.SecurityToken),
		"project_id":     &p.ProjectID,
		"iam_endpoint":   &p.IAMEndpoint,
		"idp_id":         &p.IdpID,
		"id_token_file":  &p.IDTokenFile,
	}
	fail := func(format string, a ...any) (*Profile, error) {
		return nil, fmt.Errorf("credentials file %s: "+format, append([]any{path}, a...)...)
	}
	section, found := "", false
	seen := map[string]int{} // key -> line
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if n == 1 {
			line = strings.TrimPrefix(line, "\uFEFF") // a byte-order mark some editors write
		}
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
			continue
		case line[0] == '[':
			if !strings.HasSuffix(line, "]") {
				return fail("line %d: section header without closing ]", n)
			}
			section = strings.TrimSpace(line[1 : len(line)-1])
			if section == profileSection {
				if found {
					return fail("line %d: second [%s] section", n, profileSection)
				}
				found = true
			}
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return fail("line %d: want key = value, a [section] or a comment", n)
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if key == "" {
			return fail("line %d: no key before =", n)
		}
		if section != profileSection {
			continue
		}
		field, known := fields[key]
		if !known {
			continue
		}
		if first, dup := seen[key]; dup {
			return fail("[%s] %s set twice, on lines %d and %d", profileSection, key, first, n)
		}
		seen[key] = n
		*field = value
	}
	if err := sc.Err(); err != nil {
		return fail("%v", err)
	}
	if !found {
		return fail("no [%s] section", profileSection)
	}
	if err := p.check(); err != nil {
		return fail("[%s] %v", profileSection, err)
	}
	return p, nil
}

// check wants one complete set of credentials.
func (p *Profile) check() error {
	aksk := p.AccessKey != "" || p.SecretKey != "" || p.SecurityToken != ""
	oidc := p.IdpID != "" || p.IDTokenFile != ""
	switch {
	case p.AccessKey != "" && p.SecretKey == "":
		return errors.New("ak is set but sk is not; set both")
	case p.SecretKey != "" && p.AccessKey == "":
		return errors.New("sk is set but ak is not; set both")
	case p.SecurityToken != "" && p.AccessKey == "":
		return errors.New("security_token is set without ak and sk")
	case p.IdpID != "" && p.IDTokenFile == "":
		return errors.New("idp_id is set but id_token_file is not; OIDC needs both")
	case p.IDTokenFile != "" && p.IdpID == "":
		return errors.New("id_token_file is set but idp_id is not; OIDC needs both")
	case !aksk && !oidc:
		return errors.New("no credentials: want ak and sk, or idp_id and id_token_file")
	}
	return nil
}
