package fetch

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/pget/pget/planner"
)

// pool is the state one Run shares between its workers.
type pool struct {
	plan planner.Plan
	src  Source
	dst  io.WriterAt
	opts Options
	n    counters
	bufs chan []byte // idle read buffers; at most Concurrency ever exist
	jit  *jitter

	after afterFunc // starts stall timers; a fake in tests
}

// newPool fills in the defaults of opts.
func newPool(plan planner.Plan, src Source, dst io.WriterAt, opts Options) *pool {
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.BufferSize <= 0 {
		opts.BufferSize = DefaultBufferSize
	}
	if opts.BackoffBase <= 0 {
		opts.BackoffBase = DefaultBackoffBase
	}
	if opts.BackoffMax <= 0 {
		opts.BackoffMax = DefaultBackoffMax
	}
	if opts.Retries < 0 {
		opts.Retries = 0
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	rnd := opts.Rand
	if rnd == nil {
		rnd = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	return &pool{
		plan: plan,
		src:  src,
		dst:  dst,
		opts: opts,
		bufs: make(chan []byte, opts.Concurrency),
		jit:  &jitter{rnd: rnd},

		after: realAfterFunc,
	}
}

func (p *pool) stats() Stats {
	return Stats{Bytes: p.n.bytes.Load(), Requests: p.n.requests.Load(), Retries: p.n.retries.Load()}
}

// getBuf hands out an idle buffer or makes one; since at most Concurrency workers run, at most
// that many buffers are ever made.
func (p *pool) getBuf() []byte {
	select {
	case b := <-p.bufs:
		return b
	default:
		return make([]byte, p.opts.BufferSize)
	}
}

func (p *pool) putBuf(b []byte) {
	select {
	case p.bufs <- b:
	default:
	}
}

// fetchRange gets r whole, retrying from the byte reached, then reports it done.
func (p *pool) fetchRange(ctx context.Context, r planner.Range) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	buf := p.getBuf()
	defer p.putBuf(buf)
	reached := r.Offset
	if r.Length > 0 { // an empty range (from a hand-made plan) needs no request
		if err := p.retry(ctx, r, func() (bool, error) { return p.attempt(ctx, r, &reached, buf) }); err != nil {
			return err
		}
	}
	if p.opts.RangeDone != nil {
		return p.opts.RangeDone(r)
	}
	return nil
}

// retry calls try until it succeeds, fails with a final error or has used up opts.Retries
// retries, sleeping with backoff before each retry and telling OnRetry about it (as range r).
func (p *pool) retry(ctx context.Context, r planner.Range, try func() (retry bool, err error)) error {
	var last error
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			p.n.retries.Add(1)
			if p.opts.OnRetry != nil {
				p.opts.OnRetry(r, attempt, last)
			}
			if err := p.opts.Sleep(ctx, p.jit.backoff(attempt, p.opts.BackoffBase, p.opts.BackoffMax)); err != nil {
				return err
			}
		}
		retry, err := try()
		switch {
		case err == nil:
			return nil
		case !retry:
			return err
		case attempt >= p.opts.Retries && attempt == 0:
			return fmt.Errorf("gave up after 1 attempt: %w", err)
		case attempt >= p.opts.Retries:
			return fmt.Errorf("gave up after %d attempts: %w", attempt+1, err)
		}
		last = err
	}
}

// attempt sends one GET for [*reached, r.End()) and copies its body to dst, advancing *reached
// past every byte written. It returns nil once the range is complete, else the error and
// whether another attempt may help.
func (p *pool) attempt(ctx context.Context, r planner.Range, reached *int64, buf []byte) (retry bool, err error) {
	reqCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The watchdog runs from before the request is sent, so a server that never answers
	// stalls just like one that stops sending.
	wd := startWatchdog(p.opts.StallTimeout, p.after, cancel)
	defer wd.stop()

	p.n.requests.Add(1)
	body, err := p.src.GetRange(reqCtx, *reached, r.End()-*reached)
	if err != nil {
		return classify(ctx, wd, err)
	}
	defer body.Close()

	for *reached < r.End() {
		n, rerr := body.Read(buf)
		if n > 0 {
			if int64(n) > r.End()-*reached {
				return false, fmt.Errorf("%w: %d bytes arrived at offset %d where %d were left", ErrBodyTooLong, n, *reached, r.End()-*reached)
			}
			// A slow disk is not a stalled connection: the countdown runs only while reading.
			wd.stop()
			if err := p.write(buf[:n], *reached); err != nil {
				return false, err
			}
			*reached += int64(n)
			wd.kick()
		}
		switch {
		case rerr == io.EOF && *reached < r.End():
			return true, fmt.Errorf("response body ended at offset %d, %d bytes short: %w", *reached, r.End()-*reached, io.ErrUnexpectedEOF)
		case rerr == io.EOF:
			return false, nil
		case rerr != nil:
			return classify(ctx, wd, rerr)
		}
	}
	return false, p.checkEnd(body, buf, r)
}

// write puts b at object offset off into dst, counting it.
func (p *pool) write(b []byte, off int64) error {
	n, err := p.dst.WriteAt(b, off-p.plan.Start)
	if n > 0 {
		p.n.bytes.Add(int64(n))
		if p.opts.Progress != nil {
			p.opts.Progress(n)
		}
	}
	if err != nil {
		return fmt.Errorf("write at offset %d: %w", off-p.plan.Start, err)
	}
	if n < len(b) {
		return fmt.Errorf("write at offset %d: wrote %d of %d bytes: %w", off-p.plan.Start, n, len(b), io.ErrShortWrite)
	}
	return nil
}

// checkEnd reads once more past a complete range: a body with bytes left is answering another
// question than the one asked. Any other outcome (EOF, an error) leaves the range complete,
// since every byte asked for is already written.
func (p *pool) checkEnd(body io.Reader, buf []byte, r planner.Range) error {
	// A reader may return 0, nil now and then; do not spin forever on one that always does.
	for range 100 {
		n, err := body.Read(buf)
		if n > 0 {
			return fmt.Errorf("%w: more than %d bytes", ErrBodyTooLong, r.Length)
		}
		if err != nil {
			return nil
		}
	}
	return nil
}
