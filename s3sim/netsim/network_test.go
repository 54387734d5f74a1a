package netsim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"syscall"
	"testing"
	"time"
)

// outcomes makes count serial GETs on a fresh network and describes what each saw.
func outcomes(t *testing.T, p Profile, count int) []string {
	n, _ := newFakeNetwork(p)
	obj := &object{data: testData(50_000, 9), piece: 5000}
	ts, c := serve(t, n, obj)
	var out []string
	for range count {
		resp, body, err := get(t, c, http.MethodGet, ts.URL+"/b/k")
		kind := "ok"
		switch {
		case errors.Is(err, syscall.ECONNRESET):
			kind = "reset"
		case errors.Is(err, io.ErrUnexpectedEOF):
			kind = "truncate"
		case err != nil:
			t.Fatalf("unexpected read error %v", err)
		case resp.StatusCode == 200 && !bytes.Equal(body, obj.data):
			kind = "flipped"
		}
		out = append(out, fmt.Sprintf("%d %s %d %s", resp.StatusCode, kind, len(body), sum(body)[:8]))
	}
	return out
}

func TestDeterministicFaults(t *testing.T) {
	p := Profile{Seed: 42, SlowDown: 0.15, InternalError: 0.1, Reset: 0.15, Truncate: 0.15, BitFlip: 0.15}
	a, b := outcomes(t, p, 40), outcomes(t, p, 40)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed, different runs:\n%v\n%v", a, b)
	}
	kinds := map[string]bool{}
	for _, o := range a {
		var status, n int
		var kind, h string
		if _, err := fmt.Sscan(o, &status, &kind, &n, &h); err != nil {
			t.Fatal(err)
		}
		kinds[fmt.Sprintf("%d %s", status, kind)] = true
	}
	for _, k := range []string{"503 ok", "500 ok", "200 reset", "200 truncate", "200 flipped", "200 ok"} {
		if !kinds[k] {
			t.Errorf("40 requests never saw %q: %v", k, a)
		}
	}
	p.Seed = 43
	if c := outcomes(t, p, 40); reflect.DeepEqual(a, c) {
		t.Errorf("seeds 42 and 43 gave the same faults: %v", a)
	}
}

func TestDeterministicPlans(t *testing.T) {
	p := Flaky()
	p.BitFlip = 0.1
	q := p
	q.Seed++
	same := true
	for k := range uint64(500) {
		if p.planFor(k) != p.planFor(k) {
			t.Fatalf("plan %d differs between two draws", k)
		}
		same = same && p.planFor(k) == q.planFor(k)
	}
	if same {
		t.Error("different seeds gave the same 500 plans")
	}
}

func TestSlowConnections(t *testing.T) {
	p := Profile{Seed: 1, SlowShare: 0.05, ConnRate: 1000}
	q := p
	q.Seed = 2
	slow, differ := 0, false
	for k := range uint64(10_000) {
		if p.connIsSlow(k) {
			slow++
		}
		differ = differ || p.connIsSlow(k) != q.connIsSlow(k)
	}
	if slow < 400 || slow > 600 {
		t.Errorf("%d of 10000 connections slow, want about 500", slow)
	}
	if !differ {
		t.Error("seeds 1 and 2 made the same connections slow")
	}

	// Through a real listener, connection k gets the class of k, in accept order.
	n := New(p)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := n.Listener(ln)
	defer l.Close()
	for k := range uint64(60) {
		d, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		cs := connFrom(n.ConnContext(t.Context(), c))
		if cs.index != k || cs.slow != p.connIsSlow(k) {
			t.Errorf("connection %d: index %d slow %v, want slow %v", k, cs.index, cs.slow, p.connIsSlow(k))
		}
		if cs.slow && cs.bucket.rate != 100 || !cs.slow && cs.bucket.rate != 1000 {
			t.Errorf("connection %d (slow %v): rate %v", k, cs.slow, cs.bucket.rate)
		}
		c.Close()
		d.Close()
	}
	if s := n.Stats(); s.Conns != 60 || s.SlowConns == 0 {
		t.Errorf("stats %+v, want 60 connections, some slow", s)
	}
}

