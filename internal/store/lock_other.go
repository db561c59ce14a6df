//go:build !unix

package store

import (
	"errors"
	"fmt"
)

// flockFile is not available here: a SQLite store cannot be locked.
func flockFile(path string) (release func() error, err error) {
	return nil, fmt.Errorf("%s: file locks: %w", path, errors.ErrUnsupported)
}
