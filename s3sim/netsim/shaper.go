package netsim

import (
	"context"
	"math"
	"net"
	"net/http"
	"strconv"
	"time"
)

// shaper is the Handler of a Network that shapes something.
type shaper struct {
	n    *Network
	next http.Handler
}

// ServeHTTP draws the request's plan, answers an error fault itself, and otherwise hands a
// shaping ResponseWriter to next.
func (s *shaper) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	n := s.n
	k := n.reqSeq.Add(1) - 1
	n.stats.requests.Add(1)
	w := &shapedWriter{rw: rw, n: n, ctx: r.Context(), plan: n.p.planFor(k), get: r.Method == http.MethodGet}
	w.off = offsets{end: -1, stall: -1, bitFlip: -1}
	if cs := connFrom(r.Context()); cs != nil {
		w.conn, w.bucket, w.slice = cs, cs.bucket, cs.slice
	} else {
		// Without ConnContext the request stands for its connection.
		w.bucket, w.slice = n.connBucket(false)
	}
	if w.bucket == nil && n.total == nil {
		w.slice = math.MaxInt
	}
	if w.get {
		switch {
		case w.plan.slowDown:
			n.stats.slowDowns.Add(1)
			w.writeS3Error(k, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
			return
		case w.plan.internalError:
			n.stats.internalErrors.Add(1)
			w.writeS3Error(k, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
			return
		}
	}
	s.next.ServeHTTP(w, r)
	if !w.wroteHeader && w.err == nil {
		// An empty answer still waits for its first byte.
		w.WriteHeader(http.StatusOK)
	}
}

// shapedWriter delays the header, paces the body and applies the body faults. It implements
// http.Flusher (and FlushError and Unwrap for http.ResponseController) but deliberately not
// io.ReaderFrom, which would let io.Copy go around the pacing.
type shapedWriter struct {
	rw     http.ResponseWriter
	n      *Network
	ctx    context.Context
	conn   *connState // nil without ConnContext
	bucket *bucket    // the connection's bandwidth; nil when unlimited
	slice  int        // most bytes written per pacing step
	plan   plan
	get    bool

	wroteHeader bool
	off         offsets // body faults still to happen, as byte offsets; -1 = none
	written     int64   // body bytes written
	err         error   // sticky: once the client is gone every write fails
}

// Header returns the response's header.
func (w *shapedWriter) Header() http.Header { return w.rw.Header() }

// Unwrap lets http.ResponseController reach the server's writer (deadlines).
func (w *shapedWriter) Unwrap() http.ResponseWriter { return w.rw }

// WriteHeader waits for the time to first byte, places the body faults of a 2xx GET, and
// sends the header.
func (w *shapedWriter) WriteHeader(code int) {
	if w.wroteHeader || code < 200 {
		w.rw.WriteHeader(code) // informational, or superfluous (net/http reports it)
		return
	}
	w.wroteHeader = true
	if d := w.n.p.TTFB + w.plan.jitter; d > 0 {
		if err := w.n.sleep(w.ctx, d); err != nil {
			w.err = err
			return
		}
	}
	if w.get && code < 300 {
		w.off = w.n.p.offsetsFor(w.plan, contentLength(w.rw.Header()))
	}
	w.rw.WriteHeader(code)
}

// contentLength is the header's Content-Length, or -1.
func contentLength(h http.Header) int64 {
	v, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64)
	if err != nil || v < 0 {
		return -1
	}
	return v
}

// Write paces p out in slices, stopping at each fault's offset to apply it.
func (w *shapedWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.err != nil {
		return 0, w.err
	}
	done := 0
	for done < len(p) {
		if w.off.end == w.written {
			w.abort()
		}
		if w.off.stall == w.written {
			w.off.stall = -1
			if err := w.stall(); err != nil {
				w.err = err
				return done, err
			}
		}
		n := min(len(p)-done, w.slice)
		for _, e := range [...]int64{w.off.end, w.off.stall} {
			if e > w.written && e-w.written < int64(n) {
				n = int(e - w.written)
			}
		}
		chunk := p[done : done+n]
		if b := w.off.bitFlip; b >= 0 && b/8 < w.written+int64(n) {
			// Never modify the caller's buffer: flip in a copy.
			chunk = append([]byte(nil), chunk...)
			chunk[b/8-w.written] ^= 1 << (b % 8)
			w.off.bitFlip = -1
			w.n.stats.bitFlips.Add(1)
		}
		if err := w.pace(n); err != nil {
			w.err = err
			return done, err
		}
		m, err := w.rw.Write(chunk)
		done += m
		w.written += int64(m)
		if err != nil {
			w.err = err
			return done, err
		}
	}
	return done, nil
}

// pace reserves n bytes from the connection's and the aggregate bucket and waits for them.
// Short waits are left as debt, paid by the next slice's longer wait.
func (w *shapedWriter) pace(n int) error {
	if w.bucket == nil && w.n.total == nil {
		return nil
	}
	now := w.n.now()
	var d time.Duration
	if w.bucket != nil {
		d = w.bucket.reserve(now, n)
	}
	if w.n.total != nil {
		d = max(d, w.n.total.reserve(now, n))
	}
	if d < minSleep {
		return nil
	}
	return w.n.sleep(w.ctx, d)
}

// stall sends what is buffered, then goes quiet for StallFor (or until the client leaves).
func (w *shapedWriter) stall() error {
	w.n.stats.stalls.Add(1)
	w.flush()
	return w.n.sleep(w.ctx, w.n.p.StallFor)
}

// abort ends the body here: it sends what is buffered, then makes net/http drop the connection
// without finishing the response. A reset first sets SO_LINGER to 0 so closing the socket sends
// a TCP RST (the client reads ECONNRESET); a truncation closes normally (the client reads an
// early EOF, short of Content-Length).
func (w *shapedWriter) abort() {
	w.flush()
	if w.off.endReset {
		w.n.stats.resets.Add(1)
		if w.conn != nil {
			if l, ok := w.conn.raw.(interface{ SetLinger(sec int) error }); ok {
				// An RST discards what the socket has not sent yet: let the N bytes arrive.
				waitSent(w.ctx, w.conn.raw)
				_ = l.SetLinger(0) // best effort: without it the client sees an early EOF instead
			}
		}
	} else {
		w.n.stats.truncates.Add(1)
	}
	panic(http.ErrAbortHandler)
}

// Draining before a reset: the socket is polled (real time, it is a real socket) until the
// peer has acknowledged every byte, for at most drainLimit in case the client stopped reading.
const (
	drainPoll  = time.Millisecond
	drainLimit = 5 * time.Second
)

// waitSent waits until c has no unacknowledged bytes, the request ends, or drainLimit passes.
func waitSent(ctx context.Context, c net.Conn) {
	deadline := time.Now().Add(drainLimit)
	for {
		if n, ok := unsent(c); !ok || n == 0 || ctx.Err() != nil || time.Now().After(deadline) {
			return
		}
		time.Sleep(drainPoll)
	}
}

// flush pushes buffered bytes to the socket.
func (w *shapedWriter) flush() { _ = http.NewResponseController(w.rw).Flush() }

// Flush sends the header (after the time to first byte) and whatever is buffered.
func (w *shapedWriter) Flush() { _ = w.FlushError() }

// FlushError is Flush for http.ResponseController, reporting a client that left.
func (w *shapedWriter) FlushError() error {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.err != nil {
		return w.err
	}
	return http.NewResponseController(w.rw).Flush()
}
