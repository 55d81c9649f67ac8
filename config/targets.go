package config

import (
	"strings"

	"github.com/apig-exporter/apig_exporter/internal/hwcloud"
)

// APIGEndpointFor is the APIG endpoint that serves a project: the override
// if set, else the project's own region, else the top-level region.
func (c *Config) APIGEndpointFor(p Project) string {
	if c.APIGEndpoint != "" {
		return strings.TrimRight(c.APIGEndpoint, "/")
	}
	return hwcloud.APIGEndpoint(c.regionOf(p))
}

// IAMEndpointFor is the IAM endpoint for a project: iam_endpoint if set,
// else its credentials' own (from the credentials file or
// HUAWEICLOUD_SDK_IAM_ENDPOINT), else its region's.
func (c *Config) IAMEndpointFor(p Project) string {
	if c.IAMEndpoint != "" {
		return strings.TrimRight(c.IAMEndpoint, "/")
	}
	if e := c.AuthFor(p).IAMEndpoint; e != "" {
		return strings.TrimRight(e, "/")
	}
	return hwcloud.IAMEndpoint(c.regionOf(p))
}

// AuthFor is the credentials project p uses: its own, else the top level's.
func (c *Config) AuthFor(p Project) *Auth {
	if p.Auth != nil {
		return p.Auth
	}
	return &c.Auth
}

// regionOf is the project's own region, else the top-level one.
func (c *Config) regionOf(p Project) string {
	if p.Region != "" {
		return p.Region
	}
	return c.Region
}
