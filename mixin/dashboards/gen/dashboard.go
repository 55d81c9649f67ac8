package main

import (
	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// Label matchers of the dashboard's variables, spliced into every query.
const (
	jobSel     = `job=~"$job"`
	projectSel = `job=~"$job", project_id=~"$project_id"`
)

// progressOfCreating is the progress of every gateway whose status is
// creating, with its name from apig_instance_info. Both the bar gauge (now)
// and the time series (over time) show it.
const progressOfCreating = `max by (project_id, instance_id, instance_name) (
  (apig_instance_creation_progress_ratio{` + projectSel + `}
    and ignoring (status) (apig_instance_creation_status{` + projectSel + `, status="creating"} == 1))
  * ignoring (instance_name, status) group_left (instance_name)
    apig_instance_info{` + projectSel + `}
)`

var datasource = common.DataSourceRef{Type: ptr("prometheus"), Uid: ptr("${datasource}")}

func ptr[T any](v T) *T { return &v }

// build returns the APIG provisioning dashboard.
func build() (dashboard.Dashboard, error) {
	b := dashboard.NewDashboardBuilder("APIG gateway provisioning").
		Uid("apig-provisioning").
		Description("Huawei Cloud APIG dedicated gateways being created, and the health of apig_exporter.").
		Tags([]string{"apig", "huaweicloud", "apig_exporter"}).
		Editable().
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Refresh("30s").
		Time("now-6h", "now").
		Timezone("").
		WeekStart("").
		Version(1).
		WithVariable(dashboard.NewDatasourceVariableBuilder("datasource").
			Label("Data source").
			Type("prometheus")).
		WithVariable(queryVariable("job", "Job", "label_values(apig_instance_info, job)", false)).
		WithVariable(queryVariable("project_id", "Project", `label_values(apig_instance_info{`+jobSel+`}, project_id)`, true))

	b.WithRow(dashboard.NewRowBuilder("Gateway creation").Id(1).GridPos(at(0, 0, 24, 1)))
	for _, p := range creationPanels() {
		b.WithPanel(p)
	}
	b.WithRow(dashboard.NewRowBuilder("APIG API").Id(9).GridPos(at(0, 25, 24, 1)))
	for _, p := range apiPanels() {
		b.WithPanel(p)
	}
	b.WithRow(dashboard.NewRowBuilder("Exporter").Id(14).GridPos(at(0, 34, 24, 1)))
	for _, p := range exporterPanels() {
		b.WithPanel(p)
	}
	return b.Build()
}

func creationPanels() []cog.Builder[dashboard.Panel] {
	return []cog.Builder[dashboard.Panel]{
		stat.NewPanelBuilder().Id(2).GridPos(at(0, 1, 6, 8)).
			Title("Gateways by status").
			Description("Number of watched gateways in each creation status right now.").
			Datasource(datasource).
			WithTarget(instant("A", `count by (status) (apig_instance_creation_status{`+projectSel+`} == 1)`, "{{status}}")).
			Thresholds(steps(step(nil, "blue"))).
			OverrideByName("creating", fixedColor("blue")).
			OverrideByName("success", fixedColor("green")).
			OverrideByName("failed", fixedColor("red")).
			ReduceOptions(lastValue()).
			Orientation(common.VizOrientationVertical).
			TextMode(common.BigValueTextModeValueAndName).
			ColorMode(common.BigValueColorModeBackground).
			GraphMode(common.BigValueGraphModeNone).
			JustifyMode(common.BigValueJustifyModeAuto),

		bargauge.NewPanelBuilder().Id(3).GridPos(at(6, 1, 10, 8)).
			Title("Progress of gateways being created").
			Description("Creation progress reported by APIG for every gateway whose status is creating.").
			Datasource(datasource).
			WithTarget(instant("A", progressOfCreating, "{{instance_name}} ({{instance_id}})")).
			Unit("percentunit").Min(0).Max(1).
			Thresholds(steps(step(nil, "blue"))).
			ReduceOptions(lastValue()).
			Orientation(common.VizOrientationHorizontal).
			DisplayMode(common.BarGaugeDisplayModeGradient).
			ShowUnfilled(true).
			MinVizHeight(10).
			MinVizWidth(0).
			ValueMode(common.BarGaugeValueModeColor),

		table.NewPanelBuilder().Id(4).GridPos(at(16, 1, 8, 8)).
			Title("Failed gateways").
			Description("Gateways whose creation failed, with the error code APIG returned.").
			Datasource(datasource).
			WithTarget(instant("A", `apig_instance_creation_error_info{`+projectSel+`} == 1`, "").Format(prometheus.PromQueryFormatTable)).
			ShowHeader(true).
			Footer(noFooter()).
			CellHeight(common.TableCellHeightSm).
			WithTransformation(organize(map[string]int{"project_id": 0, "instance_id": 1, "error_code": 2})),

		graph(5, at(0, 9, 12, 8), "Creation duration",
			"Time since creation started, or total creation time once finished. The stuck alert fires past 30 minutes.").
			WithTarget(rangeQuery("A", `apig_instance_creation_duration_seconds{`+projectSel+`}`, "{{instance_id}}")).
			Unit("s").
			ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeDashed)).
			Thresholds(steps(step(nil, "green"), step(ptr(1800.0), "red"))),

		graph(6, at(12, 9, 12, 8), "Creation failures by error code",
			"Creation failures seen per interval, by APIG error code (APIC.9218 quota, APIC.9219 resources, APIC.9206 other).").
			WithTarget(rangeQuery("A", `sum by (error_code) (increase(apig_creation_failures_total{`+projectSel+`}[$__rate_interval]))`, "{{error_code}}")).
			Unit("short").
			DrawStyle(common.GraphDrawStyleBars).
			FillOpacity(80).
			Stacking(stacked()),

		graph(7, at(0, 17, 16, 8), "Creation progress over time",
			"Progress of every gateway being created, over time: a line that stops rising is a creation that hangs; one that ends before 100 % has settled (created or failed).").
			WithTarget(rangeQuery("A", progressOfCreating, "{{instance_name}} ({{instance_id}})")).
			Unit("percentunit").Min(0).Max(1),

		table.NewPanelBuilder().Id(8).GridPos(at(16, 17, 8, 8)).
			Title("Failures in the time range by error code").
			Description("Creation failures counted over the dashboard's time range, per project and APIG error code.").
			Datasource(datasource).
			WithTarget(instant("A", `sum by (project_id, error_code) (increase(apig_creation_failures_total{`+projectSel+`}[$__range])) > 0`, "").Format(prometheus.PromQueryFormatTable)).
			ShowHeader(true).
			Footer(noFooter()).
			CellHeight(common.TableCellHeightSm).
			Decimals(0).
			WithTransformation(dashboard.DataTransformerConfig{Id: "organize", Options: map[string]any{
				"excludeByName": map[string]bool{"Time": true},
				"indexByName":   map[string]int{"project_id": 0, "error_code": 1, "Value": 2},
				"renameByName":  map[string]string{"Value": "failures"},
			}}),
	}
}

