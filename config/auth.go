package config

import (
	"net/url"
	"strings"
)

// Auth holds the credentials: exactly one mode. Secrets are typed so they
// never print. A profile is replaced, while loading, by the mode its file
// holds; an auth left out of the file is resolved by the default chain
// (see resolveAuth).
type Auth struct {
	Token     Secret    `yaml:"token"`
	TokenFile string    `yaml:"token_file"`
	AKSK      *AKSK     `yaml:"aksk"`
	Password  *Password `yaml:"password"`
	Agency    *Agency   `yaml:"agency"`
	OIDC      *OIDC     `yaml:"oidc"`
	Profile   *Profiled `yaml:"profile"`

	// Source says where the credentials came from, for the log: "" for
	// the file, else the environment variables or the credentials file.
	Source string `yaml:"-"`
	// IAMEndpoint is the credentials file's iam_endpoint, or
	// HUAWEICLOUD_SDK_IAM_ENDPOINT: used when the config sets none.
	IAMEndpoint string `yaml:"-"`
	// Chain is set when auth was left out and neither the environment nor
	// a credentials file had credentials: it says why each failed. Agency
	// is then set, and the exporter tries the metadata service at load.
	Chain []string `yaml:"-"`

	// written is whether the file has an auth mapping (even an empty one).
	written bool
}

// UnmarshalYAML notes that auth was written: an empty auth is a mistake,
// while an absent one asks for the default chain.
func (a *Auth) UnmarshalYAML(unmarshal func(any) error) error {
	type plain Auth
	if err := unmarshal((*plain)(a)); err != nil {
		return err
	}
	a.written = true
	return nil
}

// defaultMetadataEndpoint is the ECS/BMS metadata service; the apig
// package has the same constant, which config does not import.
const defaultMetadataEndpoint = "http://169.254.169.254"

// Agency takes temporary keys from the ECS/BMS metadata service.
type Agency struct {
	// MetadataEndpoint is "" for the link-local metadata service.
	MetadataEndpoint string `yaml:"metadata_endpoint"`
}

// OIDC exchanges a workload's id token for temporary keys at IAM.
type OIDC struct {
	IdpID       string `yaml:"idp_id"`
	IDTokenFile string `yaml:"id_token_file"`
}

// Profiled names the SDK credentials file to read.
type Profiled struct {
	// File is "" for $HUAWEICLOUD_SDK_CREDENTIALS_FILE, else
	// ~/.huaweicloud/credentials.
	File string `yaml:"file"`
}

// AKSK is an access key / secret key pair, with a security token for
// temporary credentials. Each value is given inline or as a file that is
// re-read when it changes.
type AKSK struct {
	AccessKey         string `yaml:"access_key"`
	AccessKeyFile     string `yaml:"access_key_file"`
	SecretKey         Secret `yaml:"secret_key"`
	SecretKeyFile     string `yaml:"secret_key_file"`
	SecurityToken     Secret `yaml:"security_token"`
	SecurityTokenFile string `yaml:"security_token_file"`
}

// Password is an IAM user's password login; the exporter gets and renews
// tokens itself.
type Password struct {
	DomainName   string `yaml:"domain_name"`
	Username     string `yaml:"username"`
	Password     Secret `yaml:"password"`
	PasswordFile string `yaml:"password_file"`
}

// Authentication modes, as Mode reports them.
const (
	ModeToken    = "token"
	ModeAKSK     = "aksk"
	ModePassword = "password"
	ModeAgency   = "agency"
	ModeOIDC     = "oidc"
	ModeProfile  = "profile"
)

// Mode is the configured mode, or "" when none is.
func (a *Auth) Mode() string {
	if m := a.modes(); len(m) == 1 {
		switch m[0] {
		case "token", "token_file":
			return ModeToken
		}
		return m[0]
	}
	return ""
}

// Temporary reports whether the mode uses temporary keys that the
// exporter fetches and renews.
func (a *Auth) Temporary() bool {
	m := a.Mode()
	return m == ModeAgency || m == ModeOIDC
}

