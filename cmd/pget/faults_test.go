package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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
	sim := startSim(t, profile, func(sim *s3sim.Server) { sim.PutGenerated("bkt", "obj.bin", size, seed) })
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

// startSim starts a simulator on profile after setup has filled it, for the life of the test.
func startSim(t *testing.T, profile netsim.Profile, setup func(*s3sim.Server)) *s3sim.Server {
	t.Helper()
	sim := s3sim.New(s3sim.Options{Network: profile})
	setup(sim)
	if err := sim.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim
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

// TestObjectReplacedDuringDownload replaces the object after the third GET: If-Match must stop
// the download with a clear error rather than mix two versions, leaving DEST absent and the
// bytes fetched so far in the partial file.
func TestObjectReplacedDuringDownload(t *testing.T) {
	sim := startSim(t, netsim.Profile{}, func(sim *s3sim.Server) {
		sim.PutGenerated("bkt", "obj.bin", 8<<20, 1)
		sim.OnGet("bkt", "obj.bin", 3, func() { sim.PutGenerated("bkt", "obj.bin", 8<<20, 2) })
	})
	dest := filepath.Join(t.TempDir(), "obj.bin")
	opts := demoDownload(sim, "bkt", "obj.bin", dest, 1, true, nil)
	opts.ChunkSize = 1 << 20
	_, err := download(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "the object changed during the download") {
		t.Fatalf("error %v, want one saying the object changed", err)
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Errorf("%s exists after a failed download (%v)", dest, err)
	}
	if fi, err := os.Stat(dest + ".pget-partial"); err != nil || fi.Size() != 8<<20 {
		t.Errorf("partial file: %v, %v; want it kept at full size", fi, err)
	}
}

// TestInterruptedDownloadKeepsPartial cancels a download midway, as Ctrl-C does: the error
// names the partial file, which is kept, and DEST does not appear.
func TestInterruptedDownloadKeepsPartial(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sim := startSim(t, netsim.Profile{}, func(sim *s3sim.Server) {
		sim.PutGenerated("bkt", "obj.bin", 8<<20, 1)
		sim.OnGet("bkt", "obj.bin", 4, cancel)
	})
	dest := filepath.Join(t.TempDir(), "obj.bin")
	opts := demoDownload(sim, "bkt", "obj.bin", dest, 1, true, nil)
	opts.ChunkSize = 1 << 20
	_, err := download(ctx, opts)
	if err == nil || err.Error() != "interrupted; the partial download is kept in "+dest+".pget-partial" {
		t.Fatalf("error %v, want it to name the partial file", err)
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Errorf("%s exists after an interrupted download (%v)", dest, err)
	}
	if _, err := os.Stat(dest + ".pget-partial"); err != nil {
		t.Errorf("partial file: %v; want it kept", err)
	}
}
