package main

import (
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// checkValuesDocumented fails for each key of values.yaml that the chart's
// README does not name as `key.path`, itself or through a parent (a row for
// `resources` covers resources.limits.memory). Maps are followed down to
// their leaves; a list, a string or an empty map is a leaf.
func checkValuesDocumented(values, readme []byte) error {
	var v map[string]any
	if err := yaml.Unmarshal(values, &v); err != nil {
		return fmt.Errorf("values.yaml: %w", err)
	}
	var keys []string
	leafKeys(v, "", &keys)
	var missing []string
	for _, k := range keys {
		if !documented(k, string(readme)) {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		return fmt.Errorf("the chart README's values table lacks: %s", strings.Join(missing, ", "))
	}
	return nil
}

func leafKeys(v any, at string, out *[]string) {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		*out = append(*out, strings.TrimSuffix(at, "."))
		return
	}
	for k, e := range m {
		leafKeys(e, at+k+".", out)
	}
}

func documented(key, readme string) bool {
	for {
		if strings.Contains(readme, "`"+key+"`") {
			return true
		}
		i := strings.LastIndex(key, ".")
		if i < 0 {
			return false
		}
		key = key[:i]
	}
}
