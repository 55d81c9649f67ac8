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
	listFailed := &apig.Error{Operation: apig.OpList, HTTPStatus: http.StatusInternalServerError, Code: "APIG.9999"}
	for _, tc := range []struct {
		name    string
		listErr error
		results []result
		want    bool
		wantErr error // why it is down
	}{
		{"no gateways, list fine", nil, nil, true, nil},
		{"list failed", listFailed, []result{ok}, false, listFailed},
		{"one answer among refusals", nil, []result{denied, ok}, true, nil},
		{"an error answer still shows the credentials work", nil, []result{gone}, true, nil},
		{"every gateway refused", nil, []result{denied, denied}, false, denied.err},
		{"APIG not reached", nil, []result{unreachable}, false, unreachable.err},
		{"deadline before any gateway was asked", nil, []result{{skipped: true}}, false, nil},
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
			if got := h["p1"].err(); got != tc.wantErr {
				t.Errorf("err = %v, want %v", got, tc.wantErr)
			}
		})
	}
}
