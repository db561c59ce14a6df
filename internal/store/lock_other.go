//go:build !unix

package store

import (
	"errors"
	"fmt"
	"os"
)

// flockFile is not available here: a SQLite store cannot be locked.
func flockFile(path string) (*os.File, error) {
	return nil, fmt.Errorf("%s: file locks: %w", path, errors.ErrUnsupported)
}
