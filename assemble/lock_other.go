//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris)

package assemble

import "os"

// lockFile takes no lock: these systems (Windows among them) have no flock here, so two runs
// to the same DEST are not kept apart and the user must not start them.
func lockFile(*os.File) (lockResult, error) {
	return lockUnsupported, nil
}
