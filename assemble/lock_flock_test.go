//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris

package assemble

import (
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCreateBusyLeavesFirstRunAlone(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "out")
	want := []byte(strings.Repeat("first run's bytes ", 1000))
	first, err := Create(dest, int64(len(want)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.WriteAt(want, 0); err != nil {
		t.Fatal(err)
	}
	// Size 0 would show a truncation, a larger size a preallocation.
	for _, size := range []int64{0, int64(len(want)) * 2} {
		second, err := Create(dest, size, Options{Force: true})
		if second != nil || !errors.Is(err, ErrBusy) {
			t.Fatalf("second Create(size %d) = %v, %v; want ErrBusy", size, second, err)
		}
		msg := "another pget is already downloading to " + dest + " (" + dest + ".pget-partial is locked)"
		if err.Error() != msg {
			t.Errorf("error %q, want %q", err, msg)
		}
		if fi, err := os.Stat(first.PartialPath()); err != nil || fi.Size() != int64(len(want)) {
			t.Fatalf("partial file after a refused Create: %v, %v; want %d bytes", fi, err, len(want))
		}
		if fileSum(t, first.PartialPath()) != sha256.Sum256(want) {
			t.Fatalf("the first run's bytes changed")
		}
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	third, err := Create(dest, 3, Options{})
	if err != nil {
		t.Fatalf("Create after the first run closed: %v", err)
	}
	defer third.Close()
	if fi, err := os.Stat(third.PartialPath()); err != nil || fi.Size() != 3 {
		t.Errorf("partial file %v, %v; want the new run's 3 bytes", fi, err)
	}
}

func TestCreateAfterCommit(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "out")
	first, err := Create(dest, 4, Options{})
	if err != nil {
		t.Fatal(err)
	}
	first.WriteAt([]byte("done"), 0)
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	second, err := Create(dest, 10, Options{Force: true})
	if err != nil {
		t.Fatalf("Create after Commit: %v", err)
	}
	defer second.Close()
	if got, _ := os.ReadFile(dest); string(got) != "done" {
		t.Errorf("dest holds %q, want the committed %q", got, "done")
	}
	if fi, err := os.Stat(second.PartialPath()); err != nil || fi.Size() != 10 {
		t.Errorf("new partial file %v, %v; want 10 bytes", fi, err)
	}
}

func TestCreateAfterFailedCommit(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "out")
	first, err := Create(dest, 4, Options{})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(dest, []byte("theirs"), 0o644)
	if err := first.Commit(); !errors.Is(err, ErrExists) {
		t.Fatalf("Commit = %v, want ErrExists", err)
	}
	second, err := Create(dest, 4, Options{Force: true})
	if err != nil {
		t.Fatalf("Create after a failed Commit: %v", err)
	}
	second.Close()
}

// TestOpenPartialReopensMovedFile plays the race where another run commits (renames the
// partial onto dest) or gives up (removes it) between this run's open and its lock: the lock
// then lands on a file that is no longer the partial, and must not be used.
func TestOpenPartialReopensMovedFile(t *testing.T) {
	for _, move := range []string{"rename", "remove"} {
		dir := t.TempDir()
		partial, dest := filepath.Join(dir, "out"+PartialSuffix), filepath.Join(dir, "out")
		if err := os.WriteFile(partial, []byte("finished"), 0o644); err != nil {
			t.Fatal(err)
		}
		calls := 0
		lock := func(f *os.File) (lockResult, error) {
			calls++
			if calls == 1 {
				var err error
				if move == "rename" {
					err = os.Rename(partial, dest)
				} else {
					err = os.Remove(partial)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			return lockFile(f)
		}
		f, res, err := openPartial(partial, lock)
		if err != nil || res != lockHeld {
			t.Fatalf("%s: openPartial = %v, %v", move, res, err)
		}
		if same, err := stillAt(f, partial); !same || err != nil || calls != 2 {
			t.Errorf("%s: after %d locks the file is at the partial path: %v, %v; want true after 2", move, calls, same, err)
		}
		if fi, _ := f.Stat(); fi.Size() != 0 {
			t.Errorf("%s: got a file of %d bytes, want a new empty one", move, fi.Size())
		}
		f.Close()
		if move == "rename" {
			if got, _ := os.ReadFile(dest); string(got) != "finished" {
				t.Errorf("dest holds %q, want %q", got, "finished")
			}
		}
	}
}

func TestOpenPartialGivesUp(t *testing.T) {
	partial := filepath.Join(t.TempDir(), "out"+PartialSuffix)
	lock := func(f *os.File) (lockResult, error) {
		os.Remove(partial)
		return lockFile(f)
	}
	f, _, err := openPartial(partial, lock)
	if want := partial + " keeps being replaced by another program; stop it or choose another DEST"; f != nil || err == nil || err.Error() != want {
		t.Errorf("openPartial = %v, %v; want %q", f, err, want)
	}
}

func TestCreateFailedReservation(t *testing.T) {
	full := errors.New("disk full")
	failing := func(*os.File, int64) error { return full }
	unsupported := func(*os.File) (lockResult, error) { return lockUnsupported, nil }
	for _, tc := range []struct {
		name     string
		lock     func(*os.File) (lockResult, error)
		keepsOld bool
	}{
		{"locked", lockFile, false},
		// Without a lock the name may belong to another run by now, so it stays.
		{"no lock", unsupported, true},
	} {
		dest := filepath.Join(t.TempDir(), "out")
		f, err := create(dest, 5, Options{}, sysCalls{lock: tc.lock, preallocate: failing})
		want := "reserve 5 bytes for " + dest + PartialSuffix + ": disk full"
		if f != nil || !errors.Is(err, full) || err.Error() != want {
			t.Errorf("%s: create = %v, %v; want %q", tc.name, f, err, want)
		}
		if exists(dest+PartialSuffix) != tc.keepsOld {
			t.Errorf("%s: partial file exists = %v, want %v", tc.name, !tc.keepsOld, tc.keepsOld)
		}
		again, err := Create(dest, 1, Options{})
		if err != nil {
			t.Fatalf("%s: Create after a failed one: %v", tc.name, err)
		}
		again.Close()
	}
}
