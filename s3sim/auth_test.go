package s3sim

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pget/pget/sigv4"
)

func TestAuthFailures(t *testing.T) {
	tempCreds := sigv4.Credentials{AccessKeyID: "ASIATEMP", SecretAccessKey: "tempSecret", SessionToken: "tok/en+=="}
	s, url := newTest(t, Options{TemporaryCredentials: []TemporaryCredential{
		{AccessKeyID: "ASIATEMP", SecretAccessKey: "tempSecret", SessionToken: "tok/en+=="},
		{AccessKeyID: "ASIAOLD", SecretAccessKey: "oldSecret", SessionToken: "old", Expires: testTime.Add(-time.Minute)},
	}})
	s.PutBytes("b", "k", []byte("hello"))
	get := func() *http.Request { return newReq(t, "GET", url+"/b/k", nil) }
	for _, c := range []struct {
		name   string
		req    func() *http.Request
		status int
		code   string
	}{
		{"anonymous private", get, 403, "AccessDenied"},
		{"bad secret", func() *http.Request {
			return signWith(t, get(), nil, sigv4.Credentials{AccessKeyID: DefaultAccessKeyID, SecretAccessKey: "wrong"}, DefaultRegion, testTime)
		}, 403, "SignatureDoesNotMatch"},
		{"unknown key", func() *http.Request {
			return signWith(t, get(), nil, sigv4.Credentials{AccessKeyID: "AKIAUNKNOWN", SecretAccessKey: "x"}, DefaultRegion, testTime)
		}, 403, "InvalidAccessKeyId"},
		{"wrong region", func() *http.Request {
			return signWith(t, get(), nil, defaultCreds, "eu-west-1", testTime)
		}, 400, "AuthorizationHeaderMalformed"},
		{"skewed", func() *http.Request {
			return signWith(t, get(), nil, defaultCreds, DefaultRegion, testTime.Add(16*time.Minute))
		}, 403, "RequestTimeTooSkewed"},
		{"tampered after signing", func() *http.Request {
			r := sign(t, get(), nil)
			r.Header.Set("Range", "bytes=0-1") // range is a signed header only if present at signing
			r.URL.RawQuery = "versionId=abc"
			return r
		}, 403, "SignatureDoesNotMatch"},
		{"missing content sha256", func() *http.Request {
			r := sign(t, get(), nil)
			r.Header.Del("X-Amz-Content-Sha256")
			return r
		}, 400, "InvalidRequest"},
		{"unsigned x-amz header", func() *http.Request {
			r := sign(t, get(), nil)
			r.Header.Set("X-Amz-Meta-Extra", "1")
			return r
		}, 403, "AccessDenied"},
		{"malformed header", func() *http.Request {
			r := get()
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x")
			r.Header.Set("X-Amz-Content-Sha256", sigv4.UnsignedPayload)
			return r
		}, 400, "AuthorizationHeaderMalformed"},
		{"sigv2", func() *http.Request {
			r := get()
			r.Header.Set("Authorization", "AWS AKID:sig")
			return r
		}, 400, "InvalidRequest"},
		{"temporary without token", func() *http.Request {
			return signWith(t, get(), nil, sigv4.Credentials{AccessKeyID: "ASIATEMP", SecretAccessKey: "tempSecret"}, DefaultRegion, testTime)
		}, 403, "InvalidAccessKeyId"},
		{"temporary wrong token", func() *http.Request {
			c := tempCreds
			c.SessionToken = "other"
			return signWith(t, get(), nil, c, DefaultRegion, testTime)
		}, 400, "InvalidToken"},
		{"temporary expired", func() *http.Request {
			return signWith(t, get(), nil, sigv4.Credentials{AccessKeyID: "ASIAOLD", SecretAccessKey: "oldSecret", SessionToken: "old"}, DefaultRegion, testTime)
		}, 400, "ExpiredToken"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := do(t, c.req())
			e := wantError(t, resp, body, c.status, c.code)
			if c.code == "AuthorizationHeaderMalformed" && c.name == "wrong region" && e.Region != DefaultRegion {
				t.Fatalf("Region = %q, want %q", e.Region, DefaultRegion)
			}
			for _, secret := range []string{DefaultSecretAccessKey, "tempSecret", "tok/en+==", "tok%2Fen"} {
				if strings.Contains(string(body), secret) {
					t.Fatalf("error body leaks a secret: %s", body)
				}
			}
		})
	}

	// The good cases, for contrast.
	resp, body := do(t, signWith(t, get(), nil, tempCreds, DefaultRegion, testTime))
	if resp.StatusCode != 200 || string(body) != "hello" {
		t.Fatalf("temporary credentials: %d %s", resp.StatusCode, body)
	}
	resp, body = do(t, signWith(t, get(), nil, defaultCreds, DefaultRegion, testTime.Add(-14*time.Minute)))
	if resp.StatusCode != 200 || string(body) != "hello" {
		t.Fatalf("14 min skew: %d %s", resp.StatusCode, body)
	}
}

