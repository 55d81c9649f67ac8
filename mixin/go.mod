module github.com/apig-exporter/apig_exporter/mixin

go 1.26.8

require go.yaml.in/yaml/v3 v3.0.6

require github.com/grafana/grafana-foundation-sdk/go v0.0.22
