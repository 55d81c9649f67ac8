package config

import "fmt"

// credentialVars are the environment's AK/SK families, in precedence order:
// the Huawei Cloud SDKs' own names, then the Terraform provider's. A family
// is taken whole, never mixed with another.
var credentialVars = []struct{ ak, sk, token string }{
	{"HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN"},
	{"HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN"},
}

// projectVars and regionVars, in precedence order.
var (
	projectVars = []string{"HUAWEICLOUD_SDK_PROJECT_ID", "HW_PROJECT_ID"}
	regionVars  = []string{"HW_REGION_NAME"}
)

// FromEnvironment fills in what the file left out: AK/SK credentials when
// auth names no mode, the project ID when no project is listed (then with
// discovery on) or the one listed has no id, and the region when none is
// set at the top level. The
// file always wins; lookup is os.LookupEnv outside tests.
func (c *Config) FromEnvironment(lookup func(string) (string, bool)) error {
	get := func(name string) string {
		v, _ := lookup(name)
		return v
	}
	if len(c.Auth.modes()) == 0 {
		for _, f := range credentialVars {
			ak, sk := get(f.ak), get(f.sk)
			if ak == "" && sk == "" {
				continue
			}
			if ak == "" || sk == "" {
				set, unset := f.ak, f.sk
				if ak == "" {
					set, unset = f.sk, f.ak
				}
				return fmt.Errorf("config: auth: %s is set in the environment but %s is not; set both or neither", set, unset)
			}
			c.Auth.AKSK = &AKSK{AccessKey: ak, SecretKey: Secret(sk), SecurityToken: Secret(get(f.token))}
			c.Auth.Source = "environment: " + f.ak + ", " + f.sk
			if get(f.token) != "" {
				c.Auth.Source += ", " + f.token
			}
			break
		}
	}
	if id := first(get, projectVars); id != "" {
		switch {
		case len(c.Projects) == 0:
			// A project named only by the environment has no gateways
			// listed, so watch every gateway it has.
			c.Projects = []Project{{ID: id, Discovery: Discovery{Discover: true}}}
		case len(c.Projects) == 1 && c.Projects[0].ID == "":
			c.Projects[0].ID = id
		}
	}
	if c.Region == "" {
		c.Region = first(get, regionVars)
	}
	return nil
}

func first(get func(string) string, names []string) string {
	for _, n := range names {
		if v := get(n); v != "" {
			return v
		}
	}
	return ""
}
