package netsim

import (
	"context"
	"net"
	"sync"
)

// connKey is the context key of a request's *connState.
type connKey struct{}

// connState is what Handler knows about a request's connection.
type connState struct {
	index  uint64
	slow   bool
	raw    net.Conn // the accepted socket, for SO_LINGER
	bucket *bucket  // the connection's bandwidth; nil when ConnRate is 0
	slice  int      // pacing slice for this connection
}

// connFrom returns the request's connection state, or nil if ConnContext was not wired.
func connFrom(ctx context.Context) *connState {
	cs, _ := ctx.Value(connKey{}).(*connState)
	return cs
}

// newConnState assigns the next connection index and its speed class.
func (n *Network) newConnState(c net.Conn) *connState {
	k := n.connSeq.Add(1) - 1
	cs := &connState{index: k, slow: n.p.connIsSlow(k), raw: c}
	n.stats.conns.Add(1)
	if cs.slow {
		n.stats.slowConns.Add(1)
	}
	cs.bucket, cs.slice = n.connBucket(cs.slow)
	return cs
}

// connBucket returns a bandwidth bucket for one connection (nil when unlimited) and its slice.
func (n *Network) connBucket(slow bool) (*bucket, int) {
	rate := float64(n.p.ConnRate)
	if slow {
		rate *= n.p.slowFactor()
	}
	pace := rate
	if n.p.TotalRate > 0 && (pace <= 0 || float64(n.p.TotalRate) < pace) {
		pace = float64(n.p.TotalRate)
	}
	slice := sliceSize(pace)
	if rate <= 0 {
		return nil, slice
	}
	return newBucket(rate, slice), slice
}

// limitListener accepts at most MaxConns connections at once and tags each with its state.
type limitListener struct {
	net.Listener
	n     *Network
	slots chan struct{} // one token per open connection; nil when unlimited

	closeOnce sync.Once
	closed    chan struct{}
}

// newLimitListener wraps l; without MaxConns it only tags connections.
func newLimitListener(n *Network, l net.Listener) *limitListener {
	ll := &limitListener{Listener: l, n: n, closed: make(chan struct{})}
	if n.p.MaxConns > 0 {
		ll.slots = make(chan struct{}, n.p.MaxConns)
	}
	return ll
}

// Accept waits for a free slot, then for a connection.
func (l *limitListener) Accept() (net.Conn, error) {
	if l.slots != nil {
		select {
		case l.slots <- struct{}{}:
		case <-l.closed:
			return nil, net.ErrClosed
		}
	}
	c, err := l.Listener.Accept()
	if err != nil {
		l.release()
		return nil, err
	}
	sc := &simConn{Conn: c, l: l}
	sc.state = l.n.newConnState(c)
	return sc, nil
}

// Close stops accepting, including an Accept waiting for a slot.
func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

// release frees the slot of a connection that closed (or of a failed Accept).
func (l *limitListener) release() {
	if l.slots != nil {
		<-l.slots
	}
}

// simConn is an accepted connection; closing it frees its slot.
type simConn struct {
	net.Conn
	l     *limitListener
	state *connState

	closeOnce sync.Once
}

// Close closes the connection and frees its slot once.
func (c *simConn) Close() error {
	err := c.Conn.Close()
	c.closeOnce.Do(c.l.release)
	return err
}
