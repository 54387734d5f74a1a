package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pget/pget/planner"
)

const objSize = 5 << 20

func TestRunByteIdentical(t *testing.T) {
	data := randomBytes(objSize, 1)
	for _, conc := range []int{1, 4, 16} {
		for _, tc := range []struct {
			name          string
			start, length int64
			chunk         int64
			buf           int
		}{
			{"whole/1MiB", 0, objSize, 1 << 20, 0},
			{"whole/odd-chunk/small-buf", 0, objSize, 777_777, 4096},
			{"whole/one-range", 0, objSize, objSize, 100_000},
			{"whole/64KiB", 0, objSize, 64 << 10, 1000},
			{"span", 1234, 3_000_001, 500_000, 65536},
		} {
			t.Run(fmt.Sprintf("c%d/%s", conc, tc.name), func(t *testing.T) {
				plan := makePlan(objSize, tc.start, tc.length, tc.chunk)
				src := newFakeSource(data, plan)
				var progress atomic.Int64
				var mu sync.Mutex
				var done []int
				dst := newMemFile(plan.Length)
				st, err := Run(context.Background(), plan, src, dst, Options{
					Concurrency: conc,
					BufferSize:  tc.buf,
					Progress:    func(n int) { progress.Add(int64(n)) },
					RangeDone: func(r planner.Range) error {
						mu.Lock()
						defer mu.Unlock()
						done = append(done, r.Index)
						return nil
					},
				})
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				want := data[tc.start : tc.start+tc.length]
				if dst.sum() != sumOf(want) {
					t.Fatalf("output differs from the object bytes")
				}
				wantBuf := tc.buf
				if wantBuf == 0 {
					wantBuf = DefaultBufferSize
				}
				if dst.maxWrite > wantBuf {
					t.Errorf("largest write %d bytes, want <= buffer size %d", dst.maxWrite, wantBuf)
				}
				n := int64(len(plan.Ranges))
				if st != (Stats{Bytes: tc.length, Requests: n}) {
					t.Errorf("stats %+v, want {Bytes:%d Requests:%d Retries:0}", st, tc.length, n)
				}
				if progress.Load() != tc.length {
					t.Errorf("progress total %d, want %d", progress.Load(), tc.length)
				}
				slices.Sort(done)
				if len(done) != int(n) || done[0] != 0 || done[n-1] != int(n-1) || len(slices.Compact(done)) != int(n) {
					t.Errorf("RangeDone indexes %v, want each of 0..%d once", done, n-1)
				}
			})
		}
	}
}

func TestRunRetriesContinueFromReached(t *testing.T) {
	data := randomBytes(objSize, 2)
	plan := makePlan(objSize, 0, objSize, 1<<20)
	src := newFakeSource(data, plan)
	r := plan.Ranges[2]
	const k1, k2, k3 = 1000, 70_000, 123
	at := func(off, n int64) []byte { return data[off : off+n] }
	src.hooks[2] = func(ctx context.Context, call int, off, length int64) (io.ReadCloser, bool, error) {
		switch call {
		case 0:
			return nil, true, &fakeErr{msg: "503 SlowDown", retry: true}
		case 1: // reset mid-body
			return &cutReader{data: at(off, k1), err: fmt.Errorf("read tcp: %w", syscall.ECONNRESET)}, true, nil
		case 2: // truncated body
			return &cutReader{data: at(off, k2), err: io.ErrUnexpectedEOF}, true, nil
		case 3: // a body that ends cleanly but early
			return &cutReader{data: at(off, k3), err: io.EOF}, true, nil
		}
		return nil, false, nil
	}
	var retried []string
	var mu sync.Mutex
	sl := &sleeps{}
	st := mustRun(t, plan, src, data, Options{
		Concurrency: 4,
		Retries:     4,
		Sleep:       sl.sleep,
		OnRetry: func(rr planner.Range, attempt int, err error) {
			mu.Lock()
			defer mu.Unlock()
			retried = append(retried, fmt.Sprintf("%d/%d: %v", rr.Index, attempt, err))
		},
	})
	want := []request{
		{r.Offset, r.Length},
		{r.Offset, r.Length},
		{r.Offset + k1, r.Length - k1},
		{r.Offset + k1 + k2, r.Length - k1 - k2},
		{r.Offset + k1 + k2 + k3, r.Length - k1 - k2 - k3},
	}
	if got := src.calls(2); !slices.Equal(got, want) {
		t.Errorf("requests for range 2: %v, want %v", got, want)
	}
	wantRetried := []string{
		"2/1: 503 SlowDown",
		"2/2: read tcp: connection reset by peer",
		"2/3: unexpected EOF",
		fmt.Sprintf("2/4: response body ended at offset %d, %d bytes short: unexpected EOF", r.Offset+k1+k2+k3, r.Length-k1-k2-k3),
	}
	if !slices.Equal(retried, wantRetried) {
		t.Errorf("OnRetry calls:\n%q\nwant\n%q", retried, wantRetried)
	}
	if st.Retries != 4 || st.Requests != int64(len(plan.Ranges))+4 {
		t.Errorf("stats %+v, want 4 retries and %d requests", st, len(plan.Ranges)+4)
	}
	if len(sl.list()) != 4 {
		t.Errorf("%d backoff sleeps, want 4", len(sl.list()))
	}
}

