package netsim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// fakeClock is an injected clock: sleeping advances it at once and records the duration.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
	// block, when set, is called instead of advancing: it lets a test hold a sleep.
	block func(ctx context.Context, d time.Duration) error
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	block := c.block
	c.mu.Unlock()
	if block != nil {
		return block(ctx, d)
	}
	return ctx.Err()
}

func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// newFakeNetwork returns a Network on a fake clock.
func newFakeNetwork(p Profile) (*Network, *fakeClock) {
	n := New(p)
	c := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	n.now, n.sleep = c.now, c.sleep
	return n, c
}

// serve starts a test server wired as the simulator wires netsim: listener, ConnContext and
// handler. Each test gets its own client so connections are not shared.
func serve(t testing.TB, n *Network, h http.Handler) (*httptest.Server, *http.Client) {
	t.Helper()
	ts := httptest.NewUnstartedServer(n.Handler(h))
	ts.Listener = n.Listener(ts.Listener)
	ts.Config.ConnContext = n.ConnContext
	ts.Start()
	tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		ts.Close()
	})
	return ts, &http.Client{Transport: tr}
}

// testData is size deterministic pseudo-random bytes.
func testData(size int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0xabcdef))
	p := make([]byte, size)
	for i := range p {
		p[i] = byte(r.Uint32())
	}
	return p
}

func sum(p []byte) string {
	s := sha256.Sum256(p)
	return hex.EncodeToString(s[:])
}

// object serves data like a GET of an S3 object (Content-Length, body written in pieces of
// piece bytes) and records each handler's write error.
type object struct {
	data  []byte
	piece int

	mu        sync.Mutex
	calls     int
	writeErrs []error
}

func (o *object) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.calls++
	o.mu.Unlock()
	if r.Method == http.MethodPut {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(o.data)))
	w.Header().Set("Content-Type", "application/octet-stream")
	if r.Method == http.MethodHead {
		return
	}
	var err error
	for p := o.data; len(p) > 0 && err == nil; {
		n := min(len(p), o.piece)
		_, err = w.Write(p[:n])
		p = p[n:]
	}
	o.mu.Lock()
	o.writeErrs = append(o.writeErrs, err)
	o.mu.Unlock()
}

func (o *object) callCount() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.calls
}

// get fetches url and returns the status, the body bytes read and the read error.
func get(t testing.TB, c *http.Client, method, url string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, err = io.Copy(&buf, resp.Body)
	return resp, buf.Bytes(), err
}
