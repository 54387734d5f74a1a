package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pget/pget/s3sim"
	"github.com/pget/pget/s3sim/netsim"
)

// TestDownloadKeepsLastModified checks that the file carries the object's Last-Modified, as
// aws s3 cp leaves it.
func TestDownloadKeepsLastModified(t *testing.T) {
	var info s3sim.ObjectInfo
	sim := startSim(t, netsim.Profile{}, func(sim *s3sim.Server) { info = sim.PutGenerated("bkt", "obj.bin", 1000, 1) })
	dest := filepath.Join(t.TempDir(), "obj.bin")
	if _, err := download(context.Background(), demoDownload(sim, "bkt", "obj.bin", dest, 4, true, nil)); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dest)
	if err != nil {
		t.Fatal(err)
	}
	// Last-Modified travels in whole seconds.
	if want := info.LastModified.Truncate(time.Second); !fi.ModTime().Equal(want) {
		t.Errorf("mtime %v, want the object's Last-Modified %v", fi.ModTime(), want)
	}
}

// TestVerboseLogsRetriesWithoutSecrets checks that -v shows each retry and its cause, and no
// secret at all.
func TestVerboseLogsRetriesWithoutSecrets(t *testing.T) {
	sim := startSim(t, netsim.Profile{Name: "slowdown", Seed: 3, SlowDown: 0.5}, func(sim *s3sim.Server) {
		sim.PutGenerated("bkt", "obj.bin", 4<<20, 1)
	})
	var log bytes.Buffer
	opts := demoDownload(sim, "bkt", "obj.bin", filepath.Join(t.TempDir(), "obj.bin"), 4, true, nil)
	opts.ChunkSize = 256 << 10
	opts.S3.Verbose, opts.S3.LogTo = true, &log
	if _, err := download(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	out := log.String()
	for _, want := range []string{"msg=retry", "SlowDown", "status=503", "status=206"} {
		if !strings.Contains(out, want) {
			t.Errorf("-v log lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{s3sim.DefaultSecretAccessKey, "Signature", "Authorization", "Credential="} {
		if strings.Contains(out, secret) {
			t.Errorf("-v log contains %q", secret)
		}
	}
}

// TestHeadIsRetried puts a proxy that answers the first two HEADs with 503 SlowDown in front
// of the simulator (whose own faults touch only GETs): the download must retry the HEAD.
func TestHeadIsRetried(t *testing.T) {
	sim := startSim(t, netsim.Profile{}, func(sim *s3sim.Server) { sim.PutGenerated("bkt", "obj.bin", 100000, 1) })
	target, err := url.Parse(sim.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var heads atomic.Int32
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead && heads.Add(1) <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	dest := filepath.Join(t.TempDir(), "obj.bin")
	opts := demoDownload(sim, "bkt", "obj.bin", dest, 4, true, nil)
	opts.S3.EndpointURL = front.URL
	res, err := download(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if heads.Load() != 3 || res.Retries != 0 {
		t.Errorf("%d HEADs, %d range retries: want 3 HEADs (two refused) and no range retries", heads.Load(), res.Retries)
	}
	requireSameBytes(t, dest, generated(1, 100000))
}

// generated returns the simulator's generated object of seed and size.
func generated(seed, size int64) []byte {
	b := make([]byte, size)
	s3sim.Generate(seed, 0, b)
	return b
}

// TestSecondRunToSameDestIsRefused holds the first download inside its first GET and starts a
// second to the same DEST: the second must refuse, and the first must finish intact.
func TestSecondRunToSameDestIsRefused(t *testing.T) {
	const size = 3 << 20
	inside, release := make(chan struct{}), make(chan struct{})
	sim := startSim(t, netsim.Profile{}, func(sim *s3sim.Server) {
		sim.PutGenerated("bkt", "obj.bin", size, 1)
		sim.OnGet("bkt", "obj.bin", 1, func() { close(inside); <-release })
	})
	dest := filepath.Join(t.TempDir(), "obj.bin")
	first := make(chan error, 1)
	go func() {
		opts := demoDownload(sim, "bkt", "obj.bin", dest, 1, true, nil)
		opts.ChunkSize = 1 << 20
		_, err := download(context.Background(), opts)
		first <- err
	}()
	<-inside
	_, err := download(context.Background(), demoDownload(sim, "bkt", "obj.bin", dest, 1, true, nil))
	close(release)
	if want := "another pget is already downloading to " + dest; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("second run: %v, want %q", err, want)
	}
	if err := <-first; err != nil {
		t.Fatalf("first run: %v", err)
	}
	requireSameBytes(t, dest, generated(1, size))
}