func TestAuthPublicBucket(t *testing.T) {
	s, url := newTest(t, Options{})
	s.PutBytes("pub", "k", []byte("hello"))
	s.SetPublic("pub", true)
	resp, body := do(t, newReq(t, "GET", url+"/pub/k", nil))
	if resp.StatusCode != 200 || string(body) != "hello" {
		t.Fatalf("anonymous GET of public bucket: %d %s", resp.StatusCode, body)
	}
	resp, body = do(t, newReq(t, "PUT", url+"/pub/k", []byte("x")))
	wantError(t, resp, body, 403, "AccessDenied")
	resp, body = do(t, newReq(t, "GET", url+"/missing/k", nil))
	wantError(t, resp, body, 404, "NoSuchBucket")
	s.SetPublic("pub", false)
	resp, body = do(t, newReq(t, "GET", url+"/pub/k", nil))
	wantError(t, resp, body, 403, "AccessDenied")
}

func TestAuthPresigned(t *testing.T) {
	now := testTime
	s := New(Options{Now: func() time.Time { return now }, TemporaryCredentials: []TemporaryCredential{
		{AccessKeyID: "ASIATEMP", SecretAccessKey: "tempSecret", SessionToken: "tok/en+=="},
	}})
	srv := newHTTPTest(t, s)
	s.PutBytes("b", "dir/a key+x", []byte("hello"))
	presign := func(creds sigv4.Credentials, region string, expires time.Duration) string {
		req := newReq(t, "GET", srv+"/b/dir/a%20key%2Bx", nil)
		u, err := (&sigv4.Signer{Region: region}).Presign(req, creds, expires, testTime)
		if err != nil {
			t.Fatal(err)
		}
		return u.String()
	}
	u := presign(defaultCreds, DefaultRegion, time.Hour)
	resp, body := do(t, newReq(t, "GET", u, nil))
	if resp.StatusCode != 200 || string(body) != "hello" {
		t.Fatalf("presigned GET: %d %s", resp.StatusCode, body)
	}
	resp, body = do(t, newReq(t, "GET", presign(sigv4.Credentials{AccessKeyID: "ASIATEMP", SecretAccessKey: "tempSecret", SessionToken: "tok/en+=="}, DefaultRegion, time.Hour), nil))
	if resp.StatusCode != 200 || string(body) != "hello" {
		t.Fatalf("presigned GET with a session token: %d %s", resp.StatusCode, body)
	}
	resp, body = do(t, newReq(t, "GET", presign(defaultCreds, "eu-west-1", time.Hour), nil))
	if e := wantError(t, resp, body, 400, "AuthorizationQueryParametersError"); e.Region != DefaultRegion {
		t.Fatalf("Region = %q", e.Region)
	}
	resp, body = do(t, newReq(t, "GET", strings.Replace(u, "X-Amz-Expires=3600", "X-Amz-Expires=3601", 1), nil))
	wantError(t, resp, body, 403, "SignatureDoesNotMatch")
	resp, body = do(t, newReq(t, "GET", strings.Replace(u, "X-Amz-Expires=3600", "X-Amz-Expires=999999", 1), nil))
	wantError(t, resp, body, 400, "AuthorizationQueryParametersError")
	resp, body = do(t, newReq(t, "GET", strings.Replace(u, "X-Amz-Algorithm=", "X-Amz-Nothing=", 1), nil))
	wantError(t, resp, body, 400, "AuthorizationQueryParametersError")

	// A presigned PUT carries an unsigned body.
	put := newReq(t, "PUT", srv+"/b/uploaded", nil)
	pu, err := (&sigv4.Signer{Region: DefaultRegion}).Presign(put, defaultCreds, time.Minute, testTime)
	if err != nil {
		t.Fatal(err)
	}
	resp, body = do(t, newReq(t, "PUT", pu.String(), []byte("via presigned PUT")))
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != quotedMD5([]byte("via presigned PUT")) {
		t.Fatalf("presigned PUT: %d %s", resp.StatusCode, body)
	}

	now = testTime.Add(time.Hour + time.Second)
	resp, body = do(t, newReq(t, "GET", u, nil))
	if e := wantError(t, resp, body, 403, "AccessDenied"); e.Message != "Request has expired" {
		t.Fatalf("message %q", e.Message)
	}
	// A presigned URL is not subject to the 15-minute skew: it is valid until it expires.
	now = testTime.Add(59 * time.Minute)
	if resp, _ := do(t, newReq(t, "GET", u, nil)); resp.StatusCode != 200 {
		t.Fatalf("presigned GET after 59 min: %d", resp.StatusCode)
	}
}

