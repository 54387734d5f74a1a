// Package netsim shapes the simulator's network: time to first byte, per-connection and
// aggregate bandwidth, a share of slow connections, a connection limit, and faults (503
// SlowDown, 500 InternalError, a reset after N bytes, a stall mid-body, a body that ends early,
// a flipped bit). Every decision is drawn from a seeded generator so a run can be repeated.
package netsim

import (
	"context"
	"net"
	"net/http"
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
	SlowShare  float64       // share of connections that are slow, 0..1
	SlowFactor float64       // a slow connection runs at ConnRate*SlowFactor (e.g. 0.1)
	MaxConns   int           // connections served at once; 0 = unlimited

	// Fault probabilities are per request that carries a body (GET).
	SlowDown      float64 // answer 503 SlowDown
	InternalError float64 // answer 500 InternalError
	Reset         float64 // abort the connection after ResetAfter bytes of body
	ResetAfter    int64   // upper bound of the random byte count before a reset
	Stall         float64 // stop sending for StallFor mid-body
	StallFor      time.Duration
	Truncate      float64 // end the body early, then close the connection
	BitFlip       float64 // flip one bit of the body
}

// Names lists the named profiles: lan, s3, flaky, slowtail.
func Names() []string { panic("unimplemented") }

// Named returns a named profile: "lan" (no shaping), "s3" (one S3 prefix seen from EC2: ~30ms
// first byte, ~80 MB/s per connection), "flaky" (s3 plus faults), "slowtail" (a few very slow
// connections).
func Named(name string) (Profile, error) { panic("unimplemented") }

// Network applies a Profile to a server: wrap its listener, its handler, and give its
// http.Server the ConnContext.
type Network struct{}

// New returns a Network for p.
func New(p Profile) *Network { panic("unimplemented") }

// Listener limits connections to MaxConns and assigns each connection its speed.
func (n *Network) Listener(l net.Listener) net.Listener { panic("unimplemented") }

// ConnContext is the http.Server hook that lets Handler find the connection of a request.
func (n *Network) ConnContext(ctx context.Context, c net.Conn) context.Context {
	panic("unimplemented")
}

// Handler wraps next: it draws the request's faults, delays the first byte and paces the body.
func (n *Network) Handler(next http.Handler) http.Handler { panic("unimplemented") }
