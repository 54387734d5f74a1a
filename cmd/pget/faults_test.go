package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/pget/pget/s3sim"
	"github.com/pget/pget/s3sim/netsim"
)

// simDownload puts a generated object of size on a simulator with profile, downloads it with
// the real client and requires it byte-identical by SHA-256.
func simDownload(t *testing.T, profile netsim.Profile, size, chunk int64, stall time.Duration) (result, *s3sim.Server) {
	t.Helper()
	const seed = 42
	sim := s3sim.New(s3sim.Options{Network: profile})
	sim.PutGenerated("bkt", "obj.bin", size, seed)
	if err := sim.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	dest := filepath.Join(t.TempDir(), "obj.bin")
	opts := demoDownload(sim, "bkt", "obj.bin", dest, 16, true, nil)
	opts.StallTimeout, opts.ChunkSize = stall, chunk
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := download(ctx, opts)
	if err != nil {
		t.Fatalf("download over %q: %v", profile.Name, err)
	}
	got, err := fileSHA256(dest)
	if want := generatedSHA256(seed, size); err != nil || got != want {
		t.Fatalf("over %q: SHA-256 %s, want %s (%v)", profile.Name, got, want, err)
	}
	return res, sim
}

// TestNetworkProfiles drives every named simulated network, faults included, through the
// real client: each must deliver a 256 MiB generated object byte-identically.
func TestNetworkProfiles(t *testing.T) {
	size := int64(256 << 20)
	if testing.Short() {
		size = 32 << 20
	}
	for _, name := range netsim.Names() {
		t.Run(name, func(t *testing.T) {
			profile, err := netsim.Named(name)
			if err != nil {
				t.Fatal(err)
			}
			// 2 MiB ranges make enough requests for the flaky profile's faults to fire.
			res, sim := simDownload(t, profile, size, 2<<20, 3*time.Second)
			ns := sim.NetworkStats()
			t.Logf("%s: %d requests, %d retries, %.1f MB/s; network: %+v", name, res.Requests, res.Retries,
				float64(res.Bytes)/res.Elapsed.Seconds()/1e6, ns)
			if name == "flaky" && !testing.Short() && (res.Retries == 0 || ns.SlowDowns+ns.InternalErrors+ns.Resets+ns.Truncates == 0) {
				t.Errorf("flaky: %d retries, network %+v: want faults and retries", res.Retries, ns)
			}
		})
	}
}

// TestEachFault turns on one fault at a time, often, on an unshaped network and requires the
// download to survive it: the fault fired, the client retried, the bytes are identical.
func TestEachFault(t *testing.T) {
	const size, chunk = 48 << 20, 1 << 20
	for _, tc := range []struct {
		name  string
		set   func(*netsim.Profile)
		fired func(netsim.Stats) int64
	}{
		{"SlowDown", func(p *netsim.Profile) { p.SlowDown = 0.25 }, func(s netsim.Stats) int64 { return s.SlowDowns }},
		{"InternalError", func(p *netsim.Profile) { p.InternalError = 0.25 }, func(s netsim.Stats) int64 { return s.InternalErrors }},
		{"Reset", func(p *netsim.Profile) { p.Reset = 0.25 }, func(s netsim.Stats) int64 { return s.Resets }},
		{"Truncate", func(p *netsim.Profile) { p.Truncate = 0.25 }, func(s netsim.Stats) int64 { return s.Truncates }},
		{"Stall", func(p *netsim.Profile) { p.Stall, p.StallFor = 0.1, time.Minute }, func(s netsim.Stats) int64 { return s.Stalls }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := netsim.Profile{Name: tc.name, Seed: 7}
			tc.set(&p)
			// A stall lasts a minute; the client's stall timeout must cut it short.
			res, sim := simDownload(t, p, size, chunk, 500*time.Millisecond)
			ns := sim.NetworkStats()
			if tc.fired(ns) == 0 || res.Retries < tc.fired(ns) {
				t.Fatalf("%s fired %d times, client retried %d times: want at least one, and a retry for each", tc.name, tc.fired(ns), res.Retries)
			}
		})
	}
}
