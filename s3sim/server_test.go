package s3sim

import (
	"io"
	"net/http"
	"testing"
)

func TestStartClose(t *testing.T) {
	s := New(Options{})
	if err := s.Close(); err != nil { // before Start: a no-op
		t.Fatal(err)
	}
	s = New(Options{})
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	s.PutGenerated("bkt", "big", 1<<30, 3)
	s.SetPublic("bkt", true)
	resp, err := http.Get(s.URL() + "/bkt/big")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	head := make([]byte, 1000)
	if _, err := io.ReadFull(resp.Body, head); err != nil {
		t.Fatal(err)
	}
	want := make([]byte, 1000)
	Generate(3, 0, want)
	if string(head) != string(want) {
		t.Fatal("body through netsim differs from Generate")
	}
	if s.Stats().Active != 1 {
		t.Fatalf("Active = %d during a download", s.Stats().Active)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	// Close cut the running download: the body ends with an error before 1 GiB.
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil || n >= 1<<30-1000 {
		t.Fatalf("download survived Close: %d bytes, %v", n, err)
	}
	if _, err := http.Get(s.URL() + "/bkt/big"); err == nil {
		t.Fatal("server still answers after Close")
	}
	if err := s.Start("127.0.0.1:0"); err == nil {
		t.Fatal("Start after Close succeeded")
	}
}

func TestOnGetReplacesObject(t *testing.T) {
	s, url := newTest(t, Options{})
	v1 := s.PutBytes("bkt", "k", []byte("first"))
	var v2 ObjectInfo
	s.OnGet("bkt", "k", 2, func() { v2 = s.PutBytes("bkt", "k", []byte("second")) })
	var got []string
	for range 3 {
		resp, body := do(t, sign(t, newReq(t, "GET", url+"/bkt/k", nil), nil))
		got = append(got, resp.Header.Get("ETag")+" "+string(body))
	}
	want := []string{v1.ETag + " first", v2.ETag + " second", v2.ETag + " second"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("GET %d = %q, want %q", i+1, got[i], want[i])
		}
	}
	do(t, sign(t, newReq(t, "HEAD", url+"/bkt/k", nil), nil))
	if n := s.GetCount("bkt", "k"); n != 3 {
		t.Fatalf("GetCount = %d, want 3 (HEAD not counted)", n)
	}
	st := s.Stats()
	if st.Requests["GET"] != 3 || st.Requests["HEAD"] != 1 || st.BytesSent != 5+6+6 || st.Active != 0 || st.MaxActive != 1 {
		t.Fatalf("stats %+v", st)
	}
	s.ResetStats()
	if st := s.Stats(); st.Requests["GET"] != 0 || st.BytesSent != 0 {
		t.Fatalf("stats after reset %+v", st)
	}
}

func TestVirtualHostStyle(t *testing.T) {
	s, url := newTest(t, Options{})
	s.PutBytes("bkt", "dir/k", []byte("vh"))
	req := newReq(t, "GET", url+"/dir/k", nil)
	req.Host = "bkt.s3.example.com"
	resp, body := do(t, sign(t, req, nil))
	if resp.StatusCode != 200 || string(body) != "vh" {
		t.Fatalf("virtual-host GET: %d %s", resp.StatusCode, body)
	}
}

func TestCloseWaitsForHandlers(t *testing.T) {
	s := New(Options{})
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	s.PutBytes("bkt", "k", []byte("hello"))
	s.SetPublic("bkt", true)
	entered, release := make(chan struct{}), make(chan struct{})
	s.OnGet("bkt", "k", 1, func() { close(entered); <-release })
	got := make(chan error, 1)
	go func() {
		resp, err := http.Get(s.URL() + "/bkt/k")
		if err == nil {
			resp.Body.Close()
		}
		got <- err
	}()
	<-entered
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	// The client's error shows that Close has cut the connection; the handler is still held.
	if err := <-got; err == nil {
		t.Fatal("GET succeeded across Close")
	}
	select {
	case <-closed:
		t.Fatal("Close returned while a handler was still running")
	default:
	}
	close(release)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if a := s.Stats().Active; a != 0 {
		t.Fatalf("Active = %d after Close: a handler outlived it", a)
	}
}

func TestSubresources(t *testing.T) {
	s, url := newTest(t, Options{Region: "eu-west-3"})
	s.PutBytes("bkt", "k", []byte("hello"))
	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		return do(t, signWith(t, newReq(t, "GET", url+path, nil), nil, defaultCreds, "eu-west-3", testTime))
	}
	for _, path := range []string{"/bkt/k?attributes", "/bkt/k?tagging", "/bkt?versions", "/bkt?uploads", "/bkt/k?acl"} {
		resp, body := get(path)
		wantError(t, resp, body, 501, "NotImplemented")
	}
	resp, body := get("/bkt?location")
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-3</LocationConstraint>`
	if resp.StatusCode != 200 || string(body) != want {
		t.Fatalf("GetBucketLocation: %d %s", resp.StatusCode, body)
	}
	resp, body = get("/nobucket?location")
	wantError(t, resp, body, 404, "NoSuchBucket")
}
