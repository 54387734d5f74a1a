//go:build linux

package assemble

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// preallocate reserves size bytes for f so that a full disk shows up now, not mid-download,
// and the file is laid out in one piece.
func preallocate(f *os.File, size int64) error {
	return preallocateWith(f, size, unix.Fallocate)
}

// preallocateWith is preallocate with the fallocate call replaceable, so tests can take the
// fallback path on any filesystem.
func preallocateWith(f *os.File, size int64, fallocate func(fd int, mode uint32, off, size int64) error) error {
	if size == 0 {
		return nil
	}
	err := fallocate(int(f.Fd()), 0, 0, size)
	for errors.Is(err, unix.EINTR) {
		// A signal (Go's own preemption signal among them) interrupted a long allocation;
		// fallocate is safe to repeat, and what was already reserved stays reserved.
		err = fallocate(int(f.Fd()), 0, 0, size)
	}
	if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOSYS) {
		// The filesystem cannot reserve space; a sparse file of the right size still works.
		return f.Truncate(size)
	}
	if errors.Is(err, unix.ENOSPC) || errors.Is(err, unix.EDQUOT) {
		return fmt.Errorf("not enough free space; free some or choose another DEST: %w", err)
	}
	return err
}

// renameNoReplace moves oldpath to newpath atomically unless newpath exists.
func renameNoReplace(oldpath, newpath string) error {
	err := unix.Renameat2(unix.AT_FDCWD, oldpath, unix.AT_FDCWD, newpath, unix.RENAME_NOREPLACE)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EEXIST):
		return &existsError{path: newpath}
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EOPNOTSUPP):
		// Old kernel or a filesystem without RENAME_NOREPLACE.
		return linkNoReplace(oldpath, newpath)
	}
	return fmt.Errorf("move %s to %s: %w", oldpath, newpath, err)
}

// syncDirFile fsyncs an open directory. Some filesystems cannot (EINVAL); the rename has
// still happened, so that is not worth failing a download over.
func syncDirFile(d *os.File) error {
	if err := d.Sync(); err != nil && !errors.Is(err, unix.EINVAL) {
		return err
	}
	return nil
}
