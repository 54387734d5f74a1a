package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
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
