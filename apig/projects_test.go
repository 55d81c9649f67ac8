package apig_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

const otherProject = "fedcba9876543210fedcba9876543210"

func TestProjectLookup(t *testing.T) {
	for _, tc := range []struct {
		name     string
		projects []string // IDs named cn-north-4
		region   string
		want     string
		wantErr  string
	}{
		{name: "one project: its ID", projects: []string{testProject}, want: testProject},
		{name: "none: an error saying so", wantErr: "no project named cn-north-4"},
		{name: "two: an error listing them", projects: []string{testProject, otherProject},
			wantErr: "2 projects named cn-north-4: " + testProject + " (cn-north-4), " + otherProject + " (cn-north-4)"},
		{name: "not a region", region: "cn-north-4/../x", wantErr: "not a region ID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := simcloud.New().Start()
			defer fake.Close()
			auth := simcloud.NewAKSKAuth(testAK, testSK)
			projects := simcloud.NewProjects(fake, func(r *http.Request) error { return auth.Verify(r, "") })
			for _, id := range tc.projects {
				projects.Add("cn-north-4", id)
			}
			obs := newCountingObserver()
			lookup, err := apig.NewProjectLookup(apig.ProjectLookupOptions{IAMEndpoint: fake.URL(), Observer: obs,
				Auth: &apig.AKSK{AccessKey: apig.StaticSecret(testAK), SecretKey: apig.StaticSecret(testSK)}})
			if err != nil {
				t.Fatal(err)
			}
			region := tc.region
			if region == "" {
				region = "cn-north-4"
			}
			got, err := lookup.ProjectID(context.Background(), region)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %q, %v; want error %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q (fake IAM: %v)", got, err, tc.want, projects.LastRejection())
			}
			if req, _ := obs.counts(); req["iam/200"] != 1 {
				t.Errorf("observed %v, want one iam/200", req)
			}
		})
	}
}

