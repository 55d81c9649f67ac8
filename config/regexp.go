package config

import "regexp"

// Regexp is a regular expression anchored at both ends, like Prometheus
// relabelling's, compiled while it is decoded. A pattern that does not
// compile is kept with its error rather than failing the decode, so that
// Validate reports it under its key (projects[N].name_regex), which a
// decode error cannot name.
type Regexp struct {
	text string
	re   *regexp.Regexp // nil when text is empty or does not compile
	err  error
}

// NewRegexp compiles text, anchored; Err reports a pattern that does not
// compile.
func NewRegexp(text string) Regexp {
	if text == "" {
		return Regexp{}
	}
	re, err := regexp.Compile("^(?:" + text + ")$")
	if err != nil {
		return Regexp{text: text, err: err}
	}
	return Regexp{text: text, re: re}
}

func (r *Regexp) UnmarshalYAML(unmarshal func(any) error) error {
	var text string
	if err := unmarshal(&text); err != nil {
		return err
	}
	*r = NewRegexp(text)
	return nil
}

func (r Regexp) MarshalYAML() (any, error) { return r.text, nil }

// String is the pattern as written, without the anchors.
func (r Regexp) String() string { return r.text }

// Err says why the pattern does not compile, or nil.
func (r Regexp) Err() error { return r.err }

// MatchString reports whether the whole of s matches; the empty pattern
// matches everything, a pattern that did not compile nothing.
func (r Regexp) MatchString(s string) bool {
	switch {
	case r.text == "":
		return true
	case r.re == nil:
		return false
	}
	return r.re.MatchString(s)
}
