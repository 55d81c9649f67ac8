package config

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// credentialVars are the environment's AK/SK families, in precedence order:
// the Huawei Cloud SDKs' own names, then the Terraform provider's. A family
// is taken whole, never mixed with another.
var credentialVars = []struct{ ak, sk, token string }{
	{"HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN"},
	{"HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN"},
}

// The SDKs' OIDC identity and IAM endpoint variables. The OIDC pair wins
// over AK/SK, as in the SDKs.
const (
	IdpIDVar       = "HUAWEICLOUD_SDK_IDP_ID"
	IDTokenFileVar = "HUAWEICLOUD_SDK_ID_TOKEN_FILE"
	IAMEndpointVar = "HUAWEICLOUD_SDK_IAM_ENDPOINT"
)

// projectVars and regionVars, in precedence order.
var (
	projectVars = []string{"HUAWEICLOUD_SDK_PROJECT_ID", "HW_PROJECT_ID"}
	regionVars  = []string{"HW_REGION_NAME"}
)

// FromEnvironment fills in what the file left out. When auth is left out
// it runs the default chain (see chain); a profile is replaced by the
// credentials its file holds. Then the project ID when no project is
// listed (then with discovery on) or the one listed has no id, the region
// when none is set at the top level, and HUAWEICLOUD_SDK_IAM_ENDPOINT for
// credentials that name no IAM endpoint. The file always wins; lookup is
// os.LookupEnv outside tests, nil for no environment (and then no
// credentials file is read by the chain).
func (c *Config) FromEnvironment(lookup func(string) (string, bool)) error {
	get := func(name string) string {
		if lookup == nil {
			return ""
		}
		v, _ := lookup(name)
		return v
	}
	if !c.Auth.written && len(c.Auth.modes()) == 0 {
		if err := c.chain(get, lookup != nil); err != nil {
			return err
		}
	}
	if err := c.loadProfiles(get); err != nil {
		return err
	}
	if id := first(get, projectVars); id != "" {
		c.setProject(id)
	}
	if c.Region == "" {
		c.Region = first(get, regionVars)
	}
	if v := get(IAMEndpointVar); v != "" {
		v = withScheme(v)
		var p problems
		p.endpoint(IAMEndpointVar, v)
		if err := p.err(); err != nil {
			return err
		}
		for _, a := range c.auths() {
			if a.IAMEndpoint == "" {
				a.IAMEndpoint = v
			}
		}
	}
	return nil
}

// setProject gives the top level a project found outside the file: the
// only project when none is listed (watching every gateway it has, since
// none is listed), or the id of the one listed without.
func (c *Config) setProject(id string) {
	switch {
	case len(c.Projects) == 0:
		c.Projects = []Project{{ID: id, Discovery: Discovery{Discover: true}}}
	case len(c.Projects) == 1 && c.Projects[0].ID == "":
		c.Projects[0].ID = id
	}
}

// auths are the top-level auth and the projects' own.
func (c *Config) auths() []*Auth {
	a := []*Auth{&c.Auth}
	for i := range c.Projects {
		if c.Projects[i].Auth != nil {
			a = append(a, c.Projects[i].Auth)
		}
	}
	return a
}

// chain is the SDKs' default provider chain for an auth left out: the
// environment, then the credentials file if it exists, then the metadata
// service, which only the exporter can try (at load): Auth.Chain then
// keeps why the first two gave nothing. A half-set pair of variables or a
// broken credentials file is an error, not a reason to go on.
func (c *Config) chain(get func(string) string, readFile bool) error {
	a := &c.Auth
	found, err := a.fromEnvironment(get)
	if err != nil || found {
		return err
	}
	tried := []string{"environment: none of " + IdpIDVar + " with " + IDTokenFileVar + ", " + credentialVars[0].ak + " with " +
		credentialVars[0].sk + ", " + credentialVars[1].ak + " with " + credentialVars[1].sk + " is set"}
	if !readFile {
		tried = append(tried, "credentials file: not read without an environment")
	} else {
		path, err := ProfilePath(func(k string) (string, bool) { v := get(k); return v, v != "" })
		if err != nil {
			tried = append(tried, err.Error())
		} else {
			prof, err := LoadProfile(path)
			switch {
			case err == nil:
				id, err := a.fromProfile(prof)
				if id != "" {
					c.setProject(id)
				}
				return err
			case errors.Is(err, fs.ErrNotExist):
				tried = append(tried, err.Error())
			default:
				return fmt.Errorf("config: auth: %w", err)
			}
		}
	}
	a.Agency = &Agency{}
	a.Chain = tried
	return nil
}

