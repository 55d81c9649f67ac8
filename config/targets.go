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

// IAMEndpointFor is the IAM endpoint for a project, by the same rules.
func (c *Config) IAMEndpointFor(p Project) string {
	if c.IAMEndpoint != "" {
		return strings.TrimRight(c.IAMEndpoint, "/")
	}
	return hwcloud.IAMEndpoint(c.regionOf(p))
}

// regionOf is the project's own region, else the top-level one.
func (c *Config) regionOf(p Project) string {
	if p.Region != "" {
		return p.Region
	}
	return c.Region
}
