package s3http

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pget/pget/endpoint"
	"github.com/pget/pget/sigv4"
)

// objectBytes is the fake object the range tests serve.
var objectBytes = func() []byte {
	b := make([]byte, 1000)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}()

func TestGetRange(t *testing.T) {
	var gotRange, gotIfMatch string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotRange, gotIfMatch = r.Header.Get("Range"), r.Header.Get("If-Match")
		w.Header().Set("Content-Range", "bytes 100-349/1000")
		w.WriteHeader(http.StatusPartialContent)
		_, _ = w.Write(objectBytes[100:350])
	}))
	defer srv.Close()
	c, _ := newClient(srv)
	o := &Object{Client: c, Loc: directLoc(t, srv, "/b/k")}
	body, err := o.GetRange(context.Background(), 100, 250, `"etag1"`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(body)
	_ = body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(got) != sha256.Sum256(objectBytes[100:350]) {
		t.Errorf("body is not bytes 100-349 of the object")
	}
	if gotRange != "bytes=100-349" || gotIfMatch != `"etag1"` {
		t.Errorf("Range, If-Match = %q, %q; want bytes=100-349, \"etag1\"", gotRange, gotIfMatch)
	}

	if _, err := o.GetRange(context.Background(), 100, 250, ""); err != nil {
		t.Fatal(err)
	}
	if gotIfMatch != "" {
		t.Errorf("If-Match = %q sent without an ETag, want none", gotIfMatch)
	}
}

func TestGetRangeRejectsWrongAnswers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ignored": // a server that does not do ranges
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(objectBytes)
		case "/shifted":
			w.Header().Set("Content-Range", "bytes 0-9/1000")
			w.WriteHeader(http.StatusPartialContent)
			_, _ = w.Write(objectBytes[0:10])
		case "/garbled":
			w.Header().Set("Content-Range", "items 10-19/1000")
			w.WriteHeader(http.StatusPartialContent)
			_, _ = w.Write(objectBytes[10:20])
		case "/missing":
			w.WriteHeader(http.StatusPartialContent)
			_, _ = w.Write(objectBytes[10:20])
		case "/short":
			w.Header().Set("Content-Range", "bytes 10-19/1000")
			w.Header().Set("Content-Length", "5")
			w.WriteHeader(http.StatusPartialContent)
			_, _ = w.Write(objectBytes[10:15])
		case "/changed":
			s3Error(w, 412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", "R412", "")
		}
	}))
	defer srv.Close()
	c, _ := newClient(srv)
	for _, tc := range []struct{ path, code, want string }{
		{"/ignored", "RangeNotHonored", "RangeNotHonored: asked for bytes 10-19 and got status 200 instead of 206 Partial Content; the server does not support ranged GETs (HTTP 200, GET %s/ignored)"},
		{"/shifted", "ContentRangeMismatch", `ContentRangeMismatch: asked for bytes 10-19 and got Content-Range "bytes 0-9/1000"; the server sent other bytes than requested (HTTP 206, GET %s/shifted)`},
		{"/garbled", "ContentRangeMismatch", `ContentRangeMismatch: asked for bytes 10-19 and got Content-Range "items 10-19/1000"; the server sent other bytes than requested (HTTP 206, GET %s/garbled)`},
		{"/missing", "ContentRangeMismatch", `ContentRangeMismatch: asked for bytes 10-19 and got Content-Range ""; the server sent other bytes than requested (HTTP 206, GET %s/missing)`},
		{"/short", "ContentRangeMismatch", `ContentRangeMismatch: asked for bytes 10-19 (10 bytes) and got Content-Length 5 (HTTP 206, GET %s/short)`},
		{"/changed", "PreconditionFailed", `PreconditionFailed: the object changed during the download (its ETag no longer matches "e1"); download it again from the start (HTTP 412, GET %s/changed)`},
	} {
		o := &Object{Client: c, Loc: directLoc(t, srv, tc.path)}
		body, err := o.GetRange(context.Background(), 10, 10, `"e1"`)
		var e *Error
		if body != nil || !errors.As(err, &e) {
			t.Fatalf("%s: got %v, %v; want *Error", tc.path, body, err)
		}
		if want := fmt.Sprintf(tc.want, srv.URL); e.Code != tc.code || err.Error() != want {
			t.Errorf("%s: error %q\nwant %q", tc.path, err, want)
		}
		if e.Retryable() {
			t.Errorf("%s: error is retryable, want final", tc.path)
		}
	}
}

func TestGetRangeArguments(t *testing.T) {
	o := &Object{Client: &Client{HTTP: http.DefaultClient}}
	for _, tc := range []struct{ off, n int64 }{{0, 0}, {-1, 5}, {5, -1}} {
		_, err := o.GetRange(context.Background(), tc.off, tc.n, "")
		want := fmt.Sprintf("GetRange of %d bytes at offset %d: want a positive length at a non-negative offset", tc.n, tc.off)
		if err == nil || err.Error() != want {
			t.Errorf("GetRange(%d, %d) = %v, want %q", tc.off, tc.n, err, want)
		}
	}
	if n := o.Client.Requests.Load(); n != 0 {
		t.Errorf("Requests = %d, want none sent", n)
	}
}

