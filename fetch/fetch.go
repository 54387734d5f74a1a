// Package fetch runs the download pool: one ranged GET per range, at most Concurrency at once,
// each retried with exponential backoff and full jitter, continued from the byte it reached,
// and cancelled when it stalls. Bytes go to an io.WriterAt; the pool never knows whether that is
// a file, a checksum or nothing at all.
package fetch

import (
	"context"
	"io"
	"time"

	"github.com/pget/pget/planner"
)

// Defaults used when the Options field is zero.
const (
	DefaultConcurrency = 16
	DefaultBufferSize  = 256 << 10
	DefaultBackoffBase = 100 * time.Millisecond
	DefaultBackoffMax  = 20 * time.Second
)

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
	// OnRetry is called before each retry with the error that caused it.
	OnRetry func(r planner.Range, attempt int, err error)
	// RangeDone is called once a range is wholly written; an error from it stops the download.
	RangeDone func(r planner.Range) error
	// Sleep waits d or until ctx ends; nil means a real timer. Tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Stats count what a run did.
type Stats struct {
	Bytes    int64 // bytes written
	Requests int64 // GETs sent
	Retries  int64 // of which retries
}

// Run fetches every range of plan from src into dst (at file offset Range.Offset-plan.Start).
// It returns the first final error, after the other workers have stopped.
func Run(ctx context.Context, plan planner.Plan, src Source, dst io.WriterAt, opts Options) (Stats, error) {
	panic("unimplemented")
}
