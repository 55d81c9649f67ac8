package hwcloud

import "testing"

func TestEndpoints(t *testing.T) {
	for _, tc := range []struct {
		region, apig, iam string
	}{
		{"ap-southeast-1", "https://apig.ap-southeast-1.myhuaweicloud.com", "https://iam.ap-southeast-1.myhuaweicloud.com"},
		{"cn-north-4", "https://apig.cn-north-4.myhuaweicloud.com", "https://iam.cn-north-4.myhuaweicloud.com"},
		// The European cloud has a domain of its own, for IAM too.
		{"eu-west-101", "https://apig.eu-west-101.myhuaweicloud.eu", "https://iam.eu-west-101.myhuaweicloud.eu"},
		{"my-kualalumpur-1", "https://apig.my-kualalumpur-1.myhuaweicloud.com", "https://iam.my-kualalumpur-1.myhuaweicloud.com"},
	} {
		t.Run(tc.region, func(t *testing.T) {
			if got := APIGEndpoint(tc.region); got != tc.apig {
				t.Errorf("APIGEndpoint = %q, want %q", got, tc.apig)
			}
			if got := IAMEndpoint(tc.region); got != tc.iam {
				t.Errorf("IAMEndpoint = %q, want %q", got, tc.iam)
			}
		})
	}
}

func TestValidRegion(t *testing.T) {
	for _, tc := range []struct {
		name, region string
		want         bool
	}{
		{"three parts", "ap-southeast-1", true},
		{"three-digit number", "eu-west-101", true},
		{"China", "cn-north-4", true},
		{"city name", "my-kualalumpur-1", true},
		{"empty", "", false},
		{"spaces", "ap southeast 1", false},
		{"upper case", "AP-SOUTHEAST-1", false},
		{"a host name", "apig.example.com", false},
		{"no number", "cn-north", false},
		{"underscores", "cn_north_4", false},
		{"path", "x/../y", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidRegion(tc.region); got != tc.want {
				t.Errorf("ValidRegion(%q) = %v, want %v", tc.region, got, tc.want)
			}
		})
	}
}