// fromEnvironment sets credentials from the environment: the OIDC pair,
// else the first AK/SK family set. It reports whether it found any.
func (a *Auth) fromEnvironment(get func(string) string) (bool, error) {
	if err := bothOrNeither(get, IdpIDVar, IDTokenFileVar); err != nil {
		return false, err
	}
	if idp := get(IdpIDVar); idp != "" {
		a.OIDC = &OIDC{IdpID: idp, IDTokenFile: get(IDTokenFileVar)}
		a.Source = "environment: " + IdpIDVar + ", " + IDTokenFileVar
		return true, nil
	}
	for _, f := range credentialVars {
		if err := bothOrNeither(get, f.ak, f.sk); err != nil {
			return false, err
		}
		ak, sk := get(f.ak), get(f.sk)
		if ak == "" {
			continue
		}
		a.AKSK = &AKSK{AccessKey: ak, SecretKey: Secret(sk), SecurityToken: Secret(get(f.token))}
		a.Source = "environment: " + f.ak + ", " + f.sk
		if get(f.token) != "" {
			a.Source += ", " + f.token
		}
		return true, nil
	}
	return false, nil
}

// bothOrNeither refuses a pair of variables of which only one is set.
func bothOrNeither(get func(string) string, x, y string) error {
	switch {
	case get(x) != "" && get(y) == "":
		return fmt.Errorf("config: auth: %s is set in the environment but %s is not; set both or neither", x, y)
	case get(x) == "" && get(y) != "":
		return fmt.Errorf("config: auth: %s is set in the environment but %s is not; set both or neither", y, x)
	}
	return nil
}

// loadProfiles replaces each auth.profile by the credentials of its file;
// the file's project_id names the project that has none.
func (c *Config) loadProfiles(get func(string) string) error {
	load := func(a *Auth, at string) (string, error) {
		path := a.Profile.File
		if path == "" {
			var err error
			if path, err = ProfilePath(func(k string) (string, bool) { v := get(k); return v, v != "" }); err != nil {
				return "", fmt.Errorf("config: %s.profile.file: %w", at, err)
			}
		}
		prof, err := LoadProfile(path)
		if err != nil {
			return "", fmt.Errorf("config: %s.profile.file: %w", at, err)
		}
		return a.fromProfile(prof)
	}
	if c.Auth.Profile != nil && len(c.Auth.modes()) == 1 {
		id, err := load(&c.Auth, "auth")
		if err != nil {
			return err
		}
		if id != "" {
			c.setProject(id)
		}
	}
	for i := range c.Projects {
		p := &c.Projects[i]
		if p.Auth == nil || p.Auth.Profile == nil || len(p.Auth.modes()) != 1 {
			continue
		}
		id, err := load(p.Auth, fmt.Sprintf("projects[%d].auth", i))
		if err != nil {
			return err
		}
		if p.ID == "" {
			p.ID = id
		}
	}
	return nil
}

// fromProfile takes a credentials file's credentials in place of the
// profile key and returns its project_id.
func (a *Auth) fromProfile(p *Profile) (string, error) {
	a.Profile = nil
	if p.AccessKey != "" {
		a.AKSK = &AKSK{AccessKey: p.AccessKey, SecretKey: p.SecretKey, SecurityToken: p.SecurityToken}
	} else {
		a.OIDC = &OIDC{IdpID: p.IdpID, IDTokenFile: p.IDTokenFile}
	}
	a.Source = "credentials file: " + p.Path
	if p.IAMEndpoint != "" {
		a.IAMEndpoint = withScheme(p.IAMEndpoint)
		var pr problems
		pr.endpoint("credentials file "+p.Path+": [basic] iam_endpoint", a.IAMEndpoint)
		if err := pr.err(); err != nil {
			return "", err
		}
	}
	return p.ProjectID, nil
}

// withScheme adds https:// to an endpoint written without a scheme, as
// the Go SDK does.
func withScheme(endpoint string) string {
	if !strings.Contains(endpoint, "://") {
		return "https://" + endpoint
	}
	return endpoint
}

func first(get func(string) string, names []string) string {
	for _, n := range names {
		if v := get(n); v != "" {
			return v
		}
	}
	return ""
}
