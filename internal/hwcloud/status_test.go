package hwcloud

import "testing"

func TestListStatuses(t *testing.T) {
	if len(ListStatuses) != 37 {
		t.Errorf("%d statuses, want the 37 of the API", len(ListStatuses))
	}
	if !ValidListStatus(ListStatusCreating) {
		t.Errorf("ListStatusCreating %q is not a list status", ListStatusCreating)
	}
}

func TestValidListStatus(t *testing.T) {
	for _, tc := range []struct {
		name, status string
		want         bool
	}{
		{"creating", "Creating", true},
		{"running", "Running", true},
		{"capital R in UnRegisterFailed", "UnRegisterFailed", true},
		{"lower-case r in Unregistering", "Unregistering", true},
		{"UnregisterFailed misspelt", "UnregisterFailed", false},
		{"wrong case", "creating", false},
		{"detail API code", "1", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidListStatus(tc.status); got != tc.want {
				t.Errorf("ValidListStatus(%q) = %v, want %v", tc.status, got, tc.want)
			}
		})
	}
}