func TestRunFinalErrorFailsFast(t *testing.T) {
	data := randomBytes(objSize, 3)
	plan := makePlan(objSize, 0, objSize, 512<<10) // 10 ranges
	src := newFakeSource(data, plan)
	var others sync.WaitGroup
	others.Add(3)
	var cancelled atomic.Int32
	blocker := func(ctx context.Context, call int, off, length int64) (io.ReadCloser, bool, error) {
		others.Done()
		<-ctx.Done()
		cancelled.Add(1)
		return nil, true, fmt.Errorf("read tcp: %w", syscall.ECONNRESET)
	}
	src.hooks[0], src.hooks[1], src.hooks[3] = blocker, blocker, blocker
	src.hooks[2] = func(ctx context.Context, call int, off, length int64) (io.ReadCloser, bool, error) {
		others.Wait() // fail only once the other three are under way
		return nil, true, &fakeErr{msg: "403 Forbidden: AccessDenied", retry: false}
	}
	sl := &sleeps{}
	st, err := Run(context.Background(), plan, src, newMemFile(objSize), Options{Concurrency: 4, Retries: 5, Sleep: sl.sleep})
	wantMsg := "range 2 (bytes=1048576-1572863): 403 Forbidden: AccessDenied"
	if err == nil || err.Error() != wantMsg {
		t.Fatalf("err = %v, want %q", err, wantMsg)
	}
	var fe *fakeErr
	if !errors.As(err, &fe) {
		t.Errorf("error does not unwrap to the source's error")
	}
	if n := len(src.calls(2)); n != 1 {
		t.Errorf("%d requests for range 2, want 1", n)
	}
	if cancelled.Load() != 3 {
		t.Errorf("%d of the 3 other requests were cancelled", cancelled.Load())
	}
	if st.Requests != 4 || st.Retries != 0 || len(sl.list()) != 0 {
		t.Errorf("stats %+v and %d sleeps, want 4 requests, no retry", st, len(sl.list()))
	}
}

func TestRunRetriesExhausted(t *testing.T) {
	data := randomBytes(1000, 4)
	plan := makePlan(1000, 0, 1000, 400)
	src := newFakeSource(data, plan)
	src.hooks[1] = func(ctx context.Context, call int, off, length int64) (io.ReadCloser, bool, error) {
		return nil, true, &fakeErr{msg: "500 InternalError", retry: true}
	}
	sl := &sleeps{}
	_, err := Run(context.Background(), plan, src, newMemFile(1000), Options{Concurrency: 1, Retries: 3, Sleep: sl.sleep})
	want := "range 1 (bytes=400-799): gave up after 4 attempts: 500 InternalError"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if n := len(src.calls(1)); n != 4 {
		t.Errorf("%d requests for range 1, want 4", n)
	}
	if n := len(sl.list()); n != 3 {
		t.Errorf("%d sleeps, want 3", n)
	}
	if n := len(src.calls(2)); n != 0 {
		t.Errorf("range 2 was requested %d times after range 1 failed", n)
	}
}

func TestRunNoRetriesByDefault(t *testing.T) {
	data := randomBytes(100, 5)
	plan := makePlan(100, 0, 100, 100)
	src := newFakeSource(data, plan)
	src.hooks[0] = func(ctx context.Context, call int, off, length int64) (io.ReadCloser, bool, error) {
		return &cutReader{data: data[:10], err: io.ErrUnexpectedEOF}, true, nil
	}
	st, err := Run(context.Background(), plan, src, newMemFile(100), Options{Sleep: (&sleeps{}).sleep})
	if err == nil || err.Error() != "range 0 (bytes=0-99): gave up after 1 attempt: unexpected EOF" || st.Requests != 1 {
		t.Fatalf("err = %v after %d requests, want unexpected EOF after 1", err, st.Requests)
	}
}

