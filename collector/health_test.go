package collector

import (
	"net/http"
	"testing"

	"github.com/apig-exporter/apig_exporter/apig"
)

func TestProjectHealth(t *testing.T) {
	denied := result{err: &apig.Error{Operation: apig.OpProgress, HTTPStatus: http.StatusForbidden, Code: "APIC.7106"}}
	gone := result{err: &apig.Error{Operation: apig.OpProgress, HTTPStatus: http.StatusNotFound, Code: "APIC.7302"}}
	unreachable := result{err: &apig.Error{Operation: apig.OpProgress, Code: apig.CodeConnection}}
	ok := result{progress: &apig.Progress{Status: apig.StatusSuccess}}
	for _, tc := range []struct {
		name    string
		listErr bool
		results []result
		want    bool
	}{
		{"no gateways, list fine", false, nil, true},
		{"list failed", true, []result{ok}, false},
		{"one answer among refusals", false, []result{denied, ok}, true},
		{"an error answer still shows the credentials work", false, []result{gone}, true},
		{"every gateway refused", false, []result{denied, denied}, false},
		{"APIG not reached", false, []result{unreachable}, false},
		{"deadline before any gateway was asked", false, []result{{skipped: true}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := projectHealth{"p1": {listErr: tc.listErr}}
			targets := make([]Target, len(tc.results))
			for i := range targets {
				targets[i] = Target{Project: apig.Project{ID: "p1"}}
			}
			h.addAnswers(targets, tc.results)
			if got := h["p1"].up(); got != tc.want {
				t.Errorf("up = %v, want %v", got, tc.want)
			}
		})
	}
}
