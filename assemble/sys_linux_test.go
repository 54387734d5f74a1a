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

func TestPreallocateRetriesInterrupted(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "p"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	calls := 0
	interrupted := func(fd int, mode uint32, off, size int64) error {
		calls++
		if calls < 3 {
			return unix.EINTR
		}
		return unix.Fallocate(fd, mode, off, size)
	}
	if err := preallocateWith(f, 4096, interrupted); err != nil {
		t.Fatalf("preallocate after EINTR: %v", err)
	}
	if fi, _ := f.Stat(); calls != 3 || fi.Size() != 4096 {
		t.Errorf("%d calls, size %d; want 3 calls and 4096 bytes", calls, fi.Size())
	}
}

// TestPreallocateReservesBlocks checks that the space is really reserved (a truncated file
// would be sparse, with no blocks), where the filesystem can reserve it.
func TestPreallocateReservesBlocks(t *testing.T) {
	const size = 1 << 20
	dest := filepath.Join(t.TempDir(), "out")
	probe, err := os.Create(dest + ".probe")
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	if err := unix.Fallocate(int(probe.Fd()), 0, 0, 1); errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOSYS) {
		t.Skipf("the test filesystem cannot reserve space: %v", err)
	}
	f, err := Create(dest, size, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Stat(f.PartialPath(), &st); err != nil {
		t.Fatal(err)
	}
	if st.Size != size || st.Blocks*512 < size {
		t.Errorf("partial file of %d bytes has %d bytes of blocks, want at least %d reserved", st.Size, st.Blocks*512, size)
	}
}
