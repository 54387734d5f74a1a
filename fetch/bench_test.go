package fetch

import (
	"context"
	"io"
	"testing"

	"github.com/pget/pget/planner"
)

// patternSource serves an object of any size from a 1 MiB pattern, so the benchmark measures
// the pool and not a 256 MiB allocation.
type patternSource struct{ pat []byte }

func (s patternSource) GetRange(ctx context.Context, off, length int64) (io.ReadCloser, error) {
	return io.NopCloser(&patternReader{pat: s.pat, off: off, left: length}), nil
}

type patternReader struct {
	pat       []byte
	off, left int64
}

func (r *patternReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.left)]
	n := 0
	for n < len(p) {
		i := int((r.off + int64(n)) % int64(len(r.pat)))
		n += copy(p[n:], r.pat[i:])
	}
	r.off += int64(n)
	r.left -= int64(n)
	return n, nil
}

// discard is a WriterAt that keeps nothing.
type discard struct{}

func (discard) WriteAt(p []byte, off int64) (int, error) { return len(p), nil }

func BenchmarkRun(b *testing.B) {
	const size = 256 << 20
	plan := makePlan(size, 0, size, planner.DefaultChunkSize)
	src := patternSource{pat: randomBytes(1<<20, 14)}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(context.Background(), plan, src, discard{}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
