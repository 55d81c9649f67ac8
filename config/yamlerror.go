package config

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

var (
	linePattern     = regexp.MustCompile(`line (\d+): `)
	unknownPattern  = regexp.MustCompile(`field (\S+) not found in type \S+`)
	typeMismatch    = regexp.MustCompile("cannot unmarshal !!(\\w+) `([^`]*)` into (\\S+)")
	yamlErrorPrefix = regexp.MustCompile(`^yaml: (unmarshal errors:\n\s*)?`)
)

// yamlMessage rewrites the YAML library's errors into the terms of this
// file: which key, on which line, and what is wrong with it.
func yamlMessage(err error, src []byte) string {
	msg := yamlErrorPrefix.ReplaceAllString(err.Error(), "")
	secret := secretLines(src)
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		l = hideValues(l, secret)
		l = unknownPattern.ReplaceAllString(l, `unknown key "$1"`)
		l = typeMismatch.ReplaceAllStringFunc(l, func(m string) string {
			p := typeMismatch.FindStringSubmatch(m)
			if p[2] == hiddenValue {
				return fmt.Sprintf("%s %s is not a valid %s", yamlKind(p[1]), p[2], goKind(p[3]))
			}
			return fmt.Sprintf("%s %q is not a valid %s", yamlKind(p[1]), p[2], goKind(p[3]))
		})
		if m := linePattern.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			if k := keyOnLine(src, n); k != "" && !strings.Contains(l, `"`+k+`"`) {
				l = strings.Replace(l, m[0], fmt.Sprintf("line %d: key %q: ", n, k), 1)
			}
		}
		lines[i] = l
	}
	return strings.Join(lines, "; ")
}

const hiddenValue = "(value hidden)"

// quotedValue is how the YAML library quotes a value in its errors.
var quotedValue = regexp.MustCompile("`[^`]*`")

// hideValues removes quoted values from an error line unless the line it
// names is known to lie outside the auth section: a value there may be a
// credential, and errors are logged.
func hideValues(l string, secret map[int]bool) string {
	if m := linePattern.FindStringSubmatch(l); m != nil && secret != nil {
		if n, _ := strconv.Atoi(m[1]); !secret[n] {
			return l
		}
	}
	return quotedValue.ReplaceAllString(l, "`"+hiddenValue+"`")
}

// secretLines returns the source lines holding the auth section, or nil
// when the text does not parse as YAML (then no line is trusted).
func secretLines(src []byte) map[int]bool {
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil {
		return nil
	}
	lines := map[int]bool{}
	seen := map[*yaml.Node]bool{} // aliases make a DAG; walk each node once
	var mark func(n *yaml.Node)
	mark = func(n *yaml.Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		lines[n.Line] = true
		for _, c := range n.Content {
			mark(c)
		}
		if n.Alias != nil {
			mark(n.Alias)
		}
	}
	for _, root := range doc.Content {
		if root.Kind != yaml.MappingNode {
			continue
		}
		markAuth(root, mark)
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == "projects" && root.Content[i+1].Kind == yaml.SequenceNode {
				// Each project may carry its own credentials.
				for _, pr := range root.Content[i+1].Content {
					if pr.Kind == yaml.MappingNode {
						markAuth(pr, mark)
					}
				}
			}
		}
	}
	return lines
}

// markAuth marks the auth key of mapping m and everything under it.
func markAuth(m *yaml.Node, mark func(*yaml.Node)) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "auth" {
			mark(m.Content[i])
			mark(m.Content[i+1])
		}
	}
}

// keyOnLine returns the mapping key written on a 1-based source line.
func keyOnLine(src []byte, n int) string {
	ls := bytes.Split(src, []byte("\n"))
	if n < 1 || n > len(ls) {
		return ""
	}
	l := strings.TrimSpace(string(ls[n-1]))
	l = strings.TrimPrefix(l, "- ")
	k, _, ok := strings.Cut(l, ":")
	if !ok || strings.ContainsAny(k, " \"'{[") {
		return ""
	}
	return k
}

func yamlKind(tag string) string {
	switch tag {
	case "str":
		return "text"
	case "seq":
		return "a list"
	case "map":
		return "a mapping"
	}
	return tag
}

func goKind(t string) string {
	switch {
	case strings.HasPrefix(t, "int"):
		return "whole number"
	case strings.HasPrefix(t, "[]"):
		return "list"
	case t == "string":
		return "text value"
	case t == "bool":
		return "true/false"
	}
	return "mapping"
}
