package fetch

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/pget/pget/planner"
)

// fakeClock hands out timers that fire only when the test advances the clock.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Duration
	timers []*fakeTimer
}

type fakeTimer struct {
	c      *fakeClock
	at     time.Duration
	armed  bool
	f      func()
	resets int
}

func (c *fakeClock) afterFunc(d time.Duration, f func()) timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, at: c.now + d, armed: true, f: f}
	c.timers = append(c.timers, t)
	return t
}

func (t *fakeTimer) Reset(d time.Duration) bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := t.armed
	t.at, t.armed = t.c.now+d, true
	t.resets++
	return was
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := t.armed
	t.armed = false
	return was
}

// advance moves the clock by d and fires the timers that are due.
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now += d
	var due []func()
	for _, t := range c.timers {
		if t.armed && t.at <= c.now {
			t.armed = false
			due = append(due, t.f)
		}
	}
	c.mu.Unlock()
	for _, f := range due {
		f()
	}
}

// slowReader sends one byte per read, letting clock time pass before each, and honours ctx.
type slowReader struct {
	ctx   context.Context
	clock *fakeClock
	step  time.Duration
	data  []byte
}

func (r *slowReader) Read(p []byte) (int, error) {
	r.clock.advance(r.step)
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	p[0] = r.data[0]
	r.data = r.data[1:]
	return 1, nil
}

func (r *slowReader) Close() error { return nil }

// runWithClock is Run with the stall timers on clock.
func runWithClock(ctx context.Context, clock *fakeClock, plan planner.Plan, src Source, dst *memFile, opts Options) (Stats, error) {
	p := newPool(plan, src, dst, opts)
	p.after = clock.afterFunc
	return p.run(ctx)
}

func TestStallTimerRestartsOnEachRead(t *testing.T) {
	// Each byte takes 30 of the 50 allowed: slow, but never silent for 50, so never a stall.
	data := randomBytes(20, 15)
	plan := makePlan(20, 0, 20, 20)
	clock := &fakeClock{}
	src := SourceFunc(func(ctx context.Context, off, length int64) (io.ReadCloser, error) {
		return &slowReader{ctx: ctx, clock: clock, step: 30 * time.Millisecond, data: data[off : off+length]}, nil
	})
	dst := newMemFile(20)
	st, err := runWithClock(context.Background(), clock, plan, src, dst, Options{StallTimeout: 50 * time.Millisecond, Retries: 2, Sleep: (&sleeps{}).sleep})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if dst.sum() != sumOf(data) || st.Retries != 0 {
		t.Errorf("output differs or %d retries, want the bytes and none", st.Retries)
	}
}

func TestStallTimerFiresWithoutBytes(t *testing.T) {
	// 60 without a byte is a stall: every attempt stalls, and the error says so.
	plan := makePlan(20, 0, 20, 20)
	clock := &fakeClock{}
	var offs []int64
	src := SourceFunc(func(ctx context.Context, off, length int64) (io.ReadCloser, error) {
		offs = append(offs, off)
		if len(offs) == 1 {
			return &slowReader{ctx: ctx, clock: clock, step: 0, data: make([]byte, 3)}, nil
		}
		clock.advance(60 * time.Millisecond) // no answer at all
		<-ctx.Done()
		return nil, ctx.Err()
	})
	// The first body sends 3 bytes at once and then goes silent.
	wrapped := SourceFunc(func(ctx context.Context, off, length int64) (io.ReadCloser, error) {
		rc, err := src(ctx, off, length)
		if err != nil {
			return nil, err
		}
		return &silentAfter{ctx: ctx, clock: clock, r: rc}, nil
	})
	_, err := runWithClock(context.Background(), clock, plan, wrapped, newMemFile(20), Options{StallTimeout: 50 * time.Millisecond, Retries: 1, Sleep: (&sleeps{}).sleep})
	if !errors.Is(err, ErrStalled) || err.Error() != "range 0 (bytes=0-19): gave up after 2 attempts: stalled: no byte received for 50ms" {
		t.Fatalf("err = %v, want a stall after 2 attempts", err)
	}
	if len(offs) != 2 || offs[1] != 3 {
		t.Errorf("requests at %v, want [0 3]", offs)
	}
}

// silentAfter passes reads through until r ends, then lets 60 pass and waits for ctx.
type silentAfter struct {
	ctx   context.Context
	clock *fakeClock
	r     io.ReadCloser
}

func (s *silentAfter) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err == io.EOF {
		s.clock.advance(60 * time.Millisecond)
		<-s.ctx.Done()
		return n, s.ctx.Err()
	}
	return n, err
}

func (s *silentAfter) Close() error { return s.r.Close() }

// slowDisk lets clock time pass during every write.
type slowDisk struct {
	*memFile
	clock *fakeClock
}

func (d slowDisk) WriteAt(p []byte, off int64) (int, error) {
	d.clock.advance(time.Second)
	return d.memFile.WriteAt(p, off)
}

func TestStallTimerPausedDuringWrites(t *testing.T) {
	data := randomBytes(20, 16)
	plan := makePlan(20, 0, 20, 20)
	clock := &fakeClock{}
	src := SourceFunc(func(ctx context.Context, off, length int64) (io.ReadCloser, error) {
		return &slowReader{ctx: ctx, clock: clock, step: 0, data: data[off : off+length]}, nil
	})
	dst := newMemFile(20)
	p := newPool(plan, src, slowDisk{dst, clock}, Options{StallTimeout: 50 * time.Millisecond, Sleep: (&sleeps{}).sleep})
	p.after = clock.afterFunc
	st, err := p.run(context.Background())
	if err != nil || st.Retries != 0 || dst.sum() != sumOf(data) {
		t.Fatalf("Run = %+v, %v; want the bytes without a retry", st, err)
	}
}
