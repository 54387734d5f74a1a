package s3sim

import (
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
)

// BenchmarkServeGenerated measures the simulator's GET throughput: a started server (zero,
// unshaped network profile) on 127.0.0.1, 4 parallel plain-HTTP clients each reading a 64 MiB
// range of a generated object and discarding it. MB/s is the aggregate served rate.
func BenchmarkServeGenerated(b *testing.B) {
	const clients, chunk = 4, 64 << 20
	s := New(Options{})
	if err := s.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.PutGenerated("bench", "obj", 10<<30, 1)
	s.SetPublic("bench", true)
	tr := &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	buf := make([][]byte, clients)
	for i := range buf {
		buf[i] = make([]byte, 256<<10)
	}
	get := func(c int, off int64) error {
		req, _ := http.NewRequest("GET", s.URL()+"/bench/obj", nil)
		req.Header.Set("Range", "bytes="+strconv.FormatInt(off, 10)+"-"+strconv.FormatInt(off+chunk-1, 10))
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{resp.Body}, buf[c])
		if err == nil && n != chunk {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	b.SetBytes(clients * chunk)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		var wg sync.WaitGroup
		errs := make([]error, clients)
		for c := range clients {
			wg.Go(func() { errs[c] = get(c, int64((i*clients+c)%150)*chunk) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
