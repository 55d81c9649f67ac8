package simcloud

import (
	"net/http"
	"time"
)

// Demo project IDs: two projects, as a platform team would have.
const (
	DemoProject     = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	DemoProjectEdge = "f9e8d7c6b5a4938271605f4e3d2c1b0a"
)

// DemoGateways is a realistic mix for --demo, anchored at start: two
// gateways mid-creation (one finishes three minutes in, one after twelve),
// one stuck at 50%, two created, the three documented failures, and one
// that the API no longer knows (404 APIC.7302).
func DemoGateways(start time.Time) []Gateway {
	return []Gateway{
		{ProjectID: DemoProject, ID: "3f6c1d2e8a9b4c5d9e0f1a2b3c4d5e6f", Name: "checkout-gw", Progress: Creating(start.Add(-90*time.Second), 3*time.Minute)},
		{ProjectID: DemoProject, ID: "7a8b9c0d1e2f43a5b6c7d8e9f0a1b2c3", Name: "search-gw", Progress: Creating(start.Add(-30*time.Second), 12*time.Minute)},
		{ProjectID: DemoProject, ID: "b1c2d3e4f5a64b7c8d9e0f1a2b3c4d5e", Name: "legacy-gw", Progress: Stuck(start.Add(-95*time.Minute), 50)},
		{ProjectID: DemoProject, ID: "eddc4d25480b4cd6b512f270a1b8b341", Name: "prod-gateway", Progress: Succeeded(start.Add(-26*time.Hour), start.Add(-26*time.Hour+5*time.Minute+24*time.Second))},
		{ProjectID: DemoProjectEdge, ID: "c4d5e6f7a8b94c0d1e2f3a4b5c6d7e8f", Name: "edge-eu-gw", Progress: Succeeded(start.Add(-3*time.Hour), start.Add(-3*time.Hour+6*time.Minute))},
		{ProjectID: DemoProjectEdge, ID: "d5e6f7a8b9c04d1e2f3a4b5c6d7e8f90", Name: "edge-quota-gw", Progress: Failed(start.Add(-40*time.Minute), start.Add(-39*time.Minute), "APIC.9218", "create failed: insufficient quota")},
		{ProjectID: DemoProjectEdge, ID: "e6f7a8b9c0d14e2f3a4b5c6d7e8f9a0b", Name: "edge-capacity-gw", Progress: Failed(start.Add(-25*time.Minute), start.Add(-21*time.Minute), "APIC.9219", "create failed: insufficient resources")},
		{ProjectID: DemoProject, ID: "f7a8b9c0d1e24f3a4b5c6d7e8f9a0b1c", Name: "batch-gw", Progress: Failed(start.Add(-10*time.Minute), start.Add(-2*time.Minute), "APIC.9206", "create failed")},
		{ProjectID: DemoProject, ID: "0b1c2d3e4f5a46b7c8d9e0f1a2b3c4d5", Name: "deleted-gw", Hidden: true, Progress: APIError(http.StatusNotFound, "APIC.7302", "Instance not found")},
	}
}