func TestParseContentRange(t *testing.T) {
	for _, tc := range []struct {
		in          string
		first, last int64
		ok          bool
	}{
		{"bytes 0-9/10", 0, 9, true},
		{"bytes 5-5/*", 5, 5, true},
		{"bytes 0-9/9", 0, 0, false}, // total must exceed last
		{"bytes 9-0/10", 0, 0, false},
		{"bytes -1-9/10", 0, 0, false},
		{"bytes 0-9", 0, 0, false},
		{"bytes */10", 0, 0, false},
		{"0-9/10", 0, 0, false},
	} {
		f, l, ok := parseContentRange(tc.in)
		if f != tc.first || l != tc.last || ok != tc.ok {
			t.Errorf("parseContentRange(%q) = %d, %d, %v; want %d, %d, %v", tc.in, f, l, ok, tc.first, tc.last, tc.ok)
		}
	}
}

func TestRedirectRegion(t *testing.T) {
	s3 := endpoint.Location{Bucket: "b", Key: "k"}
	inEU := endpoint.Location{Bucket: "b", Key: "k", Region: "eu-west-1"}
	direct := endpoint.Location{Direct: &url.URL{Scheme: "https", Host: "h", Path: "/k"}}
	for _, tc := range []struct {
		name   string
		loc    endpoint.Location
		err    error
		region string
		ok     bool
	}{
		{"301 elsewhere", s3, &Error{StatusCode: 301, Region: "eu-west-1"}, "eu-west-1", true},
		{"307 elsewhere", s3, &Error{StatusCode: 307, Region: "eu-west-1"}, "eu-west-1", true},
		{"400 malformed", s3, &Error{StatusCode: 400, Code: "AuthorizationHeaderMalformed", Region: "eu-west-1"}, "eu-west-1", true},
		{"wrapped", s3, fmt.Errorf("x: %w", &Error{StatusCode: 301, Region: "ap-south-1"}), "ap-south-1", true},
		{"same region", inEU, &Error{StatusCode: 301, Region: "eu-west-1"}, "eu-west-1", false},
		{"default region", s3, &Error{StatusCode: 301, Region: "us-east-1"}, "us-east-1", false},
		{"no region", s3, &Error{StatusCode: 301}, "", false},
		{"403", s3, &Error{StatusCode: 403, Region: "eu-west-1"}, "", false},
		{"direct", direct, &Error{StatusCode: 301, Region: "eu-west-1"}, "", false},
		{"not an Error", s3, errors.New("boom"), "", false},
		{"no error", s3, nil, "", false},
	} {
		region, ok := redirectRegion(tc.err, tc.loc)
		if ok != tc.ok || (ok && region != tc.region) {
			t.Errorf("%s: got %q, %v; want %q, %v", tc.name, region, ok, tc.region, tc.ok)
		}
	}
}

// regionOf reads the region from a SigV4 Authorization header's credential scope.
func regionOf(auth string) string {
	_, cred, _ := strings.Cut(auth, "Credential=")
	parts := strings.Split(cred, "/")
	if len(parts) < 3 {
		return ""
	}
	return parts[2]
}

// TestHeadFollowsRegionOnce needs endpoint and sigv4 (the fake S3 reads the signing region).
func TestHeadFollowsRegionOnce(t *testing.T) {
	var regions []string
	var answer string // region the fake S3 says the bucket is in; "" = wherever asked
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := regionOf(r.Header.Get("Authorization"))
		regions = append(regions, got)
		want := answer
		if want == "" {
			want = got + "-other" // never satisfied
		}
		if got != want {
			w.Header().Set("X-Amz-Bucket-Region", want)
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		w.Header().Set("Content-Length", "1000")
	}))
	defer srv.Close()
	ep, _ := url.Parse(srv.URL)
	creds := func(context.Context) (sigv4.Credentials, error) {
		return sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}, nil
	}
	c := &Client{HTTP: srv.Client(), Credentials: creds, Now: func() time.Time { return time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC) }}

	func() {
		answer = "eu-west-1"
		o := &Object{Client: c, Loc: endpoint.Location{Bucket: "b", Key: "k", Endpoint: ep, PathStyle: true}}
		resp, err := o.Head(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		DrainClose(resp.Body)
		if fmt.Sprint(regions) != "[us-east-1 eu-west-1]" || o.Loc.Region != "eu-west-1" {
			t.Errorf("regions asked %v, Loc.Region %q; want [us-east-1 eu-west-1], eu-west-1", regions, o.Loc.Region)
		}

		// A second redirect is not followed: Head gives up with the 301.
		regions, answer = nil, ""
		o = &Object{Client: c, Loc: endpoint.Location{Bucket: "b", Key: "k", Endpoint: ep, PathStyle: true}}
		_, err = o.Head(context.Background(), nil)
		var e *Error
		if !errors.As(err, &e) || e.StatusCode != 301 || len(regions) != 2 {
			t.Errorf("got %v after regions %v; want a 301 *Error after 2 requests", err, regions)
		}
	}()
}