func apiPanels() []cog.Builder[dashboard.Panel] {
	return []cog.Builder[dashboard.Panel]{
		graph(10, at(0, 26, 6, 8), "API requests by HTTP status", "Calls to APIG and IAM per second, by operation and HTTP status.").
			WithTarget(rangeQuery("A", `sum by (operation, code) (rate(apig_api_requests_total{`+jobSel+`}[$__rate_interval]))`, "{{operation}} {{code}}")).
			Unit("reqps").
			Stacking(stacked()),
		graph(11, at(6, 26, 6, 8), "API errors by code", "Failed calls per second, by operation and APIG error code.").
			WithTarget(rangeQuery("A", `sum by (operation, error_code) (rate(apig_api_errors_total{`+jobSel+`}[$__rate_interval]))`, "{{operation}} {{error_code}}")).
			Unit("reqps").
			Stacking(stacked()),
		graph(12, at(12, 26, 6, 8), "API request latency p90", "90th percentile of the duration of API calls, by operation.").
			WithTarget(rangeQuery("A", "histogram_quantile(0.9,\n  sum by (operation, le) (rate(apig_api_request_duration_seconds_bucket{"+jobSel+"}[$__rate_interval]))\n)", "{{operation}}")).
			Unit("s"),
		graph(13, at(18, 26, 6, 8), "Throttling", "Throttled answers per second (429 APIGW.0308, 500 APIG.9008) and the calls the exporter allows in flight.").
			WithTarget(rangeQuery("A", `sum by (operation) (rate(apig_api_throttled_total{`+jobSel+`}[$__rate_interval]))`, "{{operation}} throttled")).
			WithTarget(rangeQuery("B", `apig_api_concurrency_limit{`+jobSel+`}`, "{{instance}} calls allowed in flight")).
			Unit("reqps").
			OverrideByQuery("B", []dashboard.DynamicConfigValue{
				{Id: "unit", Value: "short"},
				{Id: "custom.axisPlacement", Value: "right"},
				{Id: "custom.fillOpacity", Value: 0},
			}),
	}
}