func TestBackoffFullJitter(t *testing.T) {
	data := randomBytes(100, 6)
	plan := makePlan(100, 0, 100, 100)
	src := newFakeSource(data, plan)
	src.hooks[0] = func(ctx context.Context, call int, off, length int64) (io.ReadCloser, bool, error) {
		if call < 8 {
			return nil, true, &fakeErr{msg: "503", retry: true}
		}
		return nil, false, nil
	}
	sl := &sleeps{}
	const base, maxD = 100 * time.Millisecond, 2 * time.Second
	mustRun(t, plan, src, data, Options{
		Retries: 8, BackoffBase: base, BackoffMax: maxD, Sleep: sl.sleep,
		Rand: rand.New(rand.NewPCG(7, 7)),
	})
	caps := []time.Duration{100, 200, 400, 800, 1600, 2000, 2000, 2000}
	same := rand.New(rand.NewPCG(7, 7))
	got := sl.list()
	if len(got) != len(caps) {
		t.Fatalf("%d sleeps, want %d", len(got), len(caps))
	}
	for i, c := range caps {
		c *= time.Millisecond
		want := time.Duration(same.Int64N(int64(c) + 1))
		if got[i] != want || got[i] < 0 || got[i] > c {
			t.Errorf("sleep %d = %v, want %v (in [0, %v])", i+1, got[i], want, c)
		}
	}
}

func TestBackoffDistribution(t *testing.T) {
	j := &jitter{rnd: rand.New(rand.NewPCG(1, 2))}
	prevMean := time.Duration(0)
	for attempt := 1; attempt <= 6; attempt++ {
		c := backoffCap(attempt, DefaultBackoffBase, 2*time.Second)
		var sum, hi time.Duration
		lo := c
		const n = 2000
		for range n {
			d := j.backoff(attempt, DefaultBackoffBase, 2*time.Second)
			if d < 0 || d > c {
				t.Fatalf("attempt %d: %v outside [0, %v]", attempt, d, c)
			}
			sum += d
			hi, lo = max(hi, d), min(lo, d)
		}
		mean := sum / n
		// Uniform on [0, c]: the mean is near c/2 and the draws reach near both ends.
		if mean < c*4/10 || mean > c*6/10 || hi < c*9/10 || lo > c/10 {
			t.Errorf("attempt %d: mean %v, range [%v, %v], want uniform on [0, %v]", attempt, mean, lo, hi, c)
		}
		if mean <= prevMean && c < 2*time.Second {
			t.Errorf("attempt %d: mean %v did not grow from %v", attempt, mean, prevMean)
		}
		prevMean = mean
	}
}

func TestBackoffCap(t *testing.T) {
	for _, tc := range []struct {
		attempt   int
		base, max time.Duration
		want      time.Duration
	}{
		{1, 100, 1000, 100},
		{2, 100, 1000, 200},
		{4, 100, 1000, 800},
		{5, 100, 1000, 1000},
		{200, 100, 1000, 1000},
		{200, time.Second, 1<<63 - 1, 1<<63 - 1},
		{1, 5000, 1000, 1000},
	} {
		if got := backoffCap(tc.attempt, tc.base, tc.max); got != tc.want {
			t.Errorf("backoffCap(%d, %d, %d) = %d, want %d", tc.attempt, tc.base, tc.max, got, tc.want)
		}
	}
}

