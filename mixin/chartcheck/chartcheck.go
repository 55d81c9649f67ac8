package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// configKey is the key of the exporter's configuration in its ConfigMap.
const configKey = "apig_exporter.yml"

// testCredential is written into every credential file the configuration
// names, so that --config.check finds them present and non-empty.
const testCredential = "chartcheck-test-credential\n"

// manifests is what `helm template` rendered, one map per document.
type manifests []map[string]any

func parseManifests(r io.Reader) (manifests, error) {
	var out manifests
	dec := yaml.NewDecoder(r)
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("rendered manifests: document %d: %w", len(out)+1, err)
		}
		if doc != nil {
			out = append(out, doc)
		}
	}
}

// ofKind returns the documents of the given kind.
func (m manifests) ofKind(kind string) []map[string]any {
	var out []map[string]any
	for _, doc := range m {
		if doc["kind"] == kind {
			out = append(out, doc)
		}
	}
	return out
}

// one returns the single document of the kind for which match is true.
func (m manifests) one(kind string, match func(map[string]any) bool) (map[string]any, error) {
	var found []map[string]any
	for _, doc := range m.ofKind(kind) {
		if match == nil || match(doc) {
			found = append(found, doc)
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("want one %s, found %d", kind, len(found))
	}
	return found[0], nil
}

// dig follows keys (string keys of maps, int indexes of lists) into v.
func dig(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// checkRuleGroups fails unless the PrometheusRule's spec.groups equal the
// groups of the alert file.
func checkRuleGroups(m manifests, alertFile []byte) error {
	rule, err := m.one("PrometheusRule", nil)
	if err != nil {
		return err
	}
	var alerts map[string]any
	if err := yaml.Unmarshal(alertFile, &alerts); err != nil {
		return fmt.Errorf("alert file: %w", err)
	}
	want, got := alerts["groups"], dig(rule, "spec", "groups")
	if want == nil {
		return errors.New("alert file: no groups")
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("PrometheusRule spec.groups differ from the alert file's groups:\n%s", firstDifference(got, want, "groups"))
	}
	return nil
}

// firstDifference names the first place where got and want differ.
func firstDifference(got, want any, at string) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %T, want a map", at, got)
		}
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !reflect.DeepEqual(g[k], w[k]) {
				return firstDifference(g[k], w[k], at+"."+k)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: got %v, want %d items", at, got, len(w))
		}
		for i := range w {
			if !reflect.DeepEqual(g[i], w[i]) {
				return firstDifference(g[i], w[i], fmt.Sprintf("%s[%d]", at, i))
			}
		}
	}
	return fmt.Sprintf("%s: got %v, want %v", at, got, want)
}

// checkDashboard fails unless a ConfigMap labelled grafana_dashboard: "1"
// holds the dashboard file, byte for byte.
func checkDashboard(m manifests, dashboard []byte) error {
	cm, err := m.one("ConfigMap", func(d map[string]any) bool {
		return dig(d, "metadata", "labels", "grafana_dashboard") == "1"
	})
	if err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	data, _ := dig(cm, "data").(map[string]any)
	if len(data) != 1 {
		return fmt.Errorf("dashboard ConfigMap: want one data key, found %d", len(data))
	}
	for key, v := range data {
		if s, _ := v.(string); !bytes.Equal([]byte(s), bytes.TrimRight(dashboard, "\n")) {
			return fmt.Errorf("dashboard ConfigMap key %s differs from the dashboard file", key)
		}
	}
	return nil
}

// exporterConfig returns the configuration in the rendered ConfigMap.
func exporterConfig(m manifests) (map[string]any, error) {
	cm, err := m.one("ConfigMap", func(d map[string]any) bool {
		return dig(d, "data", configKey) != nil
	})
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	text, _ := dig(cm, "data", configKey).(string)
	var cfg map[string]any
	if err := yaml.Unmarshal([]byte(text), &cfg); err != nil {
		return nil, fmt.Errorf("configuration in the ConfigMap: %w", err)
	}
	return cfg, nil
}

// credentialFiles returns the path of every file the configuration names
// (keys ending in _file), by key path.
func credentialFiles(v any, at string, out map[string]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if s, ok := e.(string); ok && strings.HasSuffix(k, "_file") && s != "" {
				out[at+k] = s
			}
			credentialFiles(e, at+k+".", out)
		}
	case []any:
		for i, e := range v {
			credentialFiles(e, fmt.Sprintf("%s%d.", at, i), out)
		}
	}
}

// mountedFrom returns, for each of the exporter container's volume mounts,
// the kind of volume behind it (secret, projected, configMap, ...).
func mountedFrom(m manifests) (map[string]string, error) {
	dep, err := m.one("Deployment", nil)
	if err != nil {
		return nil, err
	}
	kinds := map[string]string{}
	volumes, _ := dig(dep, "spec", "template", "spec", "volumes").([]any)
	for _, v := range volumes {
		vm, _ := v.(map[string]any)
		for k := range vm {
			if k != "name" {
				kinds[fmt.Sprint(vm["name"])] = k
			}
		}
	}
	out := map[string]string{}
	mounts, _ := dig(dep, "spec", "template", "spec", "containers", 0, "volumeMounts").([]any)
	for _, mt := range mounts {
		mm, _ := mt.(map[string]any)
		out[fmt.Sprint(mm["mountPath"])] = kinds[fmt.Sprint(mm["name"])]
	}
	return out, nil
}

// checkFilesMounted fails for a file the configuration names that no
// secret or projected volume of the Deployment provides.
func checkFilesMounted(files map[string]string, mounts map[string]string) error {
	var problems []string
	for key, file := range files {
		ok := false
		for dir, kind := range mounts {
			if (kind == "secret" || kind == "projected") && path.Dir(file) == path.Clean(dir) {
				ok = true
			}
		}
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: %s is in no Secret or projected volume of the Deployment", key, file))
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// writeConfig writes the configuration into dir with every credential file
// moved under dir (root + its path), creating those files, and returns the
// configuration's path. Only the file locations differ from the chart's.
func writeConfig(cfg map[string]any, files map[string]string, dir string) (string, error) {
	for key, file := range files {
		moved := filepath.Join(dir, "root", file)
		if err := os.MkdirAll(filepath.Dir(moved), 0o700); err != nil {
			return "", err
		}
		if err := os.WriteFile(moved, []byte(testCredential), 0o600); err != nil {
			return "", err
		}
		setAt(cfg, strings.Split(key, "."), moved)
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, configKey)
	return p, os.WriteFile(p, out, 0o600)
}

// setAt sets the value at a key path made by credentialFiles.
func setAt(v any, keys []string, value string) {
	for i, k := range keys {
		switch c := v.(type) {
		case map[string]any:
			if i == len(keys)-1 {
				c[k] = value
				return
			}
			v = c[k]
		case []any:
			var n int
			fmt.Sscan(k, &n)
			v = c[n]
		}
	}
}
