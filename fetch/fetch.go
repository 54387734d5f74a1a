// Package fetch runs the download pool: one ranged GET per range, at most Concurrency at once,
// each retried with exponential backoff and full jitter, continued from the byte it reached,
// and cancelled when it stalls. Bytes go to an io.WriterAt; the pool never knows whether that is
// a file, a checksum or nothing at all. Retry gives a single request (the planning HEAD) the
// same fault handling.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/pget/pget/planner"
)

// Defaults used when the Options field is zero.
const (
	DefaultConcurrency = 16
	DefaultBufferSize  = 256 << 10
	DefaultBackoffBase = 100 * time.Millisecond
	DefaultBackoffMax  = 20 * time.Second
)

// ErrStalled is wrapped by the error of a request that delivered no byte for StallTimeout. It is
// retryable: a fresh connection usually moves again.
var ErrStalled = errors.New("stalled")

// ErrBodyTooLong is wrapped by the error of a response body that held more bytes than asked. It
// is final: the server is not answering the question that was asked, so retrying will not help.
var ErrBodyTooLong = errors.New("response body is longer than the range asked for")

// Source reads object bytes: length bytes at offset (object offsets). s3http.Object with the
// plan's ETag bound is one (see SourceFunc).
type Source interface {
	GetRange(ctx context.Context, offset, length int64) (io.ReadCloser, error)
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context, offset, length int64) (io.ReadCloser, error)

// GetRange calls f.
func (f SourceFunc) GetRange(ctx context.Context, offset, length int64) (io.ReadCloser, error) {
	return f(ctx, offset, length)
}

// Retryable is implemented by errors that know whether trying again may help (s3http.Error).
// Errors that do not implement it are retried when they are network errors, resets or an
// early end of body, and are final otherwise.
type Retryable interface{ Retryable() bool }

// Options tune the pool. The zero value works: defaults above, no retries, no stall timeout.
type Options struct {
	Concurrency  int
	Retries      int           // retries per range after the first attempt
	StallTimeout time.Duration // cancel a request that delivers no byte for this long; 0 = never
	BackoffBase  time.Duration
	BackoffMax   time.Duration
	BufferSize   int // bytes read per WriteAt; one buffer per worker, reused

	// Progress is called after each write with the number of bytes written; from many goroutines.
	Progress func(n int)
	// OnRetry is called before each retry with the error that caused it; attempt counts the
	// retries of this range from 1.
	OnRetry func(r planner.Range, attempt int, err error)
	// RangeDone is called once a range is wholly written; an error from it stops the download.
	RangeDone func(r planner.Range) error
	// Sleep waits d or until ctx ends; nil means a real timer. Tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand draws the backoff jitter; nil means a randomly seeded source. Run uses it under its
	// own lock, so the caller must not use it during Run. Tests seed it to be deterministic.
	Rand *rand.Rand
}

// Stats count what a run did.
type Stats struct {
	Bytes    int64 // bytes written
	Requests int64 // GETs sent
	Retries  int64 // of which retries
}

// Run fetches every range of plan from src into dst (at file offset Range.Offset-plan.Start).
// It returns the first final error, after the other workers have stopped. When ctx ends, it
// returns ctx.Err().
func Run(ctx context.Context, plan planner.Plan, src Source, dst io.WriterAt, opts Options) (Stats, error) {
	if len(plan.Ranges) == 0 {
		return Stats{}, nil
	}
	return newPool(plan, src, dst, opts).run(ctx)
}

// run is Run on a prepared pool.
func (p *pool) run(ctx context.Context) (Stats, error) {
	plan := p.plan
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.opts.Concurrency)
	for _, r := range plan.Ranges {
		// Go blocks while the pool is full; once a range has failed there is no point in
		// starting more (errgroup cancels gctx before it frees the slot).
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := p.fetchRange(gctx, r); err != nil {
				return fmt.Errorf("range %d (%s): %w", r.Index, rangeHeader(r), err)
			}
			return nil
		})
	}
	err := g.Wait()
	st := p.stats()
	if err != nil && ctx.Err() != nil {
		// The caller gave up; whatever the workers saw after that is noise.
		return st, ctx.Err()
	}
	return st, err
}

// rangeHeader spells r like an HTTP Range header, for error messages.
func rangeHeader(r planner.Range) string {
	return fmt.Sprintf("bytes=%d-%d", r.Offset, r.End()-1)
}

// counters are the live Stats, updated by many workers.
type counters struct {
	bytes, requests, retries atomic.Int64
}
