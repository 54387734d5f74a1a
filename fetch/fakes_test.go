package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/pget/pget/planner"
)

// randomBytes is n bytes that are the same for the same seed.
func randomBytes(n int, seed byte) []byte {
	b := make([]byte, n)
	var s [32]byte
	s[0] = seed
	_, _ = rand.NewChaCha8(s).Read(b)
	return b
}

// makePlan cuts the object bytes [start, start+length) into ranges of chunk.
func makePlan(size, start, length, chunk int64) planner.Plan {
	p := planner.Plan{Object: planner.Object{Size: size}, Start: start, Length: length, ChunkSize: chunk}
	for off := start; off < start+length; off += chunk {
		p.Ranges = append(p.Ranges, planner.Range{Index: len(p.Ranges), Offset: off, Length: min(chunk, start+length-off)})
	}
	return p
}

// request is one GetRange call.
type request struct{ off, length int64 }

// answer lets a test replace the source's answer to a request; handled false means the normal
// answer. call counts the requests so far that asked for bytes of the same range (from 0).
type answer func(ctx context.Context, call int, off, length int64) (rc io.ReadCloser, handled bool, err error)

// fakeSource serves data from memory, records every request and how many are open at once.
type fakeSource struct {
	data  []byte
	plan  planner.Plan
	hooks map[int]answer // by range index

	mu          sync.Mutex
	reqs        []request
	inflight    int
	maxInflight int
	barrier     int           // hold the first requests until this many are open at once
	release     chan struct{} // closed once the barrier is reached
}

func newFakeSource(data []byte, plan planner.Plan) *fakeSource {
	return &fakeSource{data: data, plan: plan, hooks: map[int]answer{}, release: make(chan struct{})}
}

// rangeOf is the index of the plan range holding object offset off.
func (s *fakeSource) rangeOf(off int64) int {
	for _, r := range s.plan.Ranges {
		if off >= r.Offset && off < r.End() {
			return r.Index
		}
	}
	return -1
}

// calls lists the requests that asked for bytes of range i.
func (s *fakeSource) calls(i int) []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []request
	for _, q := range s.reqs {
		if s.rangeOf(q.off) == i {
			out = append(out, q)
		}
	}
	return out
}

func (s *fakeSource) GetRange(ctx context.Context, off, length int64) (io.ReadCloser, error) {
	s.mu.Lock()
	idx := s.rangeOf(off)
	call := 0
	for _, q := range s.reqs {
		if s.rangeOf(q.off) == idx {
			call++
		}
	}
	s.reqs = append(s.reqs, request{off, length})
	s.inflight++
	s.maxInflight = max(s.maxInflight, s.inflight)
	wait := s.barrier > 0 && len(s.reqs) <= s.barrier
	if s.barrier > 0 && s.inflight == s.barrier {
		select {
		case <-s.release:
		default:
			close(s.release)
		}
	}
	s.mu.Unlock()
	if wait {
		<-s.release
	}
	var once sync.Once
	done := func() { once.Do(func() { s.mu.Lock(); s.inflight--; s.mu.Unlock() }) }

	if h := s.hooks[idx]; h != nil {
		rc, handled, err := h(ctx, call, off, length)
		if handled {
			if err != nil {
				done()
				return nil, err
			}
			return &trackedBody{ReadCloser: rc, done: done}, nil
		}
	}
	if off < 0 || length <= 0 || off+length > int64(len(s.data)) {
		done()
		return nil, fmt.Errorf("fake: bad range %d+%d", off, length)
	}
	return &trackedBody{ReadCloser: io.NopCloser(bytes.NewReader(s.data[off : off+length])), done: done}, nil
}

// trackedBody tells the source when it is closed.
type trackedBody struct {
	io.ReadCloser
	done func()
}

func (b *trackedBody) Close() error {
	b.done()
	return b.ReadCloser.Close()
}

// cutReader yields data, then fails with err.
type cutReader struct {
	data []byte
	err  error
}

func (r *cutReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func (r *cutReader) Close() error { return nil }

// blockReader yields data, then blocks until ctx ends.
type blockReader struct {
	ctx  context.Context
	data []byte
}

func (r *blockReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		<-r.ctx.Done()
		return 0, r.ctx.Err()
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func (r *blockReader) Close() error { return nil }

// fakeErr is an error that says whether to retry, like s3http.Error.
type fakeErr struct {
	msg   string
	retry bool
}

func (e *fakeErr) Error() string   { return e.msg }
func (e *fakeErr) Retryable() bool { return e.retry }

// memFile is a WriterAt over a byte slice that remembers its largest write.
type memFile struct {
	mu       sync.Mutex
	buf      []byte
	maxWrite int
}

func newMemFile(n int64) *memFile { return &memFile{buf: make([]byte, n)} }

func (f *memFile) WriteAt(p []byte, off int64) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if off < 0 || off+int64(len(p)) > int64(len(f.buf)) {
		return 0, fmt.Errorf("memFile: write %d+%d out of bounds", off, len(p))
	}
	f.maxWrite = max(f.maxWrite, len(p))
	return copy(f.buf[off:], p), nil
}

func (f *memFile) sum() [32]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return sha256.Sum256(f.buf)
}

// sleeps records the backoff delays asked for, without sleeping.
type sleeps struct {
	mu sync.Mutex
	ds []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.ds = append(s.ds, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) list() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.ds...)
}

// mustRun runs and fails the test on error, checking the output against want.
func mustRun(t *testing.T, plan planner.Plan, src Source, want []byte, opts Options) Stats {
	t.Helper()
	dst := newMemFile(plan.Length)
	st, err := Run(context.Background(), plan, src, dst, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got, w := dst.sum(), sha256.Sum256(want); got != w {
		t.Fatalf("output SHA-256 %x, want %x", got, w)
	}
	if st.Bytes != plan.Length {
		t.Errorf("Stats.Bytes = %d, want %d", st.Bytes, plan.Length)
	}
	return st
}

func sumOf(b []byte) [32]byte { return sha256.Sum256(b) }
