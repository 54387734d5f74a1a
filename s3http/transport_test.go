package s3http

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestNewTransportSettings(t *testing.T) {
	tr, err := NewTransport(TransportOptions{MaxConnsPerHost: 64})
	if err != nil {
		t.Fatal(err)
	}
	if !tr.DisableCompression || tr.ForceAttemptHTTP2 || tr.Proxy == nil ||
		tr.MaxIdleConnsPerHost != 64 || tr.MaxIdleConns != 100 || tr.MaxConnsPerHost != 0 ||
		tr.ResponseHeaderTimeout != 0 || tr.TLSHandshakeTimeout.Seconds() != 10 || tr.IdleConnTimeout.Seconds() != 90 {
		t.Errorf("transport settings: %+v", tr)
	}
	if tr.Protocols == nil || tr.Protocols.HTTP2() || !tr.Protocols.HTTP1() {
		t.Errorf("Protocols = %v, want HTTP/1 only", tr.Protocols)
	}
	tr, err = NewTransport(TransportOptions{MaxConnsPerHost: 500})
	if err != nil {
		t.Fatal(err)
	}
	if tr.MaxIdleConnsPerHost != 500 || tr.MaxIdleConns != 500 {
		t.Errorf("idle pool %d per host, %d total; want 500, 500", tr.MaxIdleConnsPerHost, tr.MaxIdleConns)
	}
	tr, _ = NewTransport(TransportOptions{})
	if tr.MaxIdleConnsPerHost != 16 {
		t.Errorf("MaxIdleConnsPerHost = %d with no option, want 16", tr.MaxIdleConnsPerHost)
	}
}

// TestCABundle checks that a server whose certificate is only in the bundle is trusted with
// it, not without it, and that it is reached over HTTP/1.1 even though it offers HTTP/2.
func TestCABundle(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusting client's handshake failure
	srv.StartTLS()
	defer srv.Close()
	dir := t.TempDir()
	bundle := filepath.Join(dir, "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(bundle, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}

	tr, err := NewTransport(TransportOptions{CABundle: bundle})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if err != nil {
		t.Fatalf("GET with the bundle: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if string(body) != "HTTP/1.1" {
		t.Errorf("server saw protocol %q, want HTTP/1.1", body)
	}

	plain, err := NewTransport(TransportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = (&http.Client{Transport: plain}).Get(srv.URL)
	var unknown x509.UnknownAuthorityError
	if err == nil || !errors.As(err, &unknown) {
		t.Errorf("GET without the bundle: err = %v, want an unknown-authority error", err)
	}

	missing := filepath.Join(dir, "nope.pem")
	_, err = NewTransport(TransportOptions{CABundle: missing})
	if want := "read CA bundle: open " + missing + ": no such file or directory; check the --ca-bundle or AWS_CA_BUNDLE path"; err == nil || err.Error() != want {
		t.Errorf("missing bundle: err = %v, want %q", err, want)
	}
	empty := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(empty, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = NewTransport(TransportOptions{CABundle: empty})
	if want := "CA bundle " + empty + " holds no PEM certificates; give a file of -----BEGIN CERTIFICATE----- blocks"; err == nil || err.Error() != want {
		t.Errorf("empty bundle: err = %v, want %q", err, want)
	}
}

// TestDrainedConnectionsAreReused counts TCP connections: ranged GETs whose bodies are drained,
// and error answers, all go over one keep-alive connection.
func TestDrainedConnectionsAreReused(t *testing.T) {
	var mu sync.Mutex
	conns := 0
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/missing") {
			s3Error(w, 404, "NoSuchKey", "The specified key does not exist.", "R", "")
			return
		}
		w.Header().Set("Content-Range", "bytes 0-999/1000")
		w.WriteHeader(http.StatusPartialContent)
		_, _ = w.Write(objectBytes)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			conns++
			mu.Unlock()
		}
	}
	srv.Start()
	defer srv.Close()
	tr, err := NewTransport(TransportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.CloseIdleConnections()
	c := &Client{HTTP: &http.Client{Transport: tr}}
	o := &Object{Client: c, Loc: directLoc(t, srv, "/b/k")}
	for i := 0; i < 5; i++ {
		body, err := o.GetRange(context.Background(), 0, 1000, "")
		if err != nil {
			t.Fatal(err)
		}
		// Read only part of it, as a cancelled range would, then drain.
		if _, err := io.ReadFull(body, make([]byte, 100)); err != nil {
			t.Fatal(err)
		}
		DrainClose(body)
		missing := &Object{Client: c, Loc: directLoc(t, srv, "/b/missing")}
		if _, err := missing.GetRange(context.Background(), 0, 10, ""); err == nil {
			t.Fatal("GET of a missing key succeeded")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if conns != 1 {
		t.Errorf("%d connections for 10 requests, want 1", conns)
	}
	if n := c.Requests.Load(); n != 10 {
		t.Errorf("Requests = %d, want 10", n)
	}
}
