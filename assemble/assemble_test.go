package assemble

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestDestination(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dest, key string
		want      string
		err       string
	}{
		{"", "a/b/c.tar.gz", "c.tar.gz", ""},
		{"", "c.txt", "c.txt", ""},
		{dir, "logs/2024/app.log", filepath.Join(dir, "app.log"), ""},
		{dir + "/", "app.log", filepath.Join(dir, "app.log"), ""},
		{"new/", "x/y.bin", "new/y.bin", ""},
		{"out.bin", "x/y.bin", "out.bin", ""},
		{"out.bin", "dir/", "out.bin", ""}, // an explicit file name needs no base name
		{"out.bin", "", "out.bin", ""},
		{file, "k", file, ""}, // an existing file is a file name, not a directory
		{"-", "x", "", ErrStdout.Error()},
		{"", "", "", `key "" has no file name; give a DEST file name`},
		{"", "photos/", "", `key "photos/" has no file name; give a DEST file name`},
		{dir, "photos/", "", `key "photos/" has no file name; give a DEST file name`},
		{"", "a/..", "", `key "a/.." ends in "..", which cannot be a file name; give a DEST file name`},
		{"", ".", "", `key "." ends in ".", which cannot be a file name; give a DEST file name`},
	} {
		got, err := Destination(tc.dest, tc.key)
		errText := ""
		if err != nil {
			errText = err.Error()
		}
		if got != tc.want || errText != tc.err {
			t.Errorf("Destination(%q, %q) = %q, %q; want %q, %q", tc.dest, tc.key, got, errText, tc.want, tc.err)
		}
	}
	if _, err := Destination("-", "x"); !errors.Is(err, ErrStdout) {
		t.Errorf("Destination(-) error %v is not ErrStdout", err)
	}
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func TestCreateExistsWithoutForce(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "out")
	if err := os.WriteFile(dest, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := fileSum(t, dest)
	f, err := Create(dest, 100, Options{})
	if f != nil || !errors.Is(err, ErrExists) {
		t.Fatalf("Create = %v, %v; want ErrExists", f, err)
	}
	if want := dest + " already exists; use --force to replace it"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if fileSum(t, dest) != before {
		t.Errorf("the existing file changed")
	}
	if exists(dest + PartialSuffix) {
		t.Errorf("a partial file was created")
	}
}

func TestCreateForceReplaces(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "out")
	if err := os.WriteFile(dest, []byte("old contents, longer than the new"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Create(dest, 3, Options{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("new"), 0); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if got, _ := os.ReadFile(dest); string(got) != "new" {
		t.Errorf("dest holds %q, want %q", got, "new")
	}
}

func TestCreatePreallocates(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int64{0, 1, 10 << 20} {
		dest := filepath.Join(dir, "f")
		f, err := Create(dest, size, Options{Force: true})
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(f.PartialPath())
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() != size || fi.Mode().Perm()&0o600 != 0o600 {
			t.Errorf("partial file size %d mode %v, want %d and owner read-write", fi.Size(), fi.Mode(), size)
		}
		f.Close()
	}
}

func TestCreateReplacesOldPartial(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "out")
	if err := os.WriteFile(dest+PartialSuffix, bytes.Repeat([]byte("z"), 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Create(dest, 10, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, _ := os.ReadFile(f.PartialPath()); !bytes.Equal(got, make([]byte, 10)) {
		t.Errorf("partial holds %q, want 10 zero bytes", got)
	}
}

func TestWriteAtCommit(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "data.bin")
	want := make([]byte, 1<<20+17)
	for i := range want {
		want[i] = byte(i * 7)
	}
	f, err := Create(dest, int64(len(want)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Path() != dest || f.PartialPath() != dest+".pget-partial" {
		t.Errorf("paths %q %q", f.Path(), f.PartialPath())
	}
	var wg sync.WaitGroup
	const chunk = 100_000
	for off := 0; off < len(want); off += chunk {
		wg.Go(func() {
			end := min(off+chunk, len(want))
			if n, err := f.WriteAt(want[off:end], int64(off)); err != nil || n != end-off {
				t.Errorf("WriteAt(%d) = %d, %v", off, n, err)
			}
		})
	}
	wg.Wait()
	if err := f.Commit(); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if fileSum(t, dest) != sha256.Sum256(want) {
		t.Errorf("committed bytes differ")
	}
	if exists(f.PartialPath()) {
		t.Errorf("partial file still there after Commit")
	}
	if err := f.Close(); err != nil {
		t.Errorf("Close after Commit: %v", err)
	}
	if err := f.Commit(); err == nil {
		t.Errorf("a second Commit succeeded")
	}
}

func TestCommitRefusesDestinationThatAppeared(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "out")
	f, err := Create(dest, 4, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("mine"), 0); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dest, []byte("theirs"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = f.Commit()
	if !errors.Is(err, ErrExists) || err.Error() != dest+" already exists; use --force to replace it" {
		t.Fatalf("Commit = %v, want ErrExists naming %s", err, dest)
	}
	if got, _ := os.ReadFile(dest); string(got) != "theirs" {
		t.Errorf("dest holds %q, want it untouched", got)
	}
	if got, _ := os.ReadFile(f.PartialPath()); string(got) != "mine" {
		t.Errorf("partial holds %q, want it kept", got)
	}
	if err := f.Close(); err != nil {
		t.Errorf("Close after a failed Commit: %v", err)
	}
}

func TestCommitForceReplacesDestinationThatAppeared(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "out")
	f, err := Create(dest, 4, Options{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte("mine"), 0)
	if err := os.WriteFile(dest, []byte("theirs"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dest); string(got) != "mine" {
		t.Errorf("dest holds %q, want %q", got, "mine")
	}
}

func TestLinkNoReplace(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(src, []byte("A"), 0o644)
	os.WriteFile(dst, []byte("B"), 0o644)
	if err := linkNoReplace(src, dst); !errors.Is(err, ErrExists) {
		t.Fatalf("linkNoReplace onto an existing file = %v, want ErrExists", err)
	}
	if got, _ := os.ReadFile(dst); string(got) != "B" || !exists(src) {
		t.Fatalf("files changed after a refused move")
	}
	os.Remove(dst)
	if err := linkNoReplace(src, dst); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dst); string(got) != "A" || exists(src) {
		t.Errorf("after the move dst holds %q and src exists=%v", got, exists(src))
	}
}

func TestCloseLeavesPartial(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "out")
	f, err := Create(dest, 5, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte("hello"), 0)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if got, _ := os.ReadFile(f.PartialPath()); string(got) != "hello" {
		t.Errorf("partial holds %q, want %q", got, "hello")
	}
	if exists(dest) {
		t.Errorf("dest exists after Close")
	}
	if err := f.Commit(); err == nil {
		t.Errorf("Commit after Close succeeded")
	}
}

func TestCreateErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope", "out")
	_, err := Create(missing, 1, Options{})
	if want := "directory " + filepath.Join(dir, "nope") + " does not exist; create it or choose another DEST"; err == nil || err.Error() != want {
		t.Errorf("missing directory: %v, want %q", err, want)
	}
	_, err = Create(dir, 1, Options{Force: true})
	if want := dir + " is a directory; give a file name as DEST"; err == nil || err.Error() != want {
		t.Errorf("directory as dest: %v, want %q", err, want)
	}
	file := filepath.Join(dir, "plain")
	os.WriteFile(file, nil, 0o644)
	_, err = Create(filepath.Join(file, "out"), 1, Options{})
	if want := file + " is not a directory; choose another DEST"; err == nil || err.Error() != want {
		t.Errorf("file as directory: %v, want %q", err, want)
	}
}