// TestHeadLearnsRegionFromExplainingGET checks a store that answers a HEAD signed for the wrong
// region with a bare 400 (no x-amz-bucket-region): the region named in the XML of the
// explaining GET is followed.
func TestHeadLearnsRegionFromExplainingGET(t *testing.T) {
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		region := regionOf(r.Header.Get("Authorization"))
		asked = append(asked, r.Method+" "+region)
		switch {
		case region == "eu-west-1":
			w.Header().Set("Content-Length", "1000")
		case r.Method == http.MethodHead:
			w.WriteHeader(http.StatusBadRequest)
		default:
			s3Error(w, http.StatusBadRequest, "AuthorizationHeaderMalformed",
				"the region '"+region+"' is wrong; expecting 'eu-west-1'", "R", "eu-west-1")
		}
	}))
	defer srv.Close()
	c, _ := newClient(srv)
	c.Credentials = func(context.Context) (sigv4.Credentials, error) {
		return sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}, nil
	}
	o := &Object{Client: c, Loc: s3Loc(t, srv)}
	resp, err := o.Head(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	DrainClose(resp.Body)
	if want := "[HEAD us-east-1 GET us-east-1 HEAD eu-west-1]"; fmt.Sprint(asked) != want || o.Loc.Region != "eu-west-1" {
		t.Errorf("requests %v, Loc.Region %q; want %s, eu-west-1", asked, o.Loc.Region, want)
	}
}

// TestHeadExplainsBodylessErrors checks that a HEAD's bare 403 or 404 is replaced by the cause
// S3 names in the XML of a one-byte GET, so users read SignatureDoesNotMatch, not Forbidden.
func TestHeadExplainsBodylessErrors(t *testing.T) {
	for _, tc := range []struct {
		status     int
		code, want string
	}{
		{http.StatusForbidden, "SignatureDoesNotMatch", "SignatureDoesNotMatch: detail"},
		{http.StatusNotFound, "NoSuchBucket", "NoSuchBucket: detail"},
		{http.StatusNotFound, "", "NotFound (HTTP 404, HEAD"}, // a GET without XML keeps the HEAD's error
	} {
		var gets []string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodHead {
				w.WriteHeader(tc.status)
				return
			}
			gets = append(gets, r.Header.Get("Range"))
			if tc.code == "" {
				w.WriteHeader(tc.status)
				return
			}
			s3Error(w, tc.status, tc.code, "detail", "req1", "")
		}))
		c, _ := newClient(srv)
		o := &Object{Client: c, Loc: s3Loc(t, srv)}
		_, err := o.Head(context.Background(), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("status %d code %q: error %v, want it to contain %q", tc.status, tc.code, err, tc.want)
		}
		if len(gets) != 1 || gets[0] != "bytes=0-0" {
			t.Errorf("explaining GETs: %q, want one with Range bytes=0-0", gets)
		}
		srv.Close()
	}
}

// TestHeadOfDirectURL checks that a direct (presigned) URL is asked with a one-byte GET, never
// a HEAD (the URL is signed for GET), and that the answer reads like a HEAD's.
func TestHeadOfDirectURL(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		cr     string
		body   string
		size   string // Content-Length of the answer, or the error it must be
	}{
		{"ranged", http.StatusPartialContent, "bytes 0-0/123456", "x", "123456"},
		{"empty object", http.StatusRequestedRangeNotSatisfiable, "bytes */0", "", "0"},
		{"empty file, range ignored", http.StatusOK, "", "", "0"},
		{"range ignored", http.StatusOK, "", "0123456789", "RangeNotHonored: the server ignores Range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var methods []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				methods = append(methods, r.Method+" "+r.Header.Get("Range"))
				if amz := r.Header.Get("X-Amz-Checksum-Mode"); amz != "" {
					t.Errorf("a direct URL was sent X-Amz-Checksum-Mode %q: its signature does not cover it", amz)
				}
				if tc.cr != "" {
					w.Header().Set("Content-Range", tc.cr)
				}
				w.Header().Set("ETag", `"e1"`)
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			c, _ := newClient(srv)
			hdr := http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}}
			resp, err := (&Object{Client: c, Loc: directLoc(t, srv, "/b/k?X-Amz-Signature=abc")}).Head(context.Background(), hdr)
			if strings.Contains(tc.size, ":") {
				if err == nil || !strings.HasPrefix(err.Error(), tc.size) {
					t.Fatalf("error %v, want %q", err, tc.size)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := resp.Header.Get("Content-Length"); got != tc.size {
				t.Errorf("Content-Length %q, want %q", got, tc.size)
			}
			if len(methods) != 1 || methods[0] != "GET bytes=0-0" {
				t.Errorf("requests %q, want one GET bytes=0-0", methods)
			}
		})
	}
}