func TestMaxConns(t *testing.T) {
	const limit, clients = 2, 5
	n := New(Profile{MaxConns: limit})
	var mu sync.Mutex
	active, most := 0, 0
	entered := make(chan struct{})
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		active++
		most = max(most, active)
		mu.Unlock()
		entered <- struct{}{}
		<-release
		mu.Lock()
		active--
		mu.Unlock()
		_, _ = w.Write([]byte("ok"))
	})
	ts := httptest.NewUnstartedServer(n.Handler(h))
	ts.Listener = n.Listener(ts.Listener)
	ts.Config.ConnContext = n.ConnContext
	ts.Start()
	defer ts.Close()
	// One connection per request, closed after it, so each request needs a slot of its own.
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for range clients {
		wg.Go(func() {
			resp, err := c.Get(ts.URL)
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			errs <- err
		})
	}
	for range limit {
		<-entered
	}
	// Both slots are held: the listener cannot have accepted a third connection.
	if got := n.Stats().Conns; got != limit {
		t.Errorf("%d connections accepted while %d are held, want %d", got, limit, limit)
	}
	for range clients - limit {
		release <- struct{}{}
		<-entered
	}
	for range limit {
		release <- struct{}{}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if most != limit {
		t.Errorf("at most %d handlers at once, want %d", most, limit)
	}
	if got := n.Stats().Conns; got != clients {
		t.Errorf("%d connections accepted in all, want %d", got, clients)
	}
}

// TestListenerCloseUnblocksAccept: closing the listener ends an Accept waiting for a slot.
func TestListenerCloseUnblocksAccept(t *testing.T) {
	n := New(Profile{MaxConns: 1})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := n.Listener(ln)
	d, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	done := make(chan error)
	go func() {
		_, err := l.Accept()
		done <- err
	}()
	l.Close()
	if err := <-done; !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v, want net.ErrClosed", err)
	}
}

func TestZeroProfileIsUnwrapped(t *testing.T) {
	for _, p := range []Profile{{}, Lan(), {Seed: 9, MaxConns: 3, SlowShare: 0.5}} {
		n := New(p)
		obj := &object{data: testData(1<<20, 10), piece: 100_000}
		if h := n.Handler(obj); h != http.Handler(obj) {
			t.Errorf("%+v: Handler wrapped next (%T)", p, h)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		if l := n.Listener(ln); p.MaxConns == 0 && l != ln {
			t.Errorf("%+v: Listener wrapped a listener it has nothing to do for", p)
		}
		ln.Close()
		ts, c := serve(t, n, obj)
		_, body, err := get(t, c, http.MethodGet, ts.URL+"/b/k")
		if err != nil || !bytes.Equal(body, obj.data) {
			t.Errorf("%+v: got %d bytes (%v), want the object unchanged", p, len(body), err)
		}
	}
}

func TestPacing(t *testing.T) {
	const size = 4_000_000
	cases := []struct {
		name string
		p    Profile
		rate float64
	}{
		{"conn", Profile{ConnRate: 1_000_000}, 1_000_000},
		{"total", Profile{TotalRate: 2_000_000}, 2_000_000},
		{"both", Profile{ConnRate: 1_000_000, TotalRate: 500_000}, 500_000},
		{"slow", Profile{ConnRate: 1_000_000, SlowShare: 1, SlowFactor: 0.25}, 250_000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, clock := newFakeNetwork(tc.p)
			obj := &object{data: testData(size, 11), piece: 100_000}
			ts, c := serve(t, n, obj)
			_, body, err := get(t, c, http.MethodGet, ts.URL+"/b/k")
			if err != nil || !bytes.Equal(body, obj.data) {
				t.Fatalf("got %d bytes, %v", len(body), err)
			}
			var total time.Duration
			for _, d := range clock.slept() {
				if d < minSleep {
					t.Errorf("slept %v, below the %v granularity", d, minSleep)
				}
				total += d
			}
			// The bucket starts with a burst of two slices; the rest is paid at the rate.
			burst := 2 * float64(sliceSize(tc.rate))
			want := time.Duration((size - burst) / tc.rate * float64(time.Second))
			if total < want-time.Millisecond || total > want+time.Millisecond {
				t.Errorf("slept %v in all, want %v (%d bytes at %v B/s after a %v byte burst)", total, want, size, tc.rate, burst)
			}
		})
	}
}

