package assemble

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Options for Create.
type Options struct {
	Force bool // replace an existing destination
}

// File is a download in progress: a partial file of the final size beside the destination.
// WriteAt may be called from many goroutines at once; Commit and Close from one.
type File struct {
	dest  string
	force bool

	mu     sync.Mutex
	f      *os.File
	locked bool // f carries this run's exclusive lock on the partial file
	closed bool // f is closed (by Close or Commit), which also drops the lock
	done   bool // committed
}

// sysCalls are the system operations Create needs, replaceable so tests can take the paths
// (no lock support, a failed reservation) that a test machine cannot produce on demand.
type sysCalls struct {
	lock        func(*os.File) (lockResult, error)
	preallocate func(*os.File, int64) error
}

// Create makes the partial file beside dest (same directory, so the rename is atomic),
// preallocated to size (fallocate where the filesystem supports it, else truncate). It fails
// with ErrExists (wrapped, naming the path) when dest exists and !opts.Force, creating
// nothing. An existing partial file is replaced (resume comes later).
//
// On Unix the File holds an exclusive flock on the partial file until Close or Commit, so a
// second run to the same dest fails with ErrBusy (wrapped, naming both paths) and leaves the
// first run's partial file untouched. Elsewhere (Windows) there is no lock and two runs to one
// dest must be avoided by the user.
func Create(dest string, size int64, opts Options) (*File, error) {
	return create(dest, size, opts, sysCalls{lock: lockFile, preallocate: preallocate})
}

// create is Create with the system calls given.
func create(dest string, size int64, opts Options, sys sysCalls) (*File, error) {
	if size < 0 {
		return nil, fmt.Errorf("cannot create %s with negative size %d", dest, size)
	}
	if err := checkDir(filepath.Dir(dest)); err != nil {
		return nil, err
	}
	switch fi, err := os.Lstat(dest); {
	case err == nil && fi.IsDir():
		return nil, fmt.Errorf("%s is a directory; give a file name as DEST", dest)
	case err == nil && !opts.Force:
		return nil, &existsError{path: dest}
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("check destination: %w", err)
	}
	a := &File{dest: dest, force: opts.Force}
	f, res, err := openPartial(a.PartialPath(), sys.lock)
	switch {
	case err != nil:
		return nil, err
	case res == lockBusy:
		return nil, &busyError{dest: dest, partial: a.PartialPath()}
	}
	a.f, a.locked = f, res == lockHeld
	// Only now, with the file ours, may an earlier run's bytes go.
	if err := f.Truncate(0); err != nil {
		a.abandon()
		return nil, fmt.Errorf("clear old %s: %w", a.PartialPath(), err)
	}
	if err := sys.preallocate(f, size); err != nil {
		a.abandon()
		return nil, fmt.Errorf("reserve %d bytes for %s: %w", size, a.PartialPath(), err)
	}
	return a, nil
}

// abandon closes a partial file that Create could not set up. An empty partial file is of no
// use to a later run, so it goes too, but only while the lock proves it is this run's: without
// the lock the name may already belong to another run.
func (f *File) abandon() {
	if f.locked {
		os.Remove(f.PartialPath())
	}
	f.f.Close()
	f.closed = true
}

// checkDir says clearly when the destination's directory is missing, rather than letting
// the open fail with a bare "no such file or directory" about the partial file.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("directory %s does not exist; create it or choose another DEST", dir)
	case err != nil:
		return fmt.Errorf("check destination directory: %w", err)
	case !fi.IsDir():
		return fmt.Errorf("%s is not a directory; choose another DEST", dir)
	}
	return nil
}

// WriteAt writes p at off in the partial file. It is safe for concurrent use at distinct
// offsets (pwrite on the shared descriptor).
func (f *File) WriteAt(p []byte, off int64) (int, error) {
	return f.f.WriteAt(p, off)
}

// Commit fsyncs the partial file, renames it onto the destination (refusing to replace one that
// appeared meanwhile unless Force) and fsyncs the directory; it closes the file, releasing the
// lock. After a failed Commit the partial file stays where it is.
func (f *File) Commit() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.done:
		return fmt.Errorf("%s is already committed", f.dest)
	case f.closed:
		return fmt.Errorf("%s was abandoned (closed) and cannot be committed", f.PartialPath())
	}
	if err := f.f.Sync(); err != nil {
		f.closeFile()
		return fmt.Errorf("flush %s to disk: %w", f.PartialPath(), err)
	}
	// With the lock, rename while still holding it: closing first would let another run lock
	// and truncate the finished file in the moment before the rename. Without it, close first,
	// as systems that cannot rename an open file (Windows) need.
	if !f.locked {
		if err := f.closeFile(); err != nil {
			return fmt.Errorf("flush %s to disk: %w", f.PartialPath(), err)
		}
	}
	var err error
	if f.force {
		err = os.Rename(f.PartialPath(), f.dest)
	} else {
		err = renameNoReplace(f.PartialPath(), f.dest)
	}
	if err != nil {
		f.closeFile()
		return err
	}
	f.done = true
	if err := f.closeFile(); err != nil {
		return fmt.Errorf("%s is complete, but closing it failed: %w", f.dest, err)
	}
	if err := syncDir(filepath.Dir(f.dest)); err != nil {
		return fmt.Errorf("%s is complete, but flushing its directory failed: %w", f.dest, err)
	}
	return nil
}

// closeFile closes f's file, and with it drops the lock, once; the caller holds f.mu.
func (f *File) closeFile() error {
	if f.closed {
		return nil
	}
	f.closed = true
	return f.f.Close()
}

// Close abandons the download: it closes the partial file, which releases the lock, and leaves
// it in place. It is safe to call after Commit and more than once.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closeFile()
}

// Path is the destination, where Commit puts the finished file.
func (f *File) Path() string { return f.dest }

// PartialPath is the file being written; it stays after a failure so a later run can resume.
func (f *File) PartialPath() string { return f.dest + PartialSuffix }

// syncDir fsyncs dir so that a rename in it survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return syncDirFile(d)
}

// linkNoReplace moves oldpath to newpath unless newpath exists, with a hard link (which
// never replaces) and an unlink. It is how filesystems without an atomic no-replace rename
// still refuse to clobber a file.
func linkNoReplace(oldpath, newpath string) error {
	err := os.Link(oldpath, newpath)
	switch {
	case errors.Is(err, fs.ErrExist):
		return &existsError{path: newpath}
	case err != nil:
		// No hard links here (FAT, some network filesystems): check, then rename. Between
		// the two another process could create newpath; there is nothing better to do.
		if _, serr := os.Lstat(newpath); serr == nil {
			return &existsError{path: newpath}
		}
		if rerr := os.Rename(oldpath, newpath); rerr != nil {
			return fmt.Errorf("move %s to %s: %w", oldpath, newpath, rerr)
		}
		return nil
	}
	if err := os.Remove(oldpath); err != nil {
		return fmt.Errorf("%s is complete, but removing %s failed: %w", newpath, oldpath, err)
	}
	return nil
}
