// Package fileerr shortens file errors for messages that already name
// the file.
package fileerr

import (
	"errors"
	"os"
)

// Cause is the reason a file operation failed ("no such file or
// directory") without the operation and path that *os.PathError adds, so
// a message naming the path does not repeat it. Other errors are returned
// as they are.
func Cause(err error) error {
	if pe, ok := errors.AsType[*os.PathError](err); ok {
		return pe.Err
	}
	return err
}
