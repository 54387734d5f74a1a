// Package netsim shapes the simulator's network: time to first byte, per-connection and
// aggregate bandwidth, a share of slow connections, a connection limit, and faults (503
// SlowDown, 500 InternalError, a reset after N bytes, a stall mid-body, a body that ends early,
// a flipped bit). Every decision is drawn from a seeded generator so a run can be repeated.
//
// A server composes it in three places:
//
//	n := netsim.New(profile)
//	srv := &http.Server{Handler: n.Handler(s3handler), ConnContext: n.ConnContext}
//	srv.Serve(n.Listener(ln))
//
// Determinism: connection k (in accept order, from 0) is slow or not depending only on Seed
// and k; request k (in arrival order, every method counted, from 0) draws its jitter and faults
// depending only on Seed and k. Concurrent clients may of course arrive in a different order
// from run to run; a serial client sees the same network every time.
//
// Faults apply only to GET responses with a 2xx status, so HEAD and PUT (and 304/412 answers)
// are never faulted; they still see the time to first byte and the bandwidth caps. Request
// bodies (uploads) are not paced.
package netsim

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// Profile is a network and its faults. The zero value is an unshaped, fault-free network.
type Profile struct {
	Name string
	Seed int64

	TTFB       time.Duration // added before the first byte of each response
	TTFBJitter time.Duration // plus a uniform random share of this
	ConnRate   int64         // bytes/s per connection; 0 = unlimited
	TotalRate  int64         // bytes/s across all connections; 0 = unlimited
	SlowShare  float64       // share of connections that are slow, 0..1 (needs ConnRate)
	SlowFactor float64       // a slow connection runs at ConnRate*SlowFactor; 0 means 0.1
	MaxConns   int           // connections served at once; 0 = unlimited

	// Fault probabilities are per request that carries a body (GET). SlowDown and
	// InternalError answer instead of the handler; the others shape a 2xx body and may combine
	// (the earliest of a reset and a truncation wins). Positions are uniform over the body
	// (Content-Length); without a Content-Length they are drawn over the first 1 MiB.
	SlowDown      float64 // answer 503 SlowDown
	InternalError float64 // answer 500 InternalError
	Reset         float64 // abort the connection (TCP RST) after N bytes of body
	ResetAfter    int64   // N is uniform in [0, ResetAfter); 0 (or more than the body) = the body
	ResetAt       int64   // when > 0, N is exactly ResetAt (no reset if the body is shorter)
	Stall         float64 // stop sending for StallFor mid-body, then go on
	StallFor      time.Duration
	Truncate      float64 // end the body early, then close the connection (FIN)
	BitFlip       float64 // flip one bit of the body; keep out of everyday profiles
}

// shapesResponses reports whether Handler has anything to do.
func (p Profile) shapesResponses() bool {
	return p.TTFB > 0 || p.TTFBJitter > 0 || p.ConnRate > 0 || p.TotalRate > 0 || p.faults()
}

// faults reports whether any fault has a chance to happen.
func (p Profile) faults() bool {
	return p.SlowDown > 0 || p.InternalError > 0 || p.Reset > 0 || p.Stall > 0 || p.Truncate > 0 || p.BitFlip > 0
}

// slowFactor is SlowFactor with its default.
func (p Profile) slowFactor() float64 {
	if p.SlowFactor <= 0 {
		return 0.1
	}
	return p.SlowFactor
}

// Stats count what a Network did, for tests and for reporting what a run went through.
type Stats struct {
	Conns     int64 // connections accepted (or seen by ConnContext)
	SlowConns int64 // of which slow
	Requests  int64 // requests seen by Handler

	// Faults that happened (a planned fault whose position lies past the body's end does not).
	SlowDowns      int64
	InternalErrors int64
	Resets         int64
	Stalls         int64
	Truncates      int64
	BitFlips       int64
}

// counters are the atomic form of Stats.
type counters struct {
	conns, slowConns, requests                                     atomic.Int64
	slowDowns, internalErrors, resets, stalls, truncates, bitFlips atomic.Int64
}

// Network applies a Profile to a server: wrap its listener, its handler, and give its
// http.Server the ConnContext. It is safe for concurrent use.
type Network struct {
	p     Profile
	total *bucket // aggregate cap; nil when TotalRate is 0

	// now and sleep are the clock; tests replace them (before serving) to assert delays
	// without waiting.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error

	connSeq atomic.Uint64 // next connection index
	reqSeq  atomic.Uint64 // next request index
	stats   counters
}

// New returns a Network for p.
func New(p Profile) *Network {
	n := &Network{p: p, now: time.Now, sleep: sleepCtx}
	if p.TotalRate > 0 {
		n.total = newBucket(float64(p.TotalRate), sliceSize(float64(p.TotalRate)))
	}
	return n
}

// Profile returns the profile the Network applies.
func (n *Network) Profile() Profile { return n.p }

// Stats returns what the Network did so far.
func (n *Network) Stats() Stats {
	c := &n.stats
	return Stats{
		Conns: c.conns.Load(), SlowConns: c.slowConns.Load(), Requests: c.requests.Load(),
		SlowDowns: c.slowDowns.Load(), InternalErrors: c.internalErrors.Load(), Resets: c.resets.Load(),
		Stalls: c.stalls.Load(), Truncates: c.truncates.Load(), BitFlips: c.bitFlips.Load(),
	}
}

// Listener limits connections to MaxConns and assigns each connection its speed. Beyond
// MaxConns the listener simply stops accepting (the kernel's backlog holds the client) until a
// served connection closes. With neither MaxConns nor ConnRate there is nothing to do and l is
// returned as is.
func (n *Network) Listener(l net.Listener) net.Listener {
	if n.p.MaxConns <= 0 && n.p.ConnRate <= 0 {
		return l
	}
	return newLimitListener(n, l)
}

// ConnContext is the http.Server hook that lets Handler find the connection of a request: its
// speed class, its bandwidth bucket, and the TCP socket a reset aborts. Connections that did not
// come through Listener get their class here, in the same accept order.
func (n *Network) ConnContext(ctx context.Context, c net.Conn) context.Context {
	cs, ok := c.(*simConn)
	if !ok {
		return context.WithValue(ctx, connKey{}, n.newConnState(c))
	}
	return context.WithValue(ctx, connKey{}, cs.state)
}

// Handler wraps next: it draws the request's faults, delays the first byte and paces the body.
// With nothing to shape (no TTFB, no rates, no faults) it returns next itself, so an unshaped
// simulator costs nothing.
func (n *Network) Handler(next http.Handler) http.Handler {
	if !n.p.shapesResponses() {
		return next
	}
	return &shaper{n: n, next: next}
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