// TestAuthPresignedUnsignedHeaders checks that a presigned request, like a header-signed one,
// may carry no x-amz-* header its signature does not cover (x-amz-content-sha256 excepted).
func TestAuthPresignedUnsignedHeaders(t *testing.T) {
	s, url := newTest(t, Options{})
	s.PutBytes("b", "k", []byte("hello"))
	// presign returns a URL for GET /b/k whose signature covers the given headers (pairs).
	presign := func(signed ...string) string {
		u, err := (&sigv4.Signer{Region: DefaultRegion}).Presign(newReq(t, "GET", url+"/b/k", nil, signed...), defaultCreds, time.Hour, testTime)
		if err != nil {
			t.Fatal(err)
		}
		return u.String()
	}
	plain := presign()
	for _, c := range []struct {
		name      string
		url       string
		hdr       []string // sent with the request, signed or not
		notSigned string   // the <HeadersNotSigned> of a refusal; "" for success
	}{
		{"no extra header", plain, nil, ""},
		{"unsigned checksum mode", plain, []string{"X-Amz-Checksum-Mode", "ENABLED"}, "x-amz-checksum-mode"},
		{"two unsigned, sorted", plain, []string{"X-Amz-Request-Payer", "requester", "X-Amz-Checksum-Mode", "ENABLED"}, "x-amz-checksum-mode, x-amz-request-payer"},
		{"signed checksum mode", presign("X-Amz-Checksum-Mode", "ENABLED"), []string{"X-Amz-Checksum-Mode", "ENABLED"}, ""},
		{"signed one, unsigned other", presign("X-Amz-Checksum-Mode", "ENABLED"), []string{"X-Amz-Checksum-Mode", "ENABLED", "X-Amz-Meta-Extra", "1"}, "x-amz-meta-extra"},
		{"unsigned content sha256 is exempt", plain, []string{"X-Amz-Content-Sha256", sigv4.UnsignedPayload}, ""},
		{"non-amz header needs no signing", plain, []string{"X-Custom", "1"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := do(t, newReq(t, "GET", c.url, nil, c.hdr...))
			if c.notSigned == "" {
				if resp.StatusCode != 200 || string(body) != "hello" {
					t.Fatalf("got %d %q, want 200 \"hello\"", resp.StatusCode, body)
				}
				return
			}
			e := wantError(t, resp, body, 403, "AccessDenied")
			if e.Message != "There were headers present in the request which were not signed" {
				t.Fatalf("message %q", e.Message)
			}
			var extra struct{ HeadersNotSigned string }
			if err := xml.Unmarshal(body, &extra); err != nil {
				t.Fatal(err)
			}
			if extra.HeadersNotSigned != c.notSigned {
				t.Fatalf("HeadersNotSigned = %q, want %q", extra.HeadersNotSigned, c.notSigned)
			}
			if strings.Contains(string(body), "X-Amz-Signature") || strings.Contains(string(body), DefaultSecretAccessKey) {
				t.Fatalf("error body leaks a secret: %s", body)
			}
		})
	}
}

func TestWrongRegionNamesBucketRegion(t *testing.T) {
	s, url := newTest(t, Options{})
	s.PutBytes("b", "k", []byte("hello"))
	for _, method := range []string{"HEAD", "GET"} {
		resp, body := do(t, signWith(t, newReq(t, method, url+"/b/k", nil), nil, defaultCreds, "eu-west-3", testTime))
		if resp.StatusCode != 400 || resp.Header.Get("x-amz-bucket-region") != DefaultRegion {
			t.Fatalf("%s signed for the wrong region: %d, x-amz-bucket-region %q", method, resp.StatusCode, resp.Header.Get("x-amz-bucket-region"))
		}
		if method == "GET" {
			wantError(t, resp, body, 400, "AuthorizationHeaderMalformed")
		}
	}
	// A presigned URL for the wrong region, too.
	u, err := (&sigv4.Signer{Region: "eu-west-3"}).Presign(newReq(t, "GET", url+"/b/k", nil), defaultCreds, time.Hour, testTime)
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := do(t, newReq(t, "HEAD", u.String(), nil)); resp.StatusCode != 400 || resp.Header.Get("x-amz-bucket-region") != DefaultRegion {
		t.Fatalf("presigned HEAD for the wrong region: %d, x-amz-bucket-region %q", resp.StatusCode, resp.Header.Get("x-amz-bucket-region"))
	}
	// No bucket, no region to name.
	resp, _ := do(t, signWith(t, newReq(t, "HEAD", url+"/nobucket/k", nil), nil, defaultCreds, "eu-west-3", testTime))
	if resp.StatusCode != 400 || resp.Header.Get("x-amz-bucket-region") != "" {
		t.Fatalf("wrong region on a missing bucket: %d, x-amz-bucket-region %q", resp.StatusCode, resp.Header.Get("x-amz-bucket-region"))
	}
}
