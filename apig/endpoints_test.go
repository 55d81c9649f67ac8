package apig

import "testing"

func TestEndpoints(t *testing.T) {
	for _, tc := range []struct {
		region, apig, iam string
		valid             bool
	}{
		{"ap-southeast-1", "https://apig.ap-southeast-1.myhuaweicloud.com", "https://iam.ap-southeast-1.myhuaweicloud.com", true},
		{"cn-north-4", "https://apig.cn-north-4.myhuaweicloud.com", "https://iam.cn-north-4.myhuaweicloud.com", true},
		{"eu-west-101", "https://apig.eu-west-101.myhuaweicloud.eu", "https://iam.eu-west-101.myhuaweicloud.eu", true},
		{"my-kualalumpur-1", "https://apig.my-kualalumpur-1.myhuaweicloud.com", "https://iam.my-kualalumpur-1.myhuaweicloud.com", true},
	} {
		if got := APIGEndpoint(tc.region); got != tc.apig {
			t.Errorf("APIGEndpoint(%q) = %q, want %q", tc.region, got, tc.apig)
		}
		if got := IAMEndpoint(tc.region); got != tc.iam {
			t.Errorf("IAMEndpoint(%q) = %q, want %q", tc.region, got, tc.iam)
		}
		if ValidRegion(tc.region) != tc.valid {
			t.Errorf("ValidRegion(%q) = %v", tc.region, !tc.valid)
		}
	}
	for _, bad := range []string{"", "ap southeast 1", "AP-SOUTHEAST-1", "apig.example.com", "cn-north", "x/../y"} {
		if ValidRegion(bad) {
			t.Errorf("ValidRegion(%q) = true, want false", bad)
		}
	}
}
