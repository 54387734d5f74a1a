//go:build !linux

package assemble

import "os"

// preallocate gives f its final size; other systems get a sparse file rather than reserved
// space.
func preallocate(f *os.File, size int64) error {
	if size == 0 {
		return nil
	}
	return f.Truncate(size)
}

// renameNoReplace moves oldpath to newpath unless newpath exists.
func renameNoReplace(oldpath, newpath string) error {
	return linkNoReplace(oldpath, newpath)
}

// syncDirFile fsyncs an open directory, where the system allows it (Windows does not).
func syncDirFile(d *os.File) error {
	_ = d.Sync()
	return nil
}
