// Package assemble owns the output file: where it goes, the preallocated partial file beside
// it that ranges are written into at their offsets, and the fsync-and-rename that makes a
// finished download appear under its final name all at once. It knows nothing of HTTP.
package assemble

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// PartialSuffix is appended to the destination's name to make the partial file's name. The name
// is fixed so that a later run can find and resume it.
const PartialSuffix = ".pget-partial"

// ErrExists is returned when the destination exists and Force is not set.
var ErrExists = errors.New("destination exists")

// ErrStdout is returned for the destination "-", which is not supported yet.
var ErrStdout = errors.New("writing to stdout (-) is not supported yet")

// existsError names the destination that is in the way; it is ErrExists for errors.Is.
type existsError struct{ path string }

func (e *existsError) Error() string {
	return e.path + " already exists; use --force to replace it"
}

func (e *existsError) Unwrap() error { return ErrExists }

// ErrBusy is returned by Create when another run holds the lock on the destination's partial
// file: two runs writing one partial file would corrupt each other's download.
var ErrBusy = errors.New("another pget is downloading to the destination")

// busyError names the destination and the locked partial file; it is ErrBusy for errors.Is.
type busyError struct{ dest, partial string }

func (e *busyError) Error() string {
	return "another pget is already downloading to " + e.dest + " (" + e.partial + " is locked)"
}

func (e *busyError) Unwrap() error { return ErrBusy }

// Destination resolves the user's DEST for an object key: "" means the key's base name in the
// current directory, a directory (existing, or written with a trailing slash) means DIR/base
// name, "-" is ErrStdout. A key with no usable base name ("", "dir/", "..") is an error that
// asks for an explicit DEST.
func Destination(dest, key string) (string, error) {
	if dest == "-" {
		return "", ErrStdout
	}
	intoDir := dest == "" || strings.HasSuffix(dest, "/") || strings.HasSuffix(dest, string(filepath.Separator))
	if !intoDir {
		if fi, err := os.Stat(dest); err == nil && fi.IsDir() {
			intoDir = true
		}
	}
	if !intoDir {
		return dest, nil
	}
	base, err := baseName(key)
	if err != nil {
		return "", err
	}
	if dest == "" {
		return base, nil
	}
	return filepath.Join(dest, base), nil
}

// baseName is the part of key after its last "/", when that can name a file.
func baseName(key string) (string, error) {
	base := key[strings.LastIndex(key, "/")+1:]
	switch {
	case base == "":
		return "", fmt.Errorf("key %q has no file name; give a DEST file name", key)
	case base == "." || base == "..", strings.ContainsRune(base, filepath.Separator), strings.ContainsRune(base, 0):
		return "", fmt.Errorf("key %q ends in %q, which cannot be a file name; give a DEST file name", key, base)
	}
	return base, nil
}