func TestTTFB(t *testing.T) {
	p := Profile{Seed: 8, TTFB: 30 * time.Millisecond, TTFBJitter: 20 * time.Millisecond}
	n, clock := newFakeNetwork(p)
	obj := &object{data: testData(1000, 12), piece: 1000}
	ts, c := serve(t, n, obj)
	var want []time.Duration
	for k, m := range []string{http.MethodGet, http.MethodHead, http.MethodGet} {
		_, body, err := get(t, c, m, ts.URL+"/b/k")
		if err != nil || m == http.MethodGet && !bytes.Equal(body, obj.data) {
			t.Fatalf("%s: %d bytes, %v", m, len(body), err)
		}
		jitter := p.planFor(uint64(k)).jitter
		if jitter < 0 || jitter >= p.TTFBJitter {
			t.Errorf("jitter %v outside [0, %v)", jitter, p.TTFBJitter)
		}
		want = append(want, p.TTFB+jitter)
	}
	if got := clock.slept(); !reflect.DeepEqual(got, want) {
		t.Errorf("slept %v, want %v", got, want)
	}
}

func TestBucket(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := newBucket(1000, 100) // 1000 B/s, burst 200
	steps := []struct {
		at   time.Duration
		n    int
		wait time.Duration
	}{
		{0, 150, 0},                                    // from the burst: 50 left
		{0, 100, 50 * time.Millisecond},                // 50 short: 50ms at 1000 B/s
		{0, 100, 150 * time.Millisecond},               // queued behind the debt
		{150 * time.Millisecond, 0, 0},                 // debt paid
		{1 * time.Second, 500, 300 * time.Millisecond}, // refill caps at the 200 burst
	}
	for i, s := range steps {
		if got := b.reserve(t0.Add(s.at), s.n); got != s.wait {
			t.Errorf("step %d: wait %v, want %v", i, got, s.wait)
		}
	}
	if got := sliceSize(80_000_000); got != maxSlice {
		t.Errorf("slice at 80 MB/s: %d, want %d", got, maxSlice)
	}
	if got := sliceSize(1000); got != minSlice {
		t.Errorf("slice at 1 kB/s: %d, want %d", got, minSlice)
	}
	if got := sliceSize(8_000_000); got != 32_000 {
		t.Errorf("slice at 8 MB/s: %d, want 32000 (4ms)", got)
	}
}

// TestWriterInterfaces: handlers can flush through the shaping writer, and io.Copy cannot go
// around the pacing through io.ReaderFrom.
func TestWriterInterfaces(t *testing.T) {
	if _, ok := any(&shapedWriter{}).(io.ReaderFrom); ok {
		t.Error("shapedWriter implements io.ReaderFrom, which would bypass pacing")
	}
	n, clock := newFakeNetwork(Profile{TTFB: time.Second, ConnRate: 1_000_000})
	flushed := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := w.(http.Flusher); !ok {
			t.Error("the shaped writer is not an http.Flusher")
		}
		w.Header().Set("Content-Length", "5")
		flushed <- http.NewResponseController(w).Flush()
		_, _ = w.Write([]byte("hello"))
	})
	ts, c := serve(t, n, h)
	_, body, err := get(t, c, http.MethodGet, ts.URL)
	if err != nil || string(body) != "hello" {
		t.Errorf("got %q, %v", body, err)
	}
	if err := <-flushed; err != nil {
		t.Errorf("ResponseController.Flush: %v", err)
	}
	if got := clock.slept(); !reflect.DeepEqual(got, []time.Duration{time.Second}) {
		t.Errorf("slept %v, want the 1s TTFB once, at the flush", got)
	}
}
