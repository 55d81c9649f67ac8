package hwcloud

import "regexp"

// idPattern covers project and gateway IDs (32 hex characters in
// practice) while refusing anything that could break a URL path or mint
// odd label values.
var idPattern = regexp.MustCompile(`^[0-9A-Za-z_-]{1,64}$`)

// ValidID reports whether s can be a project or gateway ID. The
// configuration, /probe and list answers all apply this one rule.
func ValidID(s string) bool { return idPattern.MatchString(s) }