func TestRetryable(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&fakeErr{retry: true}, true},
		{&fakeErr{retry: false}, false},
		{fmt.Errorf("wrapped: %w", &fakeErr{retry: false}), false},
		{fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{io.ErrUnexpectedEOF, true},
		{io.EOF, true},
		{&timeoutErr{}, true},
		{context.DeadlineExceeded, true}, // a client-side timeout, not ours
		{context.Canceled, false},
		{errors.New("disk on fire"), false},
		{ErrBodyTooLong, false},
		// *url.Error is a net.Error; what it wraps decides.
		{&url.Error{Op: "Get", URL: "https://h/k", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}, false},
		{&url.Error{Op: "Get", URL: "https://h/k", Err: x509.HostnameError{Host: "h"}}, false},
		{&url.Error{Op: "Get", URL: "https://h/k", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "h", IsNotFound: true}}}, false},
		{&url.Error{Op: "Get", URL: "https://h/k", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "server misbehaving", Name: "h", IsTemporary: true}}}, true},
		{&url.Error{Op: "Get", URL: "https://h/k", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, true},
		{&url.Error{Op: "Get", URL: "https://h/k", Err: errors.New("http: server gave HTTP response to HTTPS client")}, false},
		{&url.Error{Op: "Get", URL: "https://h/k", Err: tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}}, false},
	} {
		if got := retryable(tc.err); got != tc.want {
			t.Errorf("retryable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// timeoutErr is a net.Error.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestRunStall(t *testing.T) {
	data := randomBytes(objSize, 8)
	plan := makePlan(objSize, 0, objSize, 1<<20)
	src := newFakeSource(data, plan)
	const k = 4321
	// Range 1 stops sending after k bytes; range 3 never answers at all.
	src.hooks[1] = func(ctx context.Context, call int, off, length int64) (io.ReadCloser, bool, error) {
		if call == 0 {
			return &blockReader{ctx: ctx, data: data[off : off+k]}, true, nil
		}
		return nil, false, nil
	}
	src.hooks[3] = func(ctx context.Context, call int, off, length int64) (io.ReadCloser, bool, error) {
		if call == 0 {
			<-ctx.Done()
			return nil, true, ctx.Err()
		}
		return nil, false, nil
	}
	var mu sync.Mutex
	stalled := map[int]bool{}
	st := mustRun(t, plan, src, data, Options{
		Concurrency:  4,
		Retries:      5,
		StallTimeout: 50 * time.Millisecond,
		BufferSize:   1024,
		Sleep:        (&sleeps{}).sleep,
		OnRetry: func(r planner.Range, attempt int, err error) {
			mu.Lock()
			defer mu.Unlock()
			if errors.Is(err, ErrStalled) {
				stalled[r.Index] = true
			}
		},
	})
	if !stalled[1] || !stalled[3] {
		t.Errorf("ranges retried after a stall: %v, want 1 and 3", stalled)
	}
	if st.Retries < 2 {
		t.Errorf("%d retries, want at least 2", st.Retries)
	}
	r1 := plan.Ranges[1]
	if c := src.calls(1); len(c) < 2 || c[1] != (request{r1.Offset + k, r1.Length - k}) {
		t.Errorf("requests for range 1: %v, want the second at %d", c, r1.Offset+k)
	}
}

func TestRunStallExhausted(t *testing.T) {
	plan := makePlan(10, 0, 10, 10)
	src := newFakeSource(make([]byte, 10), plan)
	src.hooks[0] = func(ctx context.Context, call int, off, length int64) (io.ReadCloser, bool, error) {
		return &blockReader{ctx: ctx}, true, nil
	}
	_, err := Run(context.Background(), plan, src, newMemFile(10), Options{Retries: 1, StallTimeout: 10 * time.Millisecond, Sleep: (&sleeps{}).sleep})
	want := "range 0 (bytes=0-9): gave up after 2 attempts: stalled: no byte received for 10ms"
	if err == nil || err.Error() != want || !errors.Is(err, ErrStalled) {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

func TestRunParentCancel(t *testing.T) {
	plan := makePlan(objSize, 0, objSize, 1<<20)
	src := newFakeSource(randomBytes(objSize, 9), plan)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var started sync.WaitGroup
	started.Add(3)
	for i := range 3 {
		src.hooks[i] = func(rctx context.Context, call int, off, length int64) (io.ReadCloser, bool, error) {
			started.Done()
			return &blockReader{ctx: rctx, data: []byte{1}}, true, nil
		}
	}
	go func() {
		started.Wait()
		cancel()
	}()
	st, err := Run(ctx, plan, src, newMemFile(objSize), Options{Concurrency: 3, Retries: 10, Sleep: (&sleeps{}).sleep})
	if err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if st.Requests != 3 || st.Retries != 0 {
		t.Errorf("stats %+v, want 3 requests and no retry", st)
	}
}

func TestRunCancelDuringBackoff(t *testing.T) {
	// The real sleep must return as soon as ctx ends: a test that fails hangs on the hour.
	plan := makePlan(10, 0, 10, 10)
	src := newFakeSource(make([]byte, 10), plan)
	src.hooks[0] = func(ctx context.Context, call int, off, length int64) (io.ReadCloser, bool, error) {
		return nil, true, &fakeErr{msg: "503", retry: true}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Run(ctx, plan, src, newMemFile(10), Options{
		Retries: 3, BackoffBase: time.Hour, BackoffMax: time.Hour,
		Rand:    rand.New(rand.NewPCG(1, 1)), // first draw is well above zero
		OnRetry: func(planner.Range, int, error) { cancel() },
	})
	if err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestRunTooLongBody(t *testing.T) {
	data := randomBytes(3000, 10)
	for _, buf := range []int{100, 4096} { // extra bytes in a later read, and in the same read
		t.Run(fmt.Sprint(buf), func(t *testing.T) {
			plan := makePlan(3000, 0, 3000, 1000)
			src := newFakeSource(data, plan)
			src.hooks[1] = func(ctx context.Context, call int, off, length int64) (io.ReadCloser, bool, error) {
				return &cutReader{data: data[off : off+length+1], err: io.EOF}, true, nil
			}
			_, err := Run(context.Background(), plan, src, newMemFile(3000), Options{Concurrency: 1, Retries: 3, BufferSize: buf, Sleep: (&sleeps{}).sleep})
			if !errors.Is(err, ErrBodyTooLong) {
				t.Fatalf("err = %v, want ErrBodyTooLong", err)
			}
			if n := len(src.calls(1)); n != 1 {
				t.Errorf("%d requests for range 1, want 1 (final error)", n)
			}
		})
	}
}

func TestRunConcurrencyLimit(t *testing.T) {
	data := randomBytes(1<<20, 11)
	for _, conc := range []int{0, 1, 4, 16} {
		t.Run(fmt.Sprint(conc), func(t *testing.T) {
			limit := conc
			if limit == 0 {
				limit = DefaultConcurrency
			}
			plan := makePlan(1<<20, 0, 1<<20, 16<<10) // 64 ranges
			src := newFakeSource(data, plan)
			src.barrier = limit // the first requests wait until the pool is full
			mustRun(t, plan, src, data, Options{Concurrency: conc})
			if src.maxInflight != limit {
				t.Errorf("at most %d requests open at once, want exactly %d", src.maxInflight, limit)
			}
		})
	}
}

func TestRunEmptyPlan(t *testing.T) {
	src := SourceFunc(func(context.Context, int64, int64) (io.ReadCloser, error) {
		t.Error("GetRange called for an empty plan")
		return nil, errors.New("no")
	})
	st, err := Run(context.Background(), planner.Plan{}, src, newMemFile(0), Options{})
	if err != nil || st != (Stats{}) {
		t.Fatalf("Run = %+v, %v; want zero stats, nil", st, err)
	}
}

// shortFile writes half of what it is given, without an error.
type shortFile struct{}

func (shortFile) WriteAt(p []byte, off int64) (int, error) { return len(p) / 2, nil }

func TestRunShortWrite(t *testing.T) {
	plan := makePlan(100, 0, 100, 100)
	src := newFakeSource(randomBytes(100, 12), plan)
	st, err := Run(context.Background(), plan, src, shortFile{}, Options{Retries: 3, Sleep: (&sleeps{}).sleep})
	want := "range 0 (bytes=0-99): write at offset 0: wrote 50 of 100 bytes: short write"
	if err == nil || err.Error() != want || !errors.Is(err, io.ErrShortWrite) {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if st.Requests != 1 {
		t.Errorf("%d requests, want 1", st.Requests)
	}
}

func TestRunRangeDoneError(t *testing.T) {
	plan := makePlan(1000, 0, 1000, 100)
	src := newFakeSource(randomBytes(1000, 13), plan)
	_, err := Run(context.Background(), plan, src, newMemFile(1000), Options{
		Concurrency: 1,
		RangeDone: func(r planner.Range) error {
			if r.Index == 4 {
				return errors.New("journal: disk full")
			}
			return nil
		},
	})
	if err == nil || err.Error() != "range 4 (bytes=400-499): journal: disk full" {
		t.Fatalf("err = %v", err)
	}
	if n := len(src.calls(5)); n != 0 {
		t.Errorf("range 5 requested %d times after the failure", n)
	}
}

func TestRunEmptyRangeSendsNothing(t *testing.T) {
	plan := planner.Plan{Object: planner.Object{Size: 10}, Length: 0, ChunkSize: 10,
		Ranges: []planner.Range{{Index: 0, Offset: 5, Length: 0}}}
	src := SourceFunc(func(context.Context, int64, int64) (io.ReadCloser, error) {
		t.Error("GetRange called for an empty range")
		return nil, errors.New("no")
	})
	var done []int
	st, err := Run(context.Background(), plan, src, newMemFile(0), Options{
		RangeDone: func(r planner.Range) error { done = append(done, r.Index); return nil },
	})
	if err != nil || st.Requests != 0 || fmt.Sprint(done) != "[0]" {
		t.Fatalf("Run = %+v, %v, done %v; want no request, range 0 done", st, err, done)
	}
}
