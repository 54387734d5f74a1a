package s3sim

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"testing"
)

func TestGenerateAnyRangeMatchesWhole(t *testing.T) {
	const size = 4096
	whole := make([]byte, size)
	Generate(42, 0, whole)
	for off := 0; off < 40; off++ {
		for _, n := range []int{0, 1, 3, 7, 8, 9, 15, 16, 17, 100, 1000} {
			p := make([]byte, n)
			Generate(42, int64(off), p)
			if !bytes.Equal(p, whole[off:off+n]) {
				t.Fatalf("Generate(42, %d, [%d]) differs from the whole object", off, n)
			}
		}
	}
}

func TestGenerateWordsDiffer(t *testing.T) {
	// Every 8-byte word of an object, and of two seeds, is different: a range served from the
	// wrong offset or the wrong object is detected.
	const words = 1 << 16
	seen := map[uint64]bool{}
	for _, seed := range []int64{1, 2} {
		p := make([]byte, words*8)
		Generate(seed, 0, p)
		for i := 0; i < words; i++ {
			w := binary.LittleEndian.Uint64(p[i*8:])
			if seen[w] {
				t.Fatalf("seed %d word %d repeats", seed, i)
			}
			seen[w] = true
		}
	}
}

func TestGeneratedReader(t *testing.T) {
	want := make([]byte, 1<<20+5)
	Generate(7, 123, want)
	h1 := sha256.Sum256(want)
	h := sha256.New()
	if n, err := io.Copy(h, GeneratedReader(7, 123, int64(len(want)))); err != nil || n != int64(len(want)) {
		t.Fatalf("copy = %d, %v", n, err)
	}
	if !bytes.Equal(h.Sum(nil), h1[:]) {
		t.Fatal("GeneratedReader (WriteTo) differs from Generate")
	}
	got, _ := io.ReadAll(struct{ io.Reader }{GeneratedReader(7, 123, int64(len(want)))})
	if !bytes.Equal(got, want) {
		t.Fatal("GeneratedReader (Read) differs from Generate")
	}
}

func BenchmarkGenerate(b *testing.B) {
	p := make([]byte, 256<<10)
	b.SetBytes(int64(len(p)))
	for i := 0; b.Loop(); i++ {
		Generate(1, int64(i)*int64(len(p))+3, p)
	}
}

func TestGenerateFormat(t *testing.T) {
	// The content is part of the contract (tests elsewhere hash expected bytes): word i is
	// genWord(seed, i), little-endian, and the first MiB of seed 1 has a pinned SHA-256.
	p := make([]byte, 1<<20)
	Generate(1, 0, p)
	for i := range len(p) / 8 {
		if w := binary.LittleEndian.Uint64(p[i*8:]); w != genWord(1, uint64(i)) {
			t.Fatalf("word %d = %#x, want genWord = %#x", i, w, genWord(1, uint64(i)))
		}
	}
	const pinned = "85b66b3a5816d686deb42f2d2473d9a7121ceb75c822b838f958c76ca86ed8ea"
	if got := fmt.Sprintf("%x", sha256.Sum256(p)); got != pinned {
		t.Fatalf("SHA-256 of the first MiB of seed 1 = %s, want %s", got, pinned)
	}
}
