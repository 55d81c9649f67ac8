package config

import "strings"

// Auth holds the credentials: exactly one of a static token, an AK/SK pair
// or an IAM password login. Secrets are typed so they never print.
type Auth struct {
	Token     Secret    `yaml:"token"`
	TokenFile string    `yaml:"token_file"`
	AKSK      *AKSK     `yaml:"aksk"`
	Password  *Password `yaml:"password"`

	// Source says where the credentials came from, for the log: "" for
	// the file, else the environment variables used.
	Source string `yaml:"-"`
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

// modes lists the mode keys set, in the order the README gives them.
func (a *Auth) modes() []string {
	var m []string
	switch {
	case a.Token != "":
		m = append(m, "token")
	case a.TokenFile != "":
		m = append(m, "token_file")
	}
	if a.AKSK != nil {
		m = append(m, "aksk")
	}
	if a.Password != nil {
		m = append(m, "password")
	}
	return m
}

func (a *Auth) validate(p *problems) {
	if a.Token != "" && a.TokenFile != "" {
		p.add("auth", "token and token_file are both set; configure exactly one")
		return
	}
	switch m := a.modes(); len(m) {
	case 0:
		p.add("auth", "no credentials; set one of token, token_file, aksk or password (or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK in the environment)")
	case 1:
	case 2:
		p.add("auth", "%s and %s are both set; configure exactly one", m[0], m[1])
		return
	default:
		p.add("auth", "%s and %s are all set; configure exactly one", strings.Join(m[:len(m)-1], ", "), m[len(m)-1])
		return
	}
	if a.TokenFile != "" {
		if err := readableSecretFile(a.TokenFile); err != nil {
			p.add("auth.token_file", "%v", err)
		}
	}
	if k := a.AKSK; k != nil {
		oneOf(p, "auth.aksk", "access_key", k.AccessKey != "", k.AccessKeyFile, true)
		oneOf(p, "auth.aksk", "secret_key", k.SecretKey != "", k.SecretKeyFile, true)
		oneOf(p, "auth.aksk", "security_token", k.SecurityToken != "", k.SecurityTokenFile, false)
	}
	if pw := a.Password; pw != nil {
		if pw.DomainName == "" {
			p.add("auth.password.domain_name", "missing; set the account (domain) name the IAM user belongs to")
		}
		if pw.Username == "" {
			p.add("auth.password.username", "missing; set the IAM user name")
		}
		oneOf(p, "auth.password", "password", pw.Password != "", pw.PasswordFile, true)
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
