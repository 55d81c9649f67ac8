package main
import (
 _ "github.com/prometheus/client_golang/prometheus"
 _ "github.com/prometheus/client_golang/prometheus/testutil"
 _ "github.com/prometheus/client_golang/prometheus/collectors/version"
 _ "github.com/prometheus/common/version"
 _ "github.com/prometheus/exporter-toolkit/web"
 _ "github.com/prometheus/exporter-toolkit/web/kingpinflag"
 _ "github.com/alecthomas/kingpin/v2"
 _ "github.com/go-kit/log"
 _ "github.com/tjhop/slog-gokit"
 _ "go.yaml.in/yaml/v3"
 _ "go.uber.org/goleak"
 _ "golang.org/x/sync/singleflight"
)
func main(){}
