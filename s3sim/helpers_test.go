package s3sim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pget/pget/sigv4"
)

// testClock is a fixed clock for the server and the signer.
var testTime = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// newTest returns a server with a fixed clock, serving through httptest (no netsim).
func newTest(t *testing.T, opts Options) (*Server, string) {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return testTime }
	}
	s := New(opts)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}

// defaultCreds are the server's default keys.
var defaultCreds = sigv4.Credentials{AccessKeyID: DefaultAccessKeyID, SecretAccessKey: DefaultSecretAccessKey}

// newReq builds a request with an optional body and headers (pairs of name, value).
func newReq(t *testing.T, method, url string, body []byte, hdr ...string) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return req
}

// sign signs req with the default keys at testTime, hashing body.
func sign(t *testing.T, req *http.Request, body []byte) *http.Request {
	t.Helper()
	return signWith(t, req, body, defaultCreds, DefaultRegion, testTime)
}

// signWith signs req with the given keys, region and time.
func signWith(t *testing.T, req *http.Request, body []byte, creds sigv4.Credentials, region string, at time.Time) *http.Request {
	t.Helper()
	h := sha256.Sum256(body)
	if err := (&sigv4.Signer{Region: region}).Sign(req, creds, hex.EncodeToString(h[:]), at); err != nil {
		t.Fatal(err)
	}
	return req
}

// do sends req and returns the response with its body read.
func do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// s3ErrorBody is the parsed XML of an error answer.
type s3ErrorBody struct {
	Code, Message, Resource, RequestId, HostId, Region, Condition string
}

// parseError parses an error body, failing the test if it is not S3's shape.
func parseError(t *testing.T, body []byte) s3ErrorBody {
	t.Helper()
	var e s3ErrorBody
	if err := xml.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body is not XML: %v: %q", err, body)
	}
	return e
}

// wantError checks an error answer's status and code.
func wantError(t *testing.T, resp *http.Response, body []byte, status int, code string) s3ErrorBody {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status = %d, want %d (body %q)", resp.StatusCode, status, body)
	}
	e := parseError(t, body)
	if e.Code != code {
		t.Fatalf("code = %q, want %q (message %q)", e.Code, code, e.Message)
	}
	if e.RequestId == "" || e.RequestId != resp.Header.Get("x-amz-request-id") {
		t.Fatalf("RequestId %q does not match header %q", e.RequestId, resp.Header.Get("x-amz-request-id"))
	}
	if e.HostId == "" || e.HostId != resp.Header.Get("x-amz-id-2") {
		t.Fatalf("HostId %q does not match header x-amz-id-2 %q", e.HostId, resp.Header.Get("x-amz-id-2"))
	}
	return e
}

// newHTTPTest serves s through httptest (no netsim) and returns the base URL.
func newHTTPTest(t *testing.T, s *Server) string {
	t.Helper()
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts.URL
}
