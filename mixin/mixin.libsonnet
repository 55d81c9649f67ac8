// apig_exporter monitoring mixin. The plain files next to this one are the
// source: Prometheus loads alerts/*.yaml as they are and Grafana imports
// dashboards/*.json. This wrapper only hands the same files to jsonnet
// tooling (jb, mixtool, kube-prometheus), so the two can never differ.
{
  grafanaDashboards+:: {
    'apig-provisioning.json': (import 'dashboards/apig-provisioning.json'),
  },

  prometheusAlerts+:: std.parseYaml(importstr 'alerts/apig-alerts.yaml'),

  // No recording rules: the dashboard queries raw series.
  prometheusRules+:: {},
}
