//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris

package assemble

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lockFile takes an exclusive, non-blocking flock on f, held until f is closed. The kernel
// drops it when the process dies, so a crashed run never leaves a stale lock behind.
// Filesystems that cannot lock (some network and FUSE filesystems) get no lock rather than
// no download.
func lockFile(f *os.File) (lockResult, error) {
	conn, err := f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var ferr error
	if err := conn.Control(func(fd uintptr) {
		ferr = unix.Flock(int(fd), unix.LOCK_EX|unix.LOCK_NB)
		for errors.Is(ferr, unix.EINTR) {
			ferr = unix.Flock(int(fd), unix.LOCK_EX|unix.LOCK_NB)
		}
	}); err != nil {
		return 0, err
	}
	switch {
	case ferr == nil:
		return lockHeld, nil
	case errors.Is(ferr, unix.EWOULDBLOCK):
		return lockBusy, nil
	case errors.Is(ferr, unix.ENOLCK), errors.Is(ferr, unix.EOPNOTSUPP), errors.Is(ferr, unix.ENOTSUP),
		errors.Is(ferr, unix.ENOSYS), errors.Is(ferr, unix.EINVAL):
		return lockUnsupported, nil
	}
	return 0, ferr
}
