#!/usr/bin/env bash
# Checks charts/apig-exporter with a real helm (built from the Go module
# proxy at a pinned version, once): lint and template with the default
# values, with every toggle on, with an existing ConfigMap, and with each
# values example; then, for every rendering (mixin/chartcheck):
#   * the PrometheusRule's spec.groups equal mixin/alerts/apig-alerts.yaml's
#     groups, and the Grafana ConfigMap holds mixin/dashboards/apig-provisioning.json;
#   * every credential file the configuration names is in a Secret or
#     projected volume of the Deployment;
#   * the exporter built from this repository accepts the rendered
#     configuration (--config.check). The credential files are the one
#     thing changed: they are moved into a temporary directory and created
#     there with a test value.
# The chart README's values table names every key of values.yaml.
# Last, the packaged chart (helm package) carries the mixin's files
# themselves, not links.
set -euo pipefail
cd "$(dirname "$0")/.."
ci_name=helm
. .ci/lib.sh

ensure_commands python3:python3
ensure_go_tool helm helm.sh/helm/v3/cmd/helm v3.22.0

chart=charts/apig-exporter
tmp=$(mktemp -d "${TMPDIR:-/tmp}/apig-helm.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# helm warns on stderr for each symbolic link it follows; that is expected.
quiet_links() { grep -v 'found symbolic link in path' >&2 || true; }

go build -o "$tmp/apig_exporter" .
(cd mixin && go build -o "$tmp/chartcheck" ./chartcheck)
"$tmp/chartcheck" -values "$chart/values.yaml" -readme "$chart/README.md"
ok "every key of values.yaml is in the chart README's table"

all_on=(--set serviceMonitor.enabled=true --set podMonitor.enabled=true
  --set prometheusRule.enabled=true --set dashboard.enabled=true
  --set oidc.enabled=true --set oidc.audience=apig-exporter
  --set podDisruptionBudget.enabled=true)
cases=("default" "all-toggles-on" "existing-configmap")
for f in "$chart"/examples/*.yaml; do cases+=("$f"); done

# check_rendering NAME CHART HELM-ARGS...
check_rendering() {
  local name=$1 src=$2; shift 2
  local out=$tmp/$(basename "$name" .yaml)
  mkdir -p "$out"
  helm lint --strict "$src" "$@" 2> >(quiet_links) >"$out/lint.txt" || { cat "$out/lint.txt"; fail "$name: helm lint"; }
  helm template apig-exporter "$src" --namespace monitoring "$@" 2> >(quiet_links) >"$out/rendered.yaml" ||
    fail "$name: helm template"
  local kinds args=(-manifests "$out/rendered.yaml")
  kinds=$(grep '^kind:' "$out/rendered.yaml" | awk '{print $2}' | sort | paste -sd, -)
  grep -q '^kind: PrometheusRule' "$out/rendered.yaml" && args+=(-alerts mixin/alerts/apig-alerts.yaml)
  grep -q 'grafana_dashboard: "1"' "$out/rendered.yaml" && args+=(-dashboard mixin/dashboards/apig-provisioning.json)
  if ! grep -q 'apig_exporter.yml: |' "$out/rendered.yaml"; then
    "$tmp/chartcheck" "${args[@]}" -no-config || fail "$name: chartcheck"
    ok "$name: $kinds (configuration from an existing ConfigMap, not checked)"
    return
  fi
  local config
  config=$("$tmp/chartcheck" "${args[@]}" -config-out "$out/config") || fail "$name: chartcheck"
  if ! "$tmp/apig_exporter" --config.check --config.file="$config" >"$out/check.txt" 2>&1; then
    cat "$out/check.txt" >&2
    fail "$name: the rendered configuration fails --config.check"
  fi
  ok "$name: $kinds; configuration passes --config.check"
}

for c in "${cases[@]}"; do
  case $c in
    default) check_rendering "$c" "$chart" ;;
    all-toggles-on) check_rendering "$c" "$chart" "${all_on[@]}" ;;
    existing-configmap) check_rendering "$c" "$chart" --set existingConfigMap=my-config ;;
    *) check_rendering "$c" "$chart" -f "$c" ;;
  esac
done

# The existing ConfigMap is the one mounted.
grep -A1 'configMap:' "$tmp/existing-configmap/rendered.yaml" | grep -q 'name: my-config' ||
  fail "existing-configmap: the Deployment does not mount my-config"
# OIDC without an audience is refused with a message naming the key.
if helm template x "$chart" --set oidc.enabled=true >/dev/null 2>"$tmp/oidc-err.txt"; then
  fail "oidc.enabled without oidc.audience rendered"
fi
grep -q 'oidc.audience is required' "$tmp/oidc-err.txt" || fail "oidc without audience: $(cat "$tmp/oidc-err.txt")"
ok "oidc.enabled without oidc.audience: refused"

# The packaged chart holds the mixin's files, resolved, and renders the same.
helm package "$chart" --destination "$tmp/pkg" 2> >(quiet_links) >/dev/null
tgz=$(echo "$tmp"/pkg/apig-exporter-*.tgz)
mkdir "$tmp/unpacked"
tar -xzmf "$tgz" -C "$tmp/unpacked"
for pair in files/apig-alerts.yaml:mixin/alerts/apig-alerts.yaml files/apig-provisioning.json:mixin/dashboards/apig-provisioning.json; do
  packed=$tmp/unpacked/apig-exporter/${pair%%:*}
  [ -f "$packed" ] && [ ! -L "$packed" ] || fail "$(basename "$tgz") has no regular file ${pair%%:*}"
  cmp -s "$packed" "${pair#*:}" || fail "$(basename "$tgz"): ${pair%%:*} differs from ${pair#*:}"
done
[ ! -e "$tmp/unpacked/apig-exporter/examples" ] || fail "$(basename "$tgz") carries examples/"
check_rendering packaged "$tgz" "${all_on[@]}"
ok "$(basename "$tgz") carries the mixin's alerts and dashboard as files"
log PASS
