// Command gen writes the Grafana dashboard of apig_exporter,
// mixin/dashboards/apig-provisioning.json, from the typed builders of the
// Grafana Foundation SDK. Run from mixin/:
//
//	go run ./dashboards/gen                 # rewrite the JSON
//	go run ./dashboards/gen -check          # fail if the JSON is not what gen writes
//
// -check also decodes the committed JSON strictly with the SDK: an unknown
// field, a wrong type or a missing required field fails it.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

func main() {
	out := flag.String("out", "dashboards/apig-provisioning.json", "the dashboard JSON file")
	check := flag.Bool("check", false, "compare with the file instead of writing it")
	flag.Parse()
	if err := run(*out, *check); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(path string, check bool) error {
	want, err := render()
	if err != nil {
		return err
	}
	if !check {
		return os.WriteFile(path, want, 0o644)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := strictDecode(got); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("%s differs from what the generator writes; run `go run ./dashboards/gen` in mixin/ and commit the result", path)
	}
	return nil
}

// render returns the dashboard as indented JSON with a final newline.
func render() ([]byte, error) {
	d, err := build()
	if err != nil {
		return nil, fmt.Errorf("building the dashboard: %w", err)
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// strictDecode decodes a dashboard the way the SDK's strict decoder does,
// panels and queries included.
func strictDecode(raw []byte) error {
	plugins.RegisterDefaultPlugins()
	var d dashboard.Dashboard
	err := d.UnmarshalJSONStrict(raw)
	// The decoder returns its error list as an error even when it is empty.
	var errs cog.BuildErrors
	if errors.As(err, &errs) && len(errs) == 0 {
		err = nil
	}
	if err != nil {
		return fmt.Errorf("strict decoding with the Grafana Foundation SDK: %w", err)
	}
	if len(d.Panels) == 0 {
		return errors.New("no panels")
	}
	return nil
}
