package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pget/pget/internal/versitygw"
)

// TestVersitygw downloads objects of edge sizes and awkward keys from a real S3-compatible
// server at several concurrencies and compares every byte by SHA-256.
func TestVersitygw(t *testing.T) {
	gw := versitygw.Start(t)
	const bucket = "pget-it"
	gw.CreateBucket(t, bucket)

	const mib = 1 << 20
	rng := rand.New(rand.NewPCG(1, 2))
	objects := map[string][]byte{}
	for _, size := range []int{0, 1, 8*mib - 1, 8 * mib, 8*mib + 1, 300 * mib} {
		if testing.Short() && size > 16*mib {
			continue
		}
		objects[fmt.Sprintf("size-%d.bin", size)] = randomBytes(rng, size)
	}
	for _, key := range []string{"with space/a b.bin", "ünïcødé/ファイル.bin", "plus+sign=eq.bin", "double//slash.bin", "odd~chars_(1)!$&'*,;@.bin"} {
		objects[key] = randomBytes(rng, 3*mib+17)
	}
	for key, data := range objects {
		gw.Put(t, bucket, key, data)
	}

	for key, data := range objects {
		for _, conc := range []int{1, 4, 16} {
			t.Run(fmt.Sprintf("%s/c%d", key, conc), func(t *testing.T) {
				dest := filepath.Join(t.TempDir(), "out.bin")
				code, _, stderr := runPget(t, gw, "-q", "-c", fmt.Sprint(conc), "s3://"+bucket+"/"+key, dest)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				requireSameBytes(t, dest, data)
			})
		}
	}

	t.Run("range", func(t *testing.T) {
		data := objects["size-8388609.bin"]
		dest := filepath.Join(t.TempDir(), "part.bin")
		code, _, stderr := runPget(t, gw, "-q", "--chunk-size", "1MiB", "--range", "40-4000000", "s3://"+bucket+"/size-8388609.bin", dest)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		requireSameBytes(t, dest, data[40:4000001])
	})

	t.Run("presigned URL", func(t *testing.T) {
		code, stdout, stderr := runPget(t, gw, "presign", "--expires", "5m", "s3://"+bucket+"/size-8388609.bin")
		if code != 0 {
			t.Fatalf("presign: exit %d: %s", code, stderr)
		}
		dest := filepath.Join(t.TempDir(), "out.bin")
		var out, errOut bytes.Buffer
		// No keys: the URL carries its own signature.
		code = run([]string{"pget", "-q", "-c", "4", "--chunk-size", "1MiB", strings.TrimSpace(stdout), dest}, &out, &errOut)
		if code != 0 {
			t.Fatalf("download of the presigned URL: exit %d: %s", code, errOut.String())
		}
		requireSameBytes(t, dest, objects["size-8388609.bin"])
	})

	t.Run("wrong secret", func(t *testing.T) {
		dest := filepath.Join(t.TempDir(), "out.bin")
		code, _, stderr := runPgetKeys(t, gw, versitygw.AccessKeyID, "not-the-secret", "s3://"+bucket+"/size-1.bin", dest)
		if code != exitFailure || !strings.Contains(stderr, "SignatureDoesNotMatch") || strings.Count(stderr, "\n") != 1 {
			t.Fatalf("exit %d, stderr %q: want exit 1 and one line naming SignatureDoesNotMatch", code, stderr)
		}
		if strings.Contains(stderr, "not-the-secret") {
			t.Fatalf("the secret leaked: %q", stderr)
		}
		requireNoFiles(t, filepath.Dir(dest))
	})

	t.Run("missing key", func(t *testing.T) {
		dest := filepath.Join(t.TempDir(), "out.bin")
		code, _, stderr := runPget(t, gw, "s3://"+bucket+"/no-such-key", dest)
		if code != exitFailure || !strings.Contains(stderr, "NoSuchKey") {
			t.Fatalf("exit %d, stderr %q: want exit 1 naming NoSuchKey", code, stderr)
		}
		requireNoFiles(t, filepath.Dir(dest))
	})

	t.Run("existing destination", func(t *testing.T) {
		dest := filepath.Join(t.TempDir(), "out.bin")
		before := []byte("precious bytes that must survive")
		if err := os.WriteFile(dest, before, 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runPget(t, gw, "s3://"+bucket+"/size-1.bin", dest)
		if code != exitFailure || !strings.Contains(stderr, "already exists; use --force") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		requireSameBytes(t, dest, before)
		code, _, stderr = runPget(t, gw, "-q", "--force", "s3://"+bucket+"/size-1.bin", dest)
		if code != 0 {
			t.Fatalf("--force: exit %d: %s", code, stderr)
		}
		requireSameBytes(t, dest, objects["size-1.bin"])
	})
}

func runPget(t *testing.T, gw *versitygw.Server, args ...string) (int, string, string) {
	return runPgetKeys(t, gw, versitygw.AccessKeyID, versitygw.SecretAccessKey, args...)
}

// runPgetKeys runs the command in-process against gw with the given keys, passed as flags so
// the machine's own AWS setup cannot interfere.
func runPgetKeys(t *testing.T, gw *versitygw.Server, id, secret string, args ...string) (int, string, string) {
	t.Helper()
	full := append([]string{"pget", "--endpoint-url", gw.URL, "--region", versitygw.Region,
		"--access-key-id", id, "--secret-access-key", secret}, args...)
	var stdout, stderr bytes.Buffer
	code := run(full, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	for i := n - n%8; i < n; i++ {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func requireSameBytes(t *testing.T, name string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := sha256.Sum256(got), sha256.Sum256(want); g != w {
		t.Fatalf("%s: SHA-256 %x (%d bytes), want %x (%d bytes)", name, g[:8], len(got), w[:8], len(want))
	}
}

func requireNoFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("%s was left in %s", e.Name(), dir)
	}
}