// modes lists the mode keys set, in the order the README gives them.
func (a *Auth) modes() []string {
	var m []string
	switch {
	case a.Token != "":
		m = append(m, "token")
	case a.TokenFile != "":
		m = append(m, "token_file")
	}
	for _, k := range []struct {
		name string
		set  bool
	}{
		{ModeAKSK, a.AKSK != nil}, {ModePassword, a.Password != nil}, {ModeAgency, a.Agency != nil},
		{ModeOIDC, a.OIDC != nil}, {ModeProfile, a.Profile != nil},
	} {
		if k.set {
			m = append(m, k.name)
		}
	}
	return m
}

// noCredentials is the message for an auth that names no mode.
const noCredentials = "no credentials; set one of token, token_file, aksk, password, agency, oidc or profile, or leave auth out to use the environment, the credentials file or the ECS metadata service"

// noProjectCredentials is the message for a project's auth that names no mode.
const noProjectCredentials = "no credentials; set one of token, token_file, aksk, password, agency, oidc or profile, or leave auth out to use the top-level auth"

// validate checks the auth at key at ("auth", "projects[0].auth").
func (a *Auth) validate(p *problems, at string) {
	if a.Token != "" && a.TokenFile != "" {
		p.add(at, "token and token_file are both set; configure exactly one")
		return
	}
	switch m := a.modes(); len(m) {
	case 0:
		if at == "auth" {
			p.add(at, noCredentials)
		} else {
			p.add(at, noProjectCredentials)
		}
		return
	case 1:
	case 2:
		p.add(at, "%s and %s are both set; configure exactly one", m[0], m[1])
		return
	default:
		p.add(at, "%s and %s are all set; configure exactly one", strings.Join(m[:len(m)-1], ", "), m[len(m)-1])
		return
	}
	if a.TokenFile != "" {
		if err := readableSecretFile(a.TokenFile); err != nil {
			p.add(at+".token_file", "%v", err)
		}
	}
	if k := a.AKSK; k != nil {
		oneOf(p, at+".aksk", "access_key", k.AccessKey != "", k.AccessKeyFile, true)
		oneOf(p, at+".aksk", "secret_key", k.SecretKey != "", k.SecretKeyFile, true)
		oneOf(p, at+".aksk", "security_token", k.SecurityToken != "", k.SecurityTokenFile, false)
	}
	if pw := a.Password; pw != nil {
		if pw.DomainName == "" {
			p.add(at+".password.domain_name", "missing; set the account (domain) name the IAM user belongs to")
		}
		if pw.Username == "" {
			p.add(at+".password.username", "missing; set the IAM user name")
		}
		oneOf(p, at+".password", "password", pw.Password != "", pw.PasswordFile, true)
	}
	if g := a.Agency; g != nil && g.MetadataEndpoint != "" {
		if u, err := url.Parse(g.MetadataEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.User != nil || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
			p.add(at+".agency.metadata_endpoint", "%q must be http://host[:port], such as %s", g.MetadataEndpoint, defaultMetadataEndpoint)
		}
	}
	if o := a.OIDC; o != nil {
		if o.IdpID == "" {
			p.add(at+".oidc.idp_id", "missing; set the ID of the identity provider configured in IAM")
		}
		if o.IDTokenFile == "" {
			p.add(at+".oidc.id_token_file", "missing; set the file holding the id token (such as a projected service-account token)")
		} else if err := readableSecretFile(o.IDTokenFile); err != nil {
			p.add(at+".oidc.id_token_file", "%v", err)
		}
	}
	if a.Profile != nil {
		// resolveAuth replaces a profile by its content; one left means
		// the config was built without loading.
		p.add(at+".profile", "not loaded; load the configuration with Load or ParseWithEnv")
	}
}

// oneOf checks a value given as key or key_file: not both, and present
// when required; a file must be readable and not empty.
func oneOf(p *problems, at, key string, inline bool, file string, required bool) {
	switch {
	case inline && file != "":
		p.add(at, "%s and %s_file are both set; configure exactly one", key, key)
	case file != "":
		if err := readableSecretFile(file); err != nil {
			p.add(at+"."+key+"_file", "%v", err)
		}
	case !inline && required:
		p.add(at+"."+key, "missing; set %s or %s_file", key, key)
	}
}
