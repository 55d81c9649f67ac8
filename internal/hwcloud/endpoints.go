package hwcloud

import (
	"fmt"
	"regexp"
)

// regionPattern is the shape of Huawei Cloud region IDs (cn-north-4,
// ap-southeast-1, eu-west-101, my-kualalumpur-1).
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,3}$`)

// ValidRegion reports whether region looks like a Huawei Cloud region ID.
func ValidRegion(region string) bool { return regionPattern.MatchString(region) }

// cloudDomain is the DNS suffix for a region; eu-west-101 lives on the
// European cloud's own domain.
func cloudDomain(region string) string {
	if region == "eu-west-101" {
		return "myhuaweicloud.eu"
	}
	return "myhuaweicloud.com"
}

// APIGEndpoint is the default APIG endpoint of a region.
func APIGEndpoint(region string) string {
	return fmt.Sprintf("https://apig.%s.%s", region, cloudDomain(region))
}

// IAMEndpoint is the default IAM endpoint of a region.
func IAMEndpoint(region string) string {
	return fmt.Sprintf("https://iam.%s.%s", region, cloudDomain(region))
}
