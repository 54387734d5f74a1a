package netsim

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// s3Error is the XML error document S3 sends.
type s3Error struct {
	Code      string
	Message   string
	RequestID string `xml:"RequestId"`
	HostID    string `xml:"HostId"`
}

func TestErrorFaults(t *testing.T) {
	cases := []struct {
		name    string
		p       Profile
		status  int
		code    string
		message string
	}{
		{"slowdown", Profile{SlowDown: 1, InternalError: 1}, 503, "SlowDown", "Please reduce your request rate."},
		{"internal", Profile{InternalError: 1}, 500, "InternalError", "We encountered an internal error. Please try again."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, _ := newFakeNetwork(tc.p)
			obj := &object{data: testData(1000, 1), piece: 100}
			ts, c := serve(t, n, obj)

			resp, body, err := get(t, c, http.MethodGet, ts.URL+"/b/k")
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/xml" {
				t.Errorf("Content-Type %q", ct)
			}
			var e s3Error
			if err := xml.Unmarshal(body, &e); err != nil {
				t.Fatalf("body %q: %v", body, err)
			}
			if e.Code != tc.code || e.Message != tc.message {
				t.Errorf("got %s %q, want %s %q", e.Code, e.Message, tc.code, tc.message)
			}
			if e.RequestID == "" || e.RequestID != resp.Header.Get("x-amz-request-id") || e.HostID != resp.Header.Get("x-amz-id-2") {
				t.Errorf("ids: body %q %q, headers %q %q", e.RequestID, e.HostID, resp.Header.Get("x-amz-request-id"), resp.Header.Get("x-amz-id-2"))
			}
			if obj.callCount() != 0 {
				t.Errorf("handler called %d times for a faulted GET, want 0", obj.callCount())
			}

			// HEAD and PUT are never faulted.
			if resp, _, err := get(t, c, http.MethodHead, ts.URL+"/b/k"); err != nil || resp.StatusCode != 200 {
				t.Errorf("HEAD: %v %v", resp.StatusCode, err)
			}
			if resp, _, err := get(t, c, http.MethodPut, ts.URL+"/b/k"); err != nil || resp.StatusCode != 200 {
				t.Errorf("PUT: %v %v", resp.StatusCode, err)
			}
			if obj.callCount() != 2 {
				t.Errorf("handler called %d times, want 2 (HEAD, PUT)", obj.callCount())
			}
		})
	}
}

func TestReset(t *testing.T) {
	// The second case goes through Listener (MaxConns), the first through ConnContext alone.
	for i, resetAfter := range []int64{0, 5000} {
		p := Profile{Seed: 7, Reset: 1, ResetAfter: resetAfter, MaxConns: 2 * i}
		n, _ := newFakeNetwork(p)
		obj := &object{data: testData(300_000, 2), piece: 8 << 10}
		ts, c := serve(t, n, obj)
		for k := range uint64(4) {
			want := p.offsetsFor(p.planFor(k), int64(len(obj.data))).end
			if resetAfter > 0 && want >= resetAfter {
				t.Fatalf("reset offset %d not below ResetAfter %d", want, resetAfter)
			}
			resp, body, err := get(t, c, http.MethodGet, ts.URL+"/b/k")
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if !errors.Is(err, syscall.ECONNRESET) {
				t.Errorf("request %d: read error %v, want ECONNRESET", k, err)
			}
			if int64(len(body)) != want || !bytes.Equal(body, obj.data[:want]) {
				t.Errorf("request %d: got %d bytes before the reset, want exactly %d of the object", k, len(body), want)
			}
		}
		if s := n.Stats(); s.Resets != 4 || s.Requests != 4 {
			t.Errorf("stats %+v, want 4 requests and 4 resets", s)
		}
	}
}

func TestResetAt(t *testing.T) {
	const at = 3000
	p := Profile{Seed: 7, Reset: 1, ResetAt: at, ResetAfter: 100}
	n, _ := newFakeNetwork(p)
	obj := &object{data: testData(300_000, 2), piece: 8 << 10}
	ts, c := serve(t, n, obj)
	for k := range 3 {
		_, body, err := get(t, c, http.MethodGet, ts.URL+"/b/k")
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("request %d: read error %v, want ECONNRESET", k, err)
		}
		if len(body) != at || !bytes.Equal(body, obj.data[:at]) {
			t.Errorf("request %d: got %d bytes before the reset, want exactly %d", k, len(body), at)
		}
	}
	// A body no longer than ResetAt arrives whole.
	short := &object{data: testData(at, 5), piece: 1000}
	ts, c = serve(t, n, short)
	if _, body, err := get(t, c, http.MethodGet, ts.URL+"/b/k"); err != nil || !bytes.Equal(body, short.data) {
		t.Errorf("body of exactly ResetAt bytes: %d bytes, %v", len(body), err)
	}
	if s := n.Stats(); s.Resets != 3 {
		t.Errorf("stats %+v, want 3 resets", s)
	}
}

