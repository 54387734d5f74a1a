// Package versitygw starts a real versitygw S3 gateway (a posix backend in a temporary
// directory, on a free 127.0.0.1 port) for integration tests, and puts objects into it with
// pget's own signer. Tests that need it skip when the binary is missing, except under CI=true,
// where a missing versitygw fails the run.
package versitygw

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pget/pget/sigv4"
)

// Root keys the gateway is started with.
const (
	AccessKeyID     = "PGETTESTROOTKEY"
	SecretAccessKey = "pgetTestRootSecret/versitygw0123456789"
	Region          = "us-east-1"
)

// Server is a running versitygw.
type Server struct {
	URL string // "http://127.0.0.1:PORT"
	Dir string // the posix backend's root
}

// Binary returns the path of the versitygw binary: $VERSITYGW, else versitygw on PATH, else
// $GOPATH/bin/versitygw; "" when there is none.
func Binary() string {
	if p := os.Getenv("VERSITYGW"); p != "" {
		return p
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		home, _ := os.UserHomeDir()
		gopath = filepath.Join(home, "go")
	}
	p := filepath.Join(gopath, "bin", "versitygw")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return ""
}

// Start runs versitygw for the life of the test (stopped by t.Cleanup).
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binary()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("versitygw is not installed (CI=true requires it): go install github.com/versity/versitygw/cmd/versitygw@v1.8.0")
		}
		t.Skip("versitygw not installed; go install github.com/versity/versitygw/cmd/versitygw@v1.8.0")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	logf, err := os.Create(filepath.Join(dir, "versitygw.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--port", addr, "--keep-alive", "--quiet", "--region", Region, "posix", data)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY_ID="+AccessKeyID, "ROOT_SECRET_ACCESS_KEY="+SecretAccessKey)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start versitygw: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		logf.Close()
	})
	if err := waitListening(addr, exited); err != nil {
		out, _ := os.ReadFile(logf.Name())
		t.Fatalf("versitygw did not start: %v\n%s", err, out)
	}
	return &Server{URL: "http://" + addr, Dir: data}
}

func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitListening polls addr until it accepts a connection, the process exits, or 30 s pass.
func waitListening(addr string, exited <-chan struct{}) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("versitygw exited")
		default:
		}
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("nothing listening on %s after 30s", addr)
}

// CreateBucket creates a bucket, failing the test on error.
func (s *Server) CreateBucket(t testing.TB, name string) {
	t.Helper()
	if err := s.do(http.MethodPut, "/"+name, nil); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
}

// Put stores data under bucket/key, failing the test on error.
func (s *Server) Put(t testing.TB, bucket, key string, data []byte) {
	t.Helper()
	if err := s.do(http.MethodPut, "/"+bucket+"/"+key, data); err != nil {
		t.Fatalf("put s3://%s/%s: %v", bucket, key, err)
	}
}

// do sends one signed request whose path is the decoded path p.
func (s *Server) do(method, p string, body []byte) error {
	u, err := url.Parse(s.URL)
	if err != nil {
		return err
	}
	u.Path = p
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.URL.Path, req.URL.RawPath = p, ""
	req.ContentLength = int64(len(body))
	signer := &sigv4.Signer{Region: Region, Service: "s3"}
	creds := sigv4.Credentials{AccessKeyID: AccessKeyID, SecretAccessKey: SecretAccessKey}
	if err := signer.Sign(req, creds, sigv4.UnsignedPayload, time.Now()); err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(msg)))
	}
	return nil
}
