//go:build linux

package assemble

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestPreallocateFallsBackToTruncate(t *testing.T) {
	for _, errno := range []error{unix.EOPNOTSUPP, unix.ENOSYS} {
		f, err := os.Create(filepath.Join(t.TempDir(), "p"))
		if err != nil {
			t.Fatal(err)
		}
		unsupported := func(int, uint32, int64, int64) error { return errno }
		if err := preallocateWith(f, 12345, unsupported); err != nil {
			t.Fatalf("%v: %v", errno, err)
		}
		if fi, _ := f.Stat(); fi.Size() != 12345 {
			t.Errorf("%v: size %d, want 12345", errno, fi.Size())
		}
		f.Close()
	}
}

func TestPreallocateNoSpace(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "p"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	full := func(int, uint32, int64, int64) error { return unix.ENOSPC }
	err = preallocateWith(f, 10, full)
	if !errors.Is(err, unix.ENOSPC) || !strings.HasPrefix(err.Error(), "not enough free space; free some or choose another DEST") {
		t.Errorf("err = %v", err)
	}
}
