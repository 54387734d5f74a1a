package netsim

import (
	"io"
	"net/http"
	"strconv"
	"testing"
)

// stream serves size bytes from a reused buffer, as the simulator serves a generated object.
func stream(size int64) http.Handler {
	buf := testData(1<<20, 13)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		for left := size; left > 0; {
			n := min(left, int64(len(buf)))
			if _, err := w.Write(buf[:n]); err != nil {
				return
			}
			left -= n
		}
	})
}

// benchGet downloads size bytes through a server shaped by p and reports MB/s.
func benchGet(b *testing.B, p Profile, size int64) {
	ts, c := serve(b, New(p), stream(size))
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		resp, err := c.Get(ts.URL)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != size {
			b.Fatalf("read %d bytes, %v", n, err)
		}
	}
}

// BenchmarkLan serves 1 GiB through Handler with the zero Profile over loopback: the unshaped
// simulator must not be the bottleneck (want well over 2 GB/s).
func BenchmarkLan(b *testing.B) { benchGet(b, Profile{}, 1<<30) }

// BenchmarkS3OneConn downloads 64 MiB over one connection of the s3 profile: expect about its
// 80 MB/s per connection, which checks the pacing against the real clock.
func BenchmarkS3OneConn(b *testing.B) { benchGet(b, S3(), 64<<20) }

// BenchmarkS3Parallel16 downloads 1 GiB as 16 concurrent 64 MiB GETs on the s3 profile, as
// `pget demo` does: expect the 1.25 GB/s aggregate cap or the machine's own limit.
func BenchmarkS3Parallel16(b *testing.B) {
	const conns, size = 16, 64 << 20
	ts, c := serve(b, New(S3()), stream(size))
	b.SetBytes(conns * size)
	for b.Loop() {
		errs := make(chan error, conns)
		for range conns {
			go func() {
				resp, err := c.Get(ts.URL)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				errs <- err
			}()
		}
		for range conns {
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
	}
}
