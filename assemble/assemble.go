// Package assemble owns the output file: where it goes, the preallocated partial file beside
// it that ranges are written into at their offsets, and the fsync-and-rename that makes a
// finished download appear under its final name all at once. It knows nothing of HTTP.
package assemble

import "errors"

// PartialSuffix is appended to the destination's name to make the partial file's name. The name
// is fixed so that a later run can find and resume it.
const PartialSuffix = ".pget-partial"

// ErrExists is returned when the destination exists and Force is not set.
var ErrExists = errors.New("destination exists")

// ErrStdout is returned for the destination "-", which is not supported yet.
var ErrStdout = errors.New("writing to stdout (-) is not supported yet")

// Destination resolves the user's DEST for an object key: "" means the key's base name in the
// current directory, a directory (existing, or written with a trailing slash) means DIR/base
// name, "-" is ErrStdout. A key with no usable base name ("", "dir/") is an error that asks for
// an explicit DEST.
func Destination(dest, key string) (string, error) { panic("unimplemented") }

// Options for Create.
type Options struct {
	Force bool // replace an existing destination
}

// File is a download in progress: a partial file of the final size beside the destination.
type File struct {
	dest string
}

// Create makes the partial file beside dest (same directory, so the rename is atomic),
// preallocated to size (fallocate where the filesystem supports it, else truncate). It fails
// with ErrExists (wrapped, naming the path) when dest exists and !opts.Force. An existing
// partial file is replaced (resume comes later).
func Create(dest string, size int64, opts Options) (*File, error) { panic("unimplemented") }

// WriteAt writes p at off in the partial file.
func (f *File) WriteAt(p []byte, off int64) (int, error) { panic("unimplemented") }

// Commit fsyncs the partial file, renames it onto the destination (refusing to replace one that
// appeared meanwhile unless Force) and fsyncs the directory.
func (f *File) Commit() error { panic("unimplemented") }

// Close abandons the download: it closes the partial file and leaves it in place. It is safe
// to call after Commit.
func (f *File) Close() error { panic("unimplemented") }

// Path is the destination; PartialPath the file being written.
func (f *File) Path() string        { return f.dest }
func (f *File) PartialPath() string { return f.dest + PartialSuffix }
