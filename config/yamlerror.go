package config

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
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
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		l = unknownPattern.ReplaceAllString(l, `unknown key "$1"`)
		l = typeMismatch.ReplaceAllStringFunc(l, func(m string) string {
			p := typeMismatch.FindStringSubmatch(m)
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
