package main

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/pget/pget/s3sim"
)

// BenchmarkDownload measures a whole download (HEAD, plan, 16 parallel ranged GETs, write,
// fsync, rename) of a 1 GiB generated object from the simulator on loopback with no shaping,
// so the client is the limit. It reports MB/s and the process's CPU seconds per GiB; the
// simulator runs in the same process, so that figure covers both ends of the connection.
//
//	go test -run=^$ -bench=Download -benchtime=3x ./cmd/pget/
func BenchmarkDownload(b *testing.B) {
	const size = 1 << 30
	sim := s3sim.New(s3sim.Options{})
	sim.PutGenerated("bkt", "obj.bin", size, 1)
	if err := sim.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer sim.Close()
	dir := b.TempDir()
	b.SetBytes(size)
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		dest := filepath.Join(dir, "obj.bin")
		opts := demoDownload(sim, "bkt", "obj.bin", dest, 16, true, nil)
		if _, err := download(context.Background(), opts); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.Remove(dest)
		b.StartTimer()
	}
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/GiB")
}

// cpuTime is the user plus system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
