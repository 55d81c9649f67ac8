package config

import "fmt"

func sprint(format string, v any) string { return fmt.Sprintf(format, v) }