// TestProjectLookupCachedPerRegion: a region is looked up once, however
// many calls ask, concurrent or not.
func TestProjectLookupCachedPerRegion(t *testing.T) {
	fake := simcloud.New().Start()
	defer fake.Close()
	projects := simcloud.NewProjects(fake, func(*http.Request) error { return nil })
	projects.Add("cn-north-4", testProject)
	projects.Add("ap-southeast-1", otherProject)
	lookup, err := apig.NewProjectLookup(apig.ProjectLookupOptions{IAMEndpoint: fake.URL(),
		Auth: &apig.AKSK{AccessKey: apig.StaticSecret(testAK), SecretKey: apig.StaticSecret(testSK)}})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 20 {
		for _, region := range []string{"cn-north-4", "ap-southeast-1"} {
			wg.Go(func() {
				if _, err := lookup.ProjectID(context.Background(), region); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	if got := fake.Calls(simcloud.IAMProjectsPath); got != 2 {
		t.Errorf("%d lookups for 40 calls over 2 regions, want 2", got)
	}
}

// TestProjectLookupWithTemporaryKeys: the lookup is signed with the
// temporary keys and their security token, and carries no X-Project-Id.
func TestProjectLookupWithTemporaryKeys(t *testing.T) {
	e := newMetadataEnv(t, true)
	projects := simcloud.NewProjects(e.fake, e.issuer.Verify)
	projects.Add("cn-north-4", testProject)
	e.start(t)
	lookup, err := apig.NewProjectLookup(apig.ProjectLookupOptions{IAMEndpoint: e.fake.URL(), Auth: e.keys, HTTPClient: e.rec.client()})
	if err != nil {
		t.Fatal(err)
	}
	id, err := lookup.ProjectID(context.Background(), "cn-north-4")
	if err != nil || id != testProject {
		t.Fatalf("got %q, %v (fake IAM: %v)", id, err, projects.LastRejection())
	}
	reqs := e.rec.requests()
	last := reqs[len(reqs)-1]
	if last.URL != e.fake.URL()+"/v3/projects?name=cn-north-4" || last.Method != http.MethodGet {
		t.Errorf("lookup %s %s", last.Method, last.URL)
	}
	if last.Header.Get("X-Project-Id") != "" {
		t.Error("lookup carries X-Project-Id")
	}
	if !strings.Contains(last.Header.Get("Authorization"), "x-security-token") {
		t.Errorf("security token not signed: %s", last.Header.Get("Authorization"))
	}
}

func TestProjectLookupRefused(t *testing.T) {
	fake := simcloud.New().Start()
	defer fake.Close()
	auth := simcloud.NewAKSKAuth(testAK, testSK)
	projects := simcloud.NewProjects(fake, func(r *http.Request) error { return auth.Verify(r, "") })
	projects.Add("cn-north-4", testProject)
	obs := newCountingObserver()
	lookup, err := apig.NewProjectLookup(apig.ProjectLookupOptions{IAMEndpoint: fake.URL(), Observer: obs,
		Auth: &apig.AKSK{AccessKey: apig.StaticSecret(testAK), SecretKey: apig.StaticSecret("wrong" + testSK)}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // failures are not cached
		_, err = lookup.ProjectID(context.Background(), "cn-north-4")
		if ae, ok := apig.AsError(err); !ok || ae.Operation != apig.OpIAM || ae.HTTPStatus != 401 {
			t.Fatalf("error %v, want iam 401", err)
		}
	}
	if _, errs := obs.counts(); errs["iam/http_401"] != 2 {
		t.Errorf("observed errors %v, want 2 iam/http_401", errs)
	}
}

// TestPasswordProjectFromRegion: in password mode a login scoped by the
// project's name tells its ID.
func TestPasswordProjectFromRegion(t *testing.T) {
	e := newPasswordEnv(t, nil)
	e.iam.AddProject("ap-southeast-1", otherProject)
	var wg sync.WaitGroup
	ids := make([]string, 10)
	for i := range ids {
		wg.Go(func() {
			var err error
			if ids[i], err = e.tokens.ProjectID(context.Background(), "ap-southeast-1"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != otherProject {
			t.Fatalf("project %q, want %q", id, otherProject)
		}
	}
	e.wantLogins(t, 1)

	_, err := e.tokens.ProjectID(context.Background(), "eu-west-101")
	if ae, ok := apig.AsError(err); !ok || ae.HTTPStatus != 400 || !strings.Contains(err.Error(), "eu-west-101") {
		t.Errorf("unknown region: %v, want IAM's 400 naming the region", err)
	}
}

// TestPasswordProjectLoginBody: the login that finds a project is scoped
// by the project's name, with no ID.
func TestPasswordProjectLoginBody(t *testing.T) {
	fake := simcloud.New().Start()
	defer fake.Close()
	iam := simcloud.NewIAM(fake, iamDomain, iamUser, iamPassword)
	iam.AddProject("cn-north-4", testProject)
	rec := &wireRecorder{to: fake.HTTPTest().Listener.Addr().String()}
	tokens, err := apig.NewIAMPassword(apig.IAMOptions{Endpoint: fake.URL(), DomainName: iamDomain, UserName: iamUser,
		Password: apig.StaticSecret(iamPassword), HTTPClient: rec.client()})
	if err != nil {
		t.Fatal(err)
	}
	if id, err := tokens.ProjectID(context.Background(), "cn-north-4"); err != nil || id != testProject {
		t.Fatalf("got %q, %v", id, err)
	}
	reqs := rec.requests()
	want := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"` + iamUser + `","password":"` + iamPassword +
		`","domain":{"name":"` + iamDomain + `"}}}},"scope":{"project":{"name":"cn-north-4"}}}}`
	if len(reqs) != 1 || reqs[0].Body != want || reqs[0].URL != fake.URL()+"/v3/auth/tokens?nocatalog=true" {
		t.Errorf("requests %+v\nwant one POST with body\n%s", reqs, want)
	}
}
