package apig_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

func testClient(t *testing.T, o apig.Options) *apig.Client {
	t.Helper()
	if o.Auth == nil {
		o.Auth = apig.StaticToken{Token: apig.StaticSecret("t")}
	}
	c, err := apig.NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestListInstancesPages(t *testing.T) {
	for _, tc := range []struct {
		name      string
		gateways  int
		hint      int
		wantPages int64
	}{
		{"empty project: one empty page", 0, 0, 1},
		{"one short page", 3, 0, 1},
		{"exactly one full page: stop at total", 500, 0, 1},
		{"1201 gateways: three pages", 1201, 0, 3},
		{"1201 gateways, known from last time: three pages at once", 1201, 1201, 3},
		{"project shrank below the hint: one wasted page", 400, 501, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := simcloud.New()
			for i := range tc.gateways {
				fake.Put(simcloud.Gateway{ProjectID: "p1", ID: fmt.Sprintf("gw%04d", i), Name: fmt.Sprintf("name-%d", i)})
			}
			fake.Put(simcloud.Gateway{ProjectID: "other", ID: "not-mine"})
			fake.Start()
			defer fake.Close()

			got, err := testClient(t, apig.Options{}).ListInstances(context.Background(), apig.Project{ID: "p1", Endpoint: fake.URL()}, apig.ListOptions{Hint: tc.hint})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.gateways {
				t.Errorf("got %d gateways, want %d", len(got), tc.gateways)
			}
			if n := fake.Calls(apig.OpList); n != tc.wantPages {
				t.Errorf("%d list calls, want %d", n, tc.wantPages)
			}
			if tc.gateways > 0 && (got[0].Status != "Running" || got[0].Name != "name-0") {
				t.Errorf("first item %+v", got[0])
			}
		})
	}
}

func TestListInstancesDropsBadItems(t *testing.T) {
	fake := simcloud.New().Start()
	defer fake.Close()
	fake.Handle("/v2/p1/apigw/instances", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"size":4,"total":4,"instances":[{"id":"a","status":"Creating"},{"id":"../x"},{"id":"a"},{"id":"b","status":"` +
			"0123456789012345678901234567890123456789" + `"}]}`))
	})
	got, err := testClient(t, apig.Options{}).ListInstances(context.Background(), apig.Project{ID: "p1", Endpoint: fake.URL()}, apig.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "a" || got[0].Status != "Creating" || got[1].Status != "invalid" {
		t.Errorf("got %+v", got)
	}
}

func TestListInstancesErrors(t *testing.T) {
	fake := simcloud.New().Start()
	defer fake.Close()
	fake.Handle("/v2/p1/apigw/instances", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"error_code":"APIG.1020","error_msg":"no"}`))
	})
	fake.Handle("/v2/p2/apigw/instances", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`<html>`))
	})
	c := testClient(t, apig.Options{})
	for project, code := range map[string]string{"p1": "APIG.1020", "p2": apig.CodeDecode} {
		_, err := c.ListInstances(context.Background(), apig.Project{ID: project, Endpoint: fake.URL()}, apig.ListOptions{})
		e, ok := apig.AsError(err)
		if !ok || e.Operation != apig.OpList || e.Code != code {
			t.Errorf("%s: err %v, want list error %s", project, err, code)
		}
	}
}
