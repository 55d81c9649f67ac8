// Command chartcheck checks what `helm template` rendered from
// charts/apig-exporter against the files the chart must carry unchanged:
// the PrometheusRule's groups are the mixin's alert file's, the Grafana
// ConfigMap holds the mixin's dashboard, and every credential file the
// exporter's configuration names comes from a Secret or projected volume.
// With -config-out it writes that configuration, with the credential files
// moved into the directory and created, for `apig_exporter --config.check`.
//
// With -values and -readme it checks instead that the chart's README names
// every key of its values.yaml.
//
// Usage (from mixin/): go run ./chartcheck -manifests rendered.yaml
//
//	[-alerts alerts/apig-alerts.yaml] [-dashboard dashboards/apig-provisioning.json]
//	[-config-out DIR | -no-config]
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "chartcheck:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("chartcheck", flag.ContinueOnError)
	manifestsFile := fs.String("manifests", "", "output of helm template (required)")
	alertsFile := fs.String("alerts", "", "check that the PrometheusRule's groups are this file's")
	dashboardFile := fs.String("dashboard", "", "check that the Grafana dashboard ConfigMap holds this file")
	configOut := fs.String("config-out", "", "write the exporter's configuration here, credential files included")
	valuesFile := fs.String("values", "", "with -readme: check that the README names every key of this values.yaml")
	readmeFile := fs.String("readme", "", "the chart's README, for -values")
	noConfig := fs.Bool("no-config", false, "the configuration comes from an existing ConfigMap: check no rendered one")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *valuesFile != "" {
		values, err := os.ReadFile(*valuesFile)
		if err != nil {
			return err
		}
		readme, err := os.ReadFile(*readmeFile)
		if err != nil {
			return err
		}
		return checkValuesDocumented(values, readme)
	}
	if *manifestsFile == "" {
		return fmt.Errorf("-manifests is required")
	}
	f, err := os.Open(*manifestsFile)
	if err != nil {
		return err
	}
	defer f.Close()
	m, err := parseManifests(f)
	if err != nil {
		return err
	}
	if *alertsFile != "" {
		alerts, err := os.ReadFile(*alertsFile)
		if err != nil {
			return err
		}
		if err := checkRuleGroups(m, alerts); err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "chartcheck: PrometheusRule spec.groups equal", *alertsFile)
	}
	if *dashboardFile != "" {
		dashboard, err := os.ReadFile(*dashboardFile)
		if err != nil {
			return err
		}
		if err := checkDashboard(m, dashboard); err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "chartcheck: dashboard ConfigMap holds", *dashboardFile)
	}
	if *noConfig {
		return nil
	}
	cfg, err := exporterConfig(m)
	if err != nil {
		return err
	}
	files := map[string]string{}
	credentialFiles(cfg, "", files)
	mounts, err := mountedFrom(m)
	if err != nil {
		return err
	}
	if err := checkFilesMounted(files, mounts); err != nil {
		return err
	}
	if *configOut != "" {
		p, err := writeConfig(cfg, files, *configOut)
		if err != nil {
			return err
		}
		fmt.Println(p)
	}
	return nil
}
