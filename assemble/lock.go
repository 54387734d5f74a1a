package assemble

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// lockResult is what an attempt to lock the partial file found.
type lockResult int

const (
	lockHeld        lockResult = iota // this run holds the exclusive lock
	lockBusy                          // another process holds it
	lockUnsupported                   // this system or filesystem has no such lock
)

// openAttempts bounds how often openPartial reopens a partial file that was renamed or
// removed between its open and its lock; each retry needs another run to finish meanwhile.
const openAttempts = 10

// openPartial opens (creating it if needed, never truncating it) the partial file at path and
// locks it with lock. Nothing is written to the file here: while another run may own it, its
// bytes must stay as they are. On lockBusy the file is closed and the result is lockBusy with a
// nil file.
//
// A lock belongs to the file, not to the name: a run that opened the name just before the
// owner renamed it onto the destination (Commit) or removed it would otherwise lock, and then
// truncate, a file that is no longer the partial. So after locking, the name must still lead
// to the locked file; if not, open the name again.
func openPartial(path string, lock func(*os.File) (lockResult, error)) (*os.File, lockResult, error) {
	for range openAttempts {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, 0, fmt.Errorf("create partial file: %w", err)
		}
		res, err := lock(f)
		switch {
		case err != nil:
			f.Close()
			return nil, 0, fmt.Errorf("lock %s: %w", path, err)
		case res == lockBusy:
			f.Close()
			return nil, lockBusy, nil
		case res == lockUnsupported:
			return f, lockUnsupported, nil
		}
		same, err := stillAt(f, path)
		if same {
			return f, lockHeld, nil
		}
		f.Close()
		if err != nil {
			return nil, 0, fmt.Errorf("check partial file: %w", err)
		}
	}
	return nil, 0, fmt.Errorf("%s keeps being replaced by another program; stop it or choose another DEST", path)
}

// stillAt reports whether path names the open file f. A missing path is false, not an error.
func stillAt(f *os.File, path string) (bool, error) {
	open, err := f.Stat()
	if err != nil {
		return false, err
	}
	named, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	}
	return os.SameFile(open, named), nil
}