func exporterPanels() []cog.Builder[dashboard.Panel] {
	upDown := []dashboard.ValueMapping{valueText(map[string]dashboard.ValueMappingResult{
		"0": {Text: ptr("down"), Color: ptr("red"), Index: ptr[int32](0)},
		"1": {Text: ptr("up"), Color: ptr("green"), Index: ptr[int32](1)},
	})}
	return []cog.Builder[dashboard.Panel]{
		upStat(15, at(0, 35, 6, 6), "APIG reachable per project",
			"apig_up: 1 when the last scrape reached APIG and was authorised for the project.").
			WithTarget(instant("A", `apig_up{`+projectSel+`}`, "{{project_id}}")).
			Mappings(upDown),
		upStat(16, at(6, 35, 6, 6), "Exporter targets up", "Prometheus' own scrape health of each exporter instance.").
			WithTarget(instant("A", `up{`+jobSel+`}`, "{{instance}}")).
			Mappings(upDown),
		graph(17, at(12, 35, 6, 6), "Scrape duration", "How long the exporter took to collect from APIG on each scrape.").
			WithTarget(rangeQuery("A", `apig_scrape_duration_seconds{`+jobSel+`}`, "{{instance}}")).
			Unit("s"),
		stat.NewPanelBuilder().Id(18).GridPos(at(18, 35, 6, 6)).
			Title("Configuration").
			Description("Whether the last config reload succeeded, and how long ago the last good one was loaded.").
			Datasource(datasource).
			WithTarget(instant("A", `apig_exporter_config_last_reload_successful{`+jobSel+`}`, "{{instance}} reload ok")).
			WithTarget(instant("B", `time() - apig_exporter_config_last_reload_success_timestamp_seconds{`+jobSel+`}`, "{{instance}} loaded ago")).
			WithTarget(instant("C", `apig_exporter_build_info{`+jobSel+`}`, "{{instance}} {{version}}")).
			OverrideByQuery("A", []dashboard.DynamicConfigValue{{Id: "mappings", Value: []dashboard.ValueMapping{valueText(map[string]dashboard.ValueMappingResult{
				"0": {Text: ptr("failed"), Color: ptr("red"), Index: ptr[int32](0)},
				"1": {Text: ptr("ok"), Color: ptr("green"), Index: ptr[int32](1)},
			})}}}).
			OverrideByQuery("B", []dashboard.DynamicConfigValue{{Id: "unit", Value: "s"}}).
			OverrideByQuery("C", []dashboard.DynamicConfigValue{{Id: "mappings", Value: []dashboard.ValueMapping{valueText(map[string]dashboard.ValueMappingResult{
				"1": {Text: ptr("running"), Index: ptr[int32](0)},
			})}}}).
			ReduceOptions(lastValue()).
			TextMode(common.BigValueTextModeValueAndName).
			ColorMode(common.BigValueColorModeValue).
			GraphMode(common.BigValueGraphModeNone).
			Orientation(common.VizOrientationHorizontal),
	}
}

