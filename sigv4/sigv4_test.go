package sigv4

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	testCreds = Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "very/secret+key", SessionToken: "session-token-value"}
	testNow   = time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
)

func newGet(t *testing.T, rawURL string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestEncodePath(t *testing.T) {
	tests := []struct {
		in        string
		normalize bool
		want      string
	}{
		{"", false, "/"},
		{"", true, "/"},
		{"/", false, "/"},
		{"/a//b", false, "/a//b"},
		{"/x/./y", false, "/x/./y"},
		{"/x/../y", false, "/x/../y"},
		{"/sp ace", false, "/sp%20ace"},
		{"/plus+sign", false, "/plus%2Bsign"},
		{"/ünï", false, "/%C3%BCn%C3%AF"},
		{"/%41", false, "/%2541"},
		{"/test$file.text", false, "/test%24file.text"},
		{"/-._~AZaz09", false, "/-._~AZaz09"},
		{"/=&?#[]@:;,!'()*", false, "/%3D%26%3F%23%5B%5D%40%3A%3B%2C%21%27%28%29%2A"},
		{"/a//b", true, "/a/b"},
		{"/x/./y", true, "/x/y"},
		{"/x/../y", true, "/y"},
		{"/../..", true, "/"},
		{"/a/b/..", true, "/a/"},
		{"/a/b/.", true, "/a/b/"},
		{"//example//", true, "/example/"},
		{"/sp ace/", true, "/sp%20ace/"},
	}
	for _, tc := range tests {
		if got := EncodePath(tc.in, tc.normalize); got != tc.want {
			t.Errorf("EncodePath(%q, %v) = %q, want %q", tc.in, tc.normalize, got, tc.want)
		}
	}
}

func TestCanonicalQuery(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"", ""},
		{"lifecycle", "lifecycle="},
		{"b=2&a=1&a=0", "a=0&a=1&b=2"},
		{"k=&k", "k=&k="},
		{"a+b=c+d", "a%20b=c%20d"},
		{"x=%2b%7e", "x=%2B~"},
		{"&&a=1&", "a=1"},
		{"X-Amz-Signature=abc&z=1", "z=1"},
		{"~=1&%7C=2&a=3", "%7C=2&a=3&~=1"}, // sorted by encoded name, not decoded
		{"bad=%zz", "bad=%25zz"},
	}
	for _, tc := range tests {
		if got := canonicalQuery(tc.raw); got != tc.want {
			t.Errorf("canonicalQuery(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}

func TestSignWireMatchesSignature(t *testing.T) {
	s := &Signer{Region: "us-east-1"}
	req := newGet(t, "https://b.s3.amazonaws.com/")
	req.URL.Path = "/dir/a//b/x/./y/sp ace/plus+sign/ünï/%41"
	req.URL.RawQuery = "versionId=a+b&partNumber=1"
	if err := s.Sign(req, testCreds, UnsignedPayload, testNow); err != nil {
		t.Fatal(err)
	}
	const wantURI = "/dir/a//b/x/./y/sp%20ace/plus%2Bsign/%C3%BCn%C3%AF/%2541?partNumber=1&versionId=a%20b"
	if got := req.URL.RequestURI(); got != wantURI {
		t.Errorf("request URI on the wire = %q, want %q", got, wantURI)
	}
	for k, want := range map[string]string{
		"X-Amz-Date":           "20261127T080000Z",
		"X-Amz-Content-Sha256": UnsignedPayload,
		"X-Amz-Security-Token": testCreds.SessionToken,
	} {
		if got := req.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	auth := parseAuthorization(t, req.Header.Get("Authorization"))
	if want := "host;x-amz-content-sha256;x-amz-date;x-amz-security-token"; auth["SignedHeaders"] != want {
		t.Errorf("SignedHeaders = %q, want %q", auth["SignedHeaders"], want)
	}
	if want := "AKIDTEST/20261127/us-east-1/s3/aws4_request"; auth["Credential"] != want {
		t.Errorf("Credential = %q, want %q", auth["Credential"], want)
	}
	// A verifier that rebuilds the canonical request from the wire must get the same signature.
	wire, err := url.ParseRequestURI(req.URL.RequestURI())
	if err != nil {
		t.Fatal(err)
	}
	back := req.Clone(req.Context())
	back.URL.Path, back.URL.RawQuery = wire.Path, wire.RawQuery
	cr := CanonicalRequest(back, strings.Split(auth["SignedHeaders"], ";"), UnsignedPayload, false)
	key := DeriveKey(testCreds.SecretAccessKey, testNow, "us-east-1", "s3")
	if got := Signature(key, StringToSign(testNow, Scope(testNow, "us-east-1", "s3"), cr)); got != auth["Signature"] {
		t.Error("signature recomputed from the wire request differs from the one sent")
	}
}

func TestSignHeaderSelection(t *testing.T) {
	s := &Signer{Region: "eu-west-1"}
	req, err := http.NewRequest(http.MethodPut, "http://localhost:9000/b/k", strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"User-Agent", "Accept-Encoding", "Connection", "Expect", "Transfer-Encoding",
		"Te", "Trailer", "Keep-Alive", "Upgrade", "Proxy-Connection", "Proxy-Authorization", "X-Amzn-Trace-Id", "Content-Length"} {
		req.Header.Set(h, "x")
	}
	req.Header.Set("Range", "bytes=0-9")
	req.Header.Set("If-Match", `"etag"`)
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("X-Amz-Security-Token", "stale")
	req.Header.Set("Authorization", "stale")
	if err := s.Sign(req, Credentials{AccessKeyID: "A", SecretAccessKey: "S"}, EmptyPayloadHash, testNow); err != nil {
		t.Fatal(err)
	}
	auth := parseAuthorization(t, req.Header.Get("Authorization"))
	const want = "content-length;content-type;host;if-match;range;x-amz-content-sha256;x-amz-date"
	if auth["SignedHeaders"] != want {
		t.Errorf("SignedHeaders = %q, want %q", auth["SignedHeaders"], want)
	}
	if v := req.Header.Values("X-Amz-Security-Token"); v != nil {
		t.Errorf("stale session token kept: %d values", len(v))
	}
	if v := req.Header.Values("Authorization"); len(v) != 1 {
		t.Errorf("%d Authorization headers, want 1", len(v))
	}
}

func TestSignOmitContentHashAndNormalize(t *testing.T) {
	s := &Signer{Region: "us-east-1", Service: "execute-api", Normalize: true, OmitContentHash: true}
	req := newGet(t, "https://example.com/")
	req.URL.Path = "/a/../b//c"
	if err := s.Sign(req, Credentials{AccessKeyID: "A", SecretAccessKey: "S"}, EmptyPayloadHash, testNow); err != nil {
		t.Fatal(err)
	}
	if v := req.Header.Values("X-Amz-Content-Sha256"); v != nil {
		t.Errorf("X-Amz-Content-Sha256 set with OmitContentHash: %q", v)
	}
	if got, want := req.URL.EscapedPath(), "/a/../b//c"; got != want {
		t.Errorf("wire path = %q, want the unnormalised %q", got, want)
	}
	auth := parseAuthorization(t, req.Header.Get("Authorization"))
	cr := CanonicalRequest(req, strings.Split(auth["SignedHeaders"], ";"), EmptyPayloadHash, true)
	if !strings.HasPrefix(cr, "GET\n/b/c\n\n") {
		t.Errorf("canonical request starts %q, want a normalised path", cr[:min(len(cr), 20)])
	}
	sts := StringToSign(testNow, Scope(testNow, "us-east-1", "execute-api"), cr)
	if Signature(DeriveKey("S", testNow, "us-east-1", "execute-api"), sts) != auth["Signature"] {
		t.Error("signature does not match the normalised canonical request")
	}
}

func TestSignErrors(t *testing.T) {
	good := Credentials{AccessKeyID: "AKID", SecretAccessKey: "TOPSECRET", SessionToken: "TOKENSECRET"}
	tests := []struct {
		name   string
		region string
		creds  Credentials
		url    string
		hash   string
		want   string
	}{
		{"no region", "", good, "https://h/k", UnsignedPayload,
			"sigv4: signer has no region; set Signer.Region (e.g. us-east-1)"},
		{"no secret", "r", Credentials{AccessKeyID: "A"}, "https://h/k", UnsignedPayload,
			"sigv4: credentials lack an access key ID or secret access key; configure AWS credentials"},
		{"no host", "r", good, "/k", UnsignedPayload,
			"sigv4: request has no host; set req.URL.Host"},
		{"no hash", "r", good, "https://h/k", "",
			"sigv4: empty payload hash; pass sigv4.UnsignedPayload or the hex SHA-256 of the body"},
		{"bad query", "r", good, "https://h/k?X-Amz-Security-Token=TOKENSECRET%zz", UnsignedPayload,
			"sigv4: the request's query string has a malformed %-escape; build it with url.Values.Encode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := url.Parse(tc.url)
			if err != nil {
				u = &url.URL{Scheme: "https", Host: "h", Path: "/k", RawQuery: strings.SplitN(tc.url, "?", 2)[1]}
			}
			req := &http.Request{Method: "GET", URL: u, Header: http.Header{}}
			err = (&Signer{Region: tc.region}).Sign(req, tc.creds, tc.hash, testNow)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Error("error text leaks a secret")
			}
		})
	}
	if err := (&Signer{Region: "r"}).Sign(nil, good, UnsignedPayload, testNow); err == nil ||
		err.Error() != "sigv4: nil request or URL; pass a request made with http.NewRequest" {
		t.Errorf("nil request: error = %v", err)
	}
}

func TestPresignExpiry(t *testing.T) {
	s := &Signer{Region: "us-east-1"}
	for _, d := range []time.Duration{0, time.Second - 1, -time.Hour, MaxPresignExpiry + time.Second} {
		_, err := s.Presign(newGet(t, "https://b.s3.amazonaws.com/k"), testCreds, d, testNow)
		want := "sigv4: presigned URL expiry " + d.String() + " is outside 1s to 168h0m0s; choose an expiry in that range"
		if err == nil || err.Error() != want {
			t.Errorf("Presign(expires %v) error = %v, want %q", d, err, want)
		}
	}
	for d, want := range map[time.Duration]string{time.Second: "1", MaxPresignExpiry: "604800", 1500 * time.Millisecond: "1"} {
		u, err := s.Presign(newGet(t, "https://b.s3.amazonaws.com/k"), testCreds, d, testNow)
		if err != nil {
			t.Fatalf("Presign(expires %v): %v", d, err)
		}
		if got := u.Query().Get("X-Amz-Expires"); got != want {
			t.Errorf("Presign(expires %v): X-Amz-Expires = %q, want %q", d, got, want)
		}
	}
}

func TestPresignLeavesRequestAndReplacesOldSignature(t *testing.T) {
	s := &Signer{Region: "us-east-1"}
	req := newGet(t, "https://b.s3.amazonaws.com/k?versionId=1")
	before := req.URL.String()
	u1, err := s.Presign(req, testCreds, time.Hour, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if req.URL.String() != before || len(req.Header) != 0 {
		t.Error("Presign modified the request")
	}
	// Presigning an already presigned URL again must give the same URL, not stack parameters.
	again := newGet(t, u1.String())
	u2, err := s.Presign(again, testCreds, time.Hour, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if u1.String() != u2.String() {
		t.Error("re-presigning a presigned URL changed it")
	}
	if n := strings.Count(u2.RawQuery, "X-Amz-Signature="); n != 1 {
		t.Errorf("%d X-Amz-Signature parameters, want 1", n)
	}
	if got := u1.Query().Get("X-Amz-Security-Token"); got != testCreds.SessionToken {
		t.Errorf("X-Amz-Security-Token = %q, want the session token", got)
	}
}

func TestSigningKeyCache(t *testing.T) {
	s := &Signer{Region: "us-east-1"}
	k1 := s.signingKey("secret", testNow, "us-east-1", "s3")
	c1 := s.cache.Load()
	if string(k1) != string(DeriveKey("secret", testNow, "us-east-1", "s3")) {
		t.Fatal("cached key differs from DeriveKey")
	}
	s.signingKey("secret", testNow.Add(15*time.Hour), "us-east-1", "s3") // same UTC day
	if s.cache.Load() != c1 {
		t.Error("key derived again within the same day")
	}
	for _, tc := range []struct {
		name                    string
		secret, region, service string
		at                      time.Time
	}{
		{"next day", "secret", "us-east-1", "s3", testNow.Add(16 * time.Hour)},
		{"other secret", "secret2", "us-east-1", "s3", testNow},
		{"other region", "secret", "eu-west-1", "s3", testNow},
		{"other service", "secret", "us-east-1", "sts", testNow},
	} {
		got := s.signingKey(tc.secret, tc.at, tc.region, tc.service)
		if string(got) != string(DeriveKey(tc.secret, tc.at, tc.region, tc.service)) {
			t.Errorf("%s: cache returned a stale key", tc.name)
		}
	}
}

func TestSignConcurrent(t *testing.T) {
	s := &Signer{Region: "us-east-1"}
	want := func(day int) string {
		req := newGet(t, "https://b.s3.amazonaws.com/k")
		if err := (&Signer{Region: "us-east-1"}).Sign(req, testCreds, UnsignedPayload, testNow.AddDate(0, 0, day)); err != nil {
			t.Fatal(err)
		}
		return req.Header.Get("Authorization")
	}
	wants := []string{want(0), want(1)}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				day := (g + i) % 2
				req, _ := http.NewRequest(http.MethodGet, "https://b.s3.amazonaws.com/k", nil)
				if err := s.Sign(req, testCreds, UnsignedPayload, testNow.AddDate(0, 0, day)); err != nil {
					errs <- err.Error()
					return
				}
				if req.Header.Get("Authorization") != wants[day] {
					errs <- "concurrent Sign produced a different signature"
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func BenchmarkSign(b *testing.B) {
	s := &Signer{Region: "us-east-1"}
	req, err := http.NewRequest(http.MethodGet, "https://bucket.s3.us-east-1.amazonaws.com/some/object/key.bin?versionId=abc", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		req.Header.Set("Range", "bytes=0-8388607")
		if err := s.Sign(req, testCreds, UnsignedPayload, testNow); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCredentialsPrintWithoutSecrets(t *testing.T) {
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		got := fmt.Sprintf(format, testCreds)
		if strings.Contains(got, testCreds.SecretAccessKey) || strings.Contains(got, testCreds.SessionToken) {
			t.Errorf("%s prints a secret: %s", format, got)
		}
		if !strings.Contains(got, testCreds.AccessKeyID) {
			t.Errorf("%s hides the access key ID: %s", format, got)
		}
	}
	if got := fmt.Sprint(&testCreds); strings.Contains(got, testCreds.SecretAccessKey) {
		t.Errorf("a pointer prints a secret: %s", got)
	}
}

// TestSignEmptyMethodIsGet checks that a request whose Method is empty, which net/http sends as
// GET, is signed as GET.
func TestSignEmptyMethodIsGet(t *testing.T) {
	s := &Signer{Region: "us-east-1"}
	get := newGet(t, "https://b.s3.amazonaws.com/k")
	bare := &http.Request{URL: &url.URL{Scheme: "https", Host: "b.s3.amazonaws.com", Path: "/k"}}
	for _, req := range []*http.Request{get, bare} {
		if err := s.Sign(req, testCreds, UnsignedPayload, testNow); err != nil {
			t.Fatal(err)
		}
	}
	if a, b := get.Header.Get("Authorization"), bare.Header.Get("Authorization"); a != b {
		t.Errorf("empty Method signed as %q, want the GET signature %q", b, a)
	}
}
