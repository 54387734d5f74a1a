package s3http

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/pget/pget/endpoint"
	"github.com/pget/pget/sigv4"
)

// TestDoRedirects checks that a request for an S3 location never follows a redirect (the
// signature is bound to the host; Head handles regions) while a direct URL does.
func TestDoRedirects(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		if r.URL.Path == "/elsewhere" {
			_, _ = w.Write([]byte("moved"))
			return
		}
		w.Header().Set("Location", "/elsewhere")
		w.Header().Set("X-Amz-Bucket-Region", "eu-west-1")
		s3Error(w, http.StatusTemporaryRedirect, "TemporaryRedirect", "Please re-send this request to the specified temporary endpoint.", "R", "")
	}))
	defer srv.Close()
	c, _ := newClient(srv)

	resp, err := c.Do(context.Background(), "GET", directLoc(t, srv, "/b/k"), nil)
	if err != nil {
		t.Fatalf("direct URL: %v", err)
	}
	DrainClose(resp.Body)

	ep, _ := url.Parse(srv.URL)
	_, err = c.Do(context.Background(), "GET", endpoint.Location{Bucket: "b", Key: "k", Endpoint: ep, PathStyle: true}, nil)
	var e *Error
	if !errors.As(err, &e) || e.Code != "TemporaryRedirect" || e.Region != "eu-west-1" {
		t.Errorf("S3 location: err = %v, want the 307 TemporaryRedirect as *Error", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := "[/b/k /elsewhere /b/k]"; fmt.Sprint(paths) != want {
		t.Errorf("paths asked %v, want %s", paths, want)
	}
}

// TestDoEncodesKeyLikeSigV4 checks that an anonymous request for an S3 location encodes the key
// as a signed one would: '+', '!' and spaces percent-encoded, '/' kept.
func TestDoEncodesKeyLikeSigV4(t *testing.T) {
	var mu sync.Mutex
	var uri string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		uri = r.RequestURI
		mu.Unlock()
	}))
	defer srv.Close()
	c, _ := newClient(srv)
	ep, _ := url.Parse(srv.URL)
	resp, err := c.Do(context.Background(), "HEAD", endpoint.Location{Bucket: "b", Key: "dir/a b+c!(d)~.txt", Endpoint: ep, PathStyle: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	DrainClose(resp.Body)
	mu.Lock()
	defer mu.Unlock()
	if want := "/b/dir/a%20b%2Bc%21%28d%29~.txt"; uri != want {
		t.Errorf("request URI %q, want %q", uri, want)
	}
}

func TestDoCredentialsError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	c, _ := newClient(srv)
	boom := errors.New("no credentials found: set AWS_ACCESS_KEY_ID")
	c.Credentials = func(context.Context) (sigv4.Credentials, error) { return sigv4.Credentials{}, boom }
	ep, _ := url.Parse(srv.URL)
	_, err := c.Do(context.Background(), "GET", endpoint.Location{Bucket: "b", Key: "k", Endpoint: ep, PathStyle: true}, nil)
	if want := "credentials for s3://b/k: no credentials found: set AWS_ACCESS_KEY_ID"; err == nil || err.Error() != want || !errors.Is(err, boom) {
		t.Errorf("err = %v, want %q wrapping the cause", err, want)
	}
	if n := c.Requests.Load(); n != 0 {
		t.Errorf("Requests = %d, want none sent", n)
	}
}

// TestDoSendsClientHeader checks that Client.Header goes, signed, with requests to S3
// locations and not with direct URLs.
func TestDoSendsClientHeader(t *testing.T) {
	var mu sync.Mutex
	var payer, auth []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		payer = append(payer, r.Header.Get("X-Amz-Request-Payer"))
		auth = append(auth, r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	c, _ := newClient(srv)
	c.Header = http.Header{"X-Amz-Request-Payer": {"requester"}}
	c.Credentials = func(context.Context) (sigv4.Credentials, error) {
		return sigv4.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, nil
	}
	for _, loc := range []endpoint.Location{s3Loc(t, srv), directLoc(t, srv, "/b/k?X-Amz-Signature=x")} {
		resp, err := c.Do(context.Background(), "HEAD", loc, nil)
		if err != nil {
			t.Fatal(err)
		}
		DrainClose(resp.Body)
	}
	mu.Lock()
	defer mu.Unlock()
	if payer[0] != "requester" || !strings.Contains(auth[0], "x-amz-request-payer") {
		t.Errorf("S3 location: payer %q, Authorization %q: want the header sent and signed", payer[0], auth[0])
	}
	if payer[1] != "" {
		t.Errorf("direct URL: payer %q, want none", payer[1])
	}
}