func queryVariable(name, label, query string, multi bool) *dashboard.QueryVariableBuilder {
	return dashboard.NewQueryVariableBuilder(name).
		Label(label).
		Datasource(datasource).
		Definition(query).
		Query(dashboard.StringOrMap{Map: map[string]any{"query": query, "refId": name + "-var"}}).
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
		Sort(dashboard.VariableSortAlphabeticalAsc).
		IncludeAll(true).
		Multi(multi).
		AllValue(".*")
}

// graph is a time series panel with the dashboard's common look: thin
// lines, light fill, a list legend and a tooltip of every series.
func graph(id uint32, pos dashboard.GridPos, title, description string) *timeseries.PanelBuilder {
	return timeseries.NewPanelBuilder().Id(id).GridPos(pos).
		Title(title).
		Description(description).
		Datasource(datasource).
		LineWidth(1).
		FillOpacity(10).
		ShowPoints(common.VisibilityModeNever).
		SpanNulls(common.BoolOrFloat64{Bool: ptr(false)}).
		Legend(common.NewVizLegendOptionsBuilder().
			DisplayMode(common.LegendDisplayModeList).
			Placement(common.LegendPlacementBottom).
			ShowLegend(true)).
		Tooltip(common.NewVizTooltipOptionsBuilder().
			Mode(common.TooltipDisplayModeMulti).
			Sort(common.SortOrderDescending))
}

func upStat(id uint32, pos dashboard.GridPos, title, description string) *stat.PanelBuilder {
	return stat.NewPanelBuilder().Id(id).GridPos(pos).
		Title(title).
		Description(description).
		Datasource(datasource).
		Thresholds(steps(step(nil, "red"), step(ptr(1.0), "green"))).
		ReduceOptions(lastValue()).
		TextMode(common.BigValueTextModeValueAndName).
		ColorMode(common.BigValueColorModeBackground).
		GraphMode(common.BigValueGraphModeNone)
}

func instant(refID, expr, legend string) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().Datasource(datasource).RefId(refID).Expr(expr).LegendFormat(legend).Instant()
}

func rangeQuery(refID, expr, legend string) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().Datasource(datasource).RefId(refID).Expr(expr).LegendFormat(legend).Range()
}

func at(x, y, w, h uint32) dashboard.GridPos { return dashboard.GridPos{X: x, Y: y, W: w, H: h} }

func step(value *float64, color string) dashboard.Threshold {
	return dashboard.Threshold{Value: value, Color: color}
}

func steps(s ...dashboard.Threshold) *dashboard.ThresholdsConfigBuilder {
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps(s)
}

func fixedColor(color string) []dashboard.DynamicConfigValue {
	return []dashboard.DynamicConfigValue{{Id: "color", Value: map[string]string{"mode": "fixed", "fixedColor": color}}}
}

func lastValue() *common.ReduceDataOptionsBuilder {
	return common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Fields("").Values(false)
}

func stacked() *common.StackingConfigBuilder {
	return common.NewStackingConfigBuilder().Mode(common.StackingModeNormal).Group("A")
}

func valueText(options map[string]dashboard.ValueMappingResult) dashboard.ValueMapping {
	return dashboard.ValueMapping{ValueMap: &dashboard.ValueMap{Type: dashboard.MappingTypeValueToText, Options: options}}
}

// noFooter is the table's default footer, hidden, with its reducer list
// empty: the builder's default leaves it null, which the SDK's own strict
// decoder then refuses.
func noFooter() *common.TableFooterOptionsBuilder {
	return common.NewTableFooterOptionsBuilder().Show(false).Reducer([]string{}).CountRows(false)
}

// organize hides the columns a table of series does not need and orders
// the rest.
func organize(order map[string]int) dashboard.DataTransformerConfig {
	return dashboard.DataTransformerConfig{Id: "organize", Options: map[string]any{
		"excludeByName": map[string]bool{"Time": true, "Value": true, "__name__": true, "job": true, "instance": true},
		"indexByName":   order,
		"renameByName":  map[string]string{},
	}}
}