func TestTruncate(t *testing.T) {
	p := Profile{Seed: 3, Truncate: 1}
	n, _ := newFakeNetwork(p)
	obj := &object{data: testData(200_000, 3), piece: 10_000}
	ts, c := serve(t, n, obj)
	for k := range uint64(3) {
		want := p.offsetsFor(p.planFor(k), int64(len(obj.data))).end
		_, body, err := get(t, c, http.MethodGet, ts.URL+"/b/k")
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("request %d: read error %v, want unexpected EOF", k, err)
		}
		if int64(len(body)) != want || !bytes.Equal(body, obj.data[:want]) {
			t.Errorf("request %d: got %d bytes, want exactly %d of the object", k, len(body), want)
		}
	}
	if s := n.Stats(); s.Truncates != 3 {
		t.Errorf("stats %+v, want 3 truncates", s)
	}
}

func TestBitFlip(t *testing.T) {
	p := Profile{Seed: 11, BitFlip: 1}
	n, _ := newFakeNetwork(p)
	obj := &object{data: testData(100_000, 4), piece: 4096}
	orig := sum(obj.data)
	ts, c := serve(t, n, obj)
	for k := range uint64(3) {
		bit := p.offsetsFor(p.planFor(k), int64(len(obj.data))).bitFlip
		resp, body, err := get(t, c, http.MethodGet, ts.URL+"/b/k")
		if err != nil || resp.StatusCode != 200 || len(body) != len(obj.data) {
			t.Fatalf("request %d: status %d, %d bytes, %v: want a whole 200", k, resp.StatusCode, len(body), err)
		}
		var diffs []int64
		for i := range body {
			for b := range 8 {
				if (body[i]^obj.data[i])&(1<<b) != 0 {
					diffs = append(diffs, int64(i)*8+int64(b))
				}
			}
		}
		if len(diffs) != 1 || diffs[0] != bit {
			t.Errorf("request %d: bits differing %v, want exactly [%d]", k, diffs, bit)
		}
	}
	if sum(obj.data) != orig {
		t.Error("the handler's buffer was modified")
	}
}

func TestStall(t *testing.T) {
	p := Profile{Seed: 5, Stall: 1, StallFor: 7 * time.Second}
	n, clock := newFakeNetwork(p)
	obj := &object{data: testData(150_000, 5), piece: 10_000}
	ts, c := serve(t, n, obj)
	_, body, err := get(t, c, http.MethodGet, ts.URL+"/b/k")
	if err != nil || !bytes.Equal(body, obj.data) {
		t.Fatalf("got %d bytes, %v: want the whole object after the stall", len(body), err)
	}
	if got := clock.slept(); len(got) != 1 || got[0] != 7*time.Second {
		t.Errorf("slept %v, want [7s]", got)
	}
	if s := n.Stats(); s.Stalls != 1 {
		t.Errorf("stats %+v, want 1 stall", s)
	}
}

// TestStallHonoursContext: a client that gives up during a stall ends the handler's writes.
func TestStallHonoursContext(t *testing.T) {
	p := Profile{Seed: 5, Stall: 1, StallFor: time.Hour}
	n, clock := newFakeNetwork(p)
	stalling := make(chan struct{})
	clock.block = func(ctx context.Context, d time.Duration) error {
		close(stalling)
		<-ctx.Done()
		return ctx.Err()
	}
	obj := &object{data: testData(150_000, 5), piece: 10_000}
	ts, c := serve(t, n, obj)

	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/b/k", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	<-stalling
	cancel()
	resp.Body.Close()
	ts.Close() // waits for the handler to return
	if len(obj.writeErrs) != 1 || obj.writeErrs[0] == nil {
		t.Errorf("handler write errors %v, want one error after the client left", obj.writeErrs)
	}
}

// TestFaultsOnlyOn2xxGET: non-2xx GETs, HEAD and PUT pass unharmed even when every fault is
// certain.
func TestFaultsOnlyOn2xxGET(t *testing.T) {
	p := Profile{Reset: 1, Truncate: 1, BitFlip: 1, Stall: 1, StallFor: time.Second}
	n, clock := newFakeNetwork(p)
	notFound := []byte("<Error><Code>NoSuchKey</Code></Error>")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write(notFound)
	})
	ts, c := serve(t, n, h)
	resp, body, err := get(t, c, http.MethodGet, ts.URL+"/b/missing")
	if err != nil || resp.StatusCode != 404 || !bytes.Equal(body, notFound) {
		t.Errorf("404: got %d %q %v, want it unharmed", resp.StatusCode, body, err)
	}
	if len(clock.slept()) != 0 {
		t.Errorf("slept %v on a 404", clock.slept())
	}
	obj := &object{data: testData(10_000, 6), piece: 1000}
	ts2, c2 := serve(t, n, obj)
	for _, m := range []string{http.MethodHead, http.MethodPut} {
		if resp, _, err := get(t, c2, m, ts2.URL+"/b/k"); err != nil || resp.StatusCode != 200 {
			t.Errorf("%s: %d %v", m, resp.StatusCode, err)
		}
	}
	if s := n.Stats(); s.Resets+s.Truncates+s.BitFlips+s.Stalls != 0 {
		t.Errorf("stats %+v, want no faults", s)
	}
}
