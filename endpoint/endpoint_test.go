package endpoint

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func noEnv(string) string { return "" }

// want is what a parsed Location should be, flattened for tables.
type want struct {
	bucket, key, region string
	pathStyle, dual     bool
	direct              bool
	url                 string // URL().String()
	path                string // URL().Path: the decoded path the signer encodes
}

func checkLoc(t *testing.T, src string, l Location, w want) {
	t.Helper()
	u := l.URL()
	if l.Bucket != w.bucket || l.Key != w.key || l.Region != w.region || l.PathStyle != w.pathStyle ||
		l.DualStack != w.dual || (l.Direct != nil) != w.direct || l.Signed() == w.direct {
		t.Errorf("Parse(%q) = bucket %q key %q region %q path-style %v dual %v direct %v\nwant             bucket %q key %q region %q path-style %v dual %v direct %v",
			src, l.Bucket, l.Key, l.Region, l.PathStyle, l.DualStack, l.Direct != nil,
			w.bucket, w.key, w.region, w.pathStyle, w.dual, w.direct)
	}
	if u.String() != w.url {
		t.Errorf("Parse(%q).URL() = %s\nwant %s", src, u, w.url)
	}
	if w.path != "" && u.Path != w.path {
		t.Errorf("Parse(%q).URL().Path = %q, want %q", src, u.Path, w.path)
	}
}

func TestParseS3URI(t *testing.T) {
	for _, tc := range []struct {
		src  string
		opts Options
		want want
	}{
		{"s3://my-bucket/dir/file.bin", Options{}, want{bucket: "my-bucket", key: "dir/file.bin",
			url: "https://my-bucket.s3.amazonaws.com/dir/file.bin", path: "/dir/file.bin"}},
		{"s3://my-bucket/file", Options{Region: "eu-west-1"}, want{bucket: "my-bucket", key: "file", region: "eu-west-1",
			url: "https://my-bucket.s3.eu-west-1.amazonaws.com/file"}},
		{"s3://my-bucket/file", Options{Region: "eu-west-1", PathStyle: true}, want{bucket: "my-bucket", key: "file", region: "eu-west-1",
			pathStyle: true, url: "https://s3.eu-west-1.amazonaws.com/my-bucket/file"}},
		// Keys are raw: spaces, unicode, '+', '//', '%41', '?', '#', a trailing slash.
		{"s3://b-1/a b/ünï çødé/x+y//z/%41?v=1#frag/", Options{}, want{bucket: "b-1", key: "a b/ünï çødé/x+y//z/%41?v=1#frag/",
			url:  "https://b-1.s3.amazonaws.com/a%20b/%C3%BCn%C3%AF%20%C3%A7%C3%B8d%C3%A9/x+y//z/%2541%3Fv=1%23frag/",
			path: "/a b/ünï çødé/x+y//z/%41?v=1#frag/"}},
		{"s3://b-1/../x/./y", Options{}, want{bucket: "b-1", key: "../x/./y", url: "https://b-1.s3.amazonaws.com/../x/./y", path: "/../x/./y"}},
		{"S3://b-1/k", Options{}, want{bucket: "b-1", key: "k", url: "https://b-1.s3.amazonaws.com/k"}},
		// Buckets that cannot be a TLS host label go path-style.
		{"s3://my.dotted.bucket/k", Options{Region: "us-west-2"}, want{bucket: "my.dotted.bucket", key: "k", region: "us-west-2",
			pathStyle: true, url: "https://s3.us-west-2.amazonaws.com/my.dotted.bucket/k"}},
		{"s3://Legacy_Bucket/k", Options{}, want{bucket: "Legacy_Bucket", key: "k", pathStyle: true,
			url: "https://s3.amazonaws.com/Legacy_Bucket/k"}},
		{"s3://192.168.1.1/k", Options{}, want{bucket: "192.168.1.1", key: "k", pathStyle: true,
			url: "https://s3.amazonaws.com/192.168.1.1/k"}},
		// Custom endpoints: always path-style, base path kept, region only for signing.
		{"s3://bkt/a b", Options{EndpointURL: "http://127.0.0.1:9000"}, want{bucket: "bkt", key: "a b", pathStyle: true,
			url: "http://127.0.0.1:9000/bkt/a%20b", path: "/bkt/a b"}},
		{"s3://bkt/k", Options{EndpointURL: "https://minio.example.com/s3/base/", Region: "home"}, want{bucket: "bkt", key: "k", region: "home",
			pathStyle: true, url: "https://minio.example.com/s3/base/bkt/k"}},
		{"s3://bkt/k", Options{Getenv: env{"AWS_ENDPOINT_URL_S3": "http://s3only:1", "AWS_ENDPOINT_URL": "http://all:2"}.get},
			want{bucket: "bkt", key: "k", pathStyle: true, url: "http://s3only:1/bkt/k"}},
		{"s3://bkt/k", Options{Getenv: env{"AWS_ENDPOINT_URL": "http://all:2"}.get},
			want{bucket: "bkt", key: "k", pathStyle: true, url: "http://all:2/bkt/k"}},
		{"s3://bkt/k", Options{EndpointURL: "http://flag:3", Getenv: env{"AWS_ENDPOINT_URL_S3": "http://s3only:1"}.get},
			want{bucket: "bkt", key: "k", pathStyle: true, url: "http://flag:3/bkt/k"}},
	} {
		l, ok := parseAndCheck(t, tc.src, tc.opts, tc.want)
		if !ok {
			continue
		}
		if tc.want.url != "" && l.String() != "s3://"+tc.want.bucket+"/"+tc.want.key {
			t.Errorf("String() = %q", l.String())
		}
	}
}

type env map[string]string

func (e env) get(k string) string { return e[k] }

func TestParseHTTPS(t *testing.T) {
	for _, tc := range []struct {
		src  string
		opts Options
		want want
	}{
		{"https://my-bucket.s3.us-west-2.amazonaws.com/dir/obj.tar", Options{}, want{bucket: "my-bucket", key: "dir/obj.tar", region: "us-west-2",
			url: "https://my-bucket.s3.us-west-2.amazonaws.com/dir/obj.tar"}},
		{"https://my-bucket.s3.amazonaws.com/obj", Options{}, want{bucket: "my-bucket", key: "obj",
			url: "https://my-bucket.s3.amazonaws.com/obj"}},
		{"https://s3.eu-central-1.amazonaws.com/my-bucket/a/b", Options{}, want{bucket: "my-bucket", key: "a/b", region: "eu-central-1",
			url: "https://my-bucket.s3.eu-central-1.amazonaws.com/a/b"}},
		{"https://s3.amazonaws.com/my-bucket/a", Options{}, want{bucket: "my-bucket", key: "a",
			url: "https://my-bucket.s3.amazonaws.com/a"}},
		{"https://my-bucket.s3-ap-southeast-2.amazonaws.com/k", Options{}, want{bucket: "my-bucket", key: "k", region: "ap-southeast-2",
			url: "https://my-bucket.s3.ap-southeast-2.amazonaws.com/k"}},
		{"https://s3-us-gov-west-1.amazonaws.com/my-bucket/k", Options{}, want{bucket: "my-bucket", key: "k", region: "us-gov-west-1",
			url: "https://my-bucket.s3.us-gov-west-1.amazonaws.com/k"}},
		{"https://s3-external-1.amazonaws.com/my-bucket/k", Options{}, want{bucket: "my-bucket", key: "k", region: "us-east-1",
			url: "https://my-bucket.s3.us-east-1.amazonaws.com/k"}},
		{"https://my-bucket.s3.dualstack.sa-east-1.amazonaws.com/k", Options{}, want{bucket: "my-bucket", key: "k", region: "sa-east-1", dual: true,
			url: "https://my-bucket.s3.dualstack.sa-east-1.amazonaws.com/k"}},
		{"https://s3.dualstack.sa-east-1.amazonaws.com/my.bucket/k", Options{}, want{bucket: "my.bucket", key: "k", region: "sa-east-1", dual: true,
			pathStyle: true, url: "https://s3.dualstack.sa-east-1.amazonaws.com/my.bucket/k"}},
		// A dotted bucket in the host is moved into the path so TLS works.
		{"https://my.dotted.bucket.s3.us-east-2.amazonaws.com/k", Options{}, want{bucket: "my.dotted.bucket", key: "k", region: "us-east-2",
			pathStyle: true, url: "https://s3.us-east-2.amazonaws.com/my.dotted.bucket/k"}},
		// Keys are percent-decoded once; '+' stays a plus; %2F is a slash; '//' is kept.
		{"https://b-1.s3.amazonaws.com/a%20b/%C3%BC+x//%2541/c%2Fd", Options{}, want{bucket: "b-1", key: "a b/ü+x//%41/c/d",
			url: "https://b-1.s3.amazonaws.com/a%20b/%C3%BC+x//%2541/c/d", path: "/a b/ü+x//%41/c/d"}},
		{"HTTPS://My-Bucket.S3.US-WEST-2.AMAZONAWS.COM:443/K", Options{}, want{bucket: "my-bucket", key: "K", region: "us-west-2",
			url: "https://my-bucket.s3.us-west-2.amazonaws.com/K"}},
		{"https://my-bucket.s3.us-west-2.amazonaws.com/k#frag", Options{}, want{bucket: "my-bucket", key: "k", region: "us-west-2",
			url: "https://my-bucket.s3.us-west-2.amazonaws.com/k"}},
		// The region flag wins over the host; --path-style applies.
		{"https://my-bucket.s3.us-west-2.amazonaws.com/k", Options{Region: "eu-north-1", PathStyle: true}, want{bucket: "my-bucket", key: "k",
			region: "eu-north-1", pathStyle: true, url: "https://s3.eu-north-1.amazonaws.com/my-bucket/k"}},
		// An AWS URL ignores a configured custom endpoint.
		{"https://s3.us-east-1.amazonaws.com/b-1/k", Options{EndpointURL: "http://localhost:9000"}, want{bucket: "b-1", key: "k", region: "us-east-1",
			url: "https://b-1.s3.us-east-1.amazonaws.com/k"}},
		// Path-style on the custom endpoint.
		{"http://localhost:9000/bkt/a%20b/c", Options{EndpointURL: "http://LOCALHOST:9000/"}, want{bucket: "bkt", key: "a b/c", pathStyle: true,
			url: "http://localhost:9000/bkt/a%20b/c", path: "/bkt/a b/c"}},
		{"https://store.example/base/bkt/k", Options{EndpointURL: "https://store.example:443/base"}, want{bucket: "bkt", key: "k", pathStyle: true,
			url: "https://store.example:443/base/bkt/k"}},
	} {
		parseAndCheck(t, tc.src, tc.opts, tc.want)
	}
}

func TestParseDirect(t *testing.T) {
	for _, tc := range []struct {
		src  string
		opts Options
		want want
		str  string // String()
	}{
		{"https://my-bucket.s3.us-west-2.amazonaws.com/dir/k%20x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Security-Token=TOKEN%2Fx&X-Amz-Signature=deadbeef",
			Options{}, want{bucket: "my-bucket", key: "dir/k x", region: "us-west-2", direct: true,
				url: "https://my-bucket.s3.us-west-2.amazonaws.com/dir/k%20x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Security-Token=TOKEN%2Fx&X-Amz-Signature=deadbeef"},
			"https://my-bucket.s3.us-west-2.amazonaws.com/dir/k%20x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Security-Token=REDACTED&X-Amz-Signature=REDACTED"},
		// Presigned on a custom endpoint is still direct, never re-signed.
		{"http://localhost:9000/bkt/k?x-amz-signature=abc&x-amz-credential=c", Options{EndpointURL: "http://localhost:9000"},
			want{bucket: "bkt", key: "k", direct: true, url: "http://localhost:9000/bkt/k?x-amz-signature=abc&x-amz-credential=c"},
			"http://localhost:9000/bkt/k?x-amz-signature=REDACTED&x-amz-credential=REDACTED"},
		// SigV2 presigned.
		{"https://s3.amazonaws.com/b-1/k?AWSAccessKeyId=AKID&Expires=1&Signature=c2ln%2B", Options{},
			want{bucket: "b-1", key: "k", direct: true, url: "https://s3.amazonaws.com/b-1/k?AWSAccessKeyId=AKID&Expires=1&Signature=c2ln%2B"},
			"https://s3.amazonaws.com/b-1/k?AWSAccessKeyId=AKID&Expires=1&Signature=REDACTED"},
		// Another query on an S3 URL: fetched as given.
		{"https://b-1.s3.amazonaws.com/k?versionId=3", Options{Region: "us-east-1"},
			want{bucket: "b-1", key: "k", region: "us-east-1", direct: true, url: "https://b-1.s3.amazonaws.com/k?versionId=3"},
			"https://b-1.s3.amazonaws.com/k?versionId=3"},
		// Plain URLs elsewhere, including S3 website endpoints and other hosts than the endpoint.
		{"https://example.com/files/a%20b.iso", Options{},
			want{direct: true, url: "https://example.com/files/a%20b.iso", path: "/files/a b.iso"}, "https://example.com/files/a%20b.iso"},
		{"http://b-1.s3-website-us-east-1.amazonaws.com/k", Options{},
			want{direct: true, url: "http://b-1.s3-website-us-east-1.amazonaws.com/k"}, "http://b-1.s3-website-us-east-1.amazonaws.com/k"},
		{"http://other:9000/bkt/k", Options{EndpointURL: "http://localhost:9000"},
			want{direct: true, url: "http://other:9000/bkt/k"}, "http://other:9000/bkt/k"},
		{"https://localhost:9000/bkt/k", Options{EndpointURL: "http://localhost:9000"},
			want{direct: true, url: "https://localhost:9000/bkt/k"}, "https://localhost:9000/bkt/k"},
		{"https://my-bucket.s3.amazonaws.com:8443/k", Options{},
			want{direct: true, url: "https://my-bucket.s3.amazonaws.com:8443/k"}, "https://my-bucket.s3.amazonaws.com:8443/k"},
		{"https://user:pw@b-1.s3.amazonaws.com/k", Options{},
			want{bucket: "b-1", key: "k", direct: true, url: "https://user:pw@b-1.s3.amazonaws.com/k"}, "https://REDACTED@b-1.s3.amazonaws.com/k"},
	} {
		l, ok := parseAndCheck(t, tc.src, tc.opts, tc.want)
		if !ok {
			continue
		}
		if l.String() != tc.str {
			t.Errorf("Parse(%q).String() = %s\nwant %s", tc.src, l.String(), tc.str)
		}
		// URL returns a copy: changing it leaves the Location alone.
		u := l.URL()
		u.Path, u.User = "/changed", nil
		if l.URL().String() != tc.want.url {
			t.Errorf("URL() shares state with the Location")
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		src  string
		opts Options
		want string
	}{
		{"s3://bucket/", Options{}, "no key: s3://bucket/ names a bucket, not an object"},
		{"s3://bucket", Options{}, "no key: s3://bucket names a bucket, not an object; write s3://bucket/key"},
		{"s3:///key", Options{}, "no bucket: s3:///key names no bucket; write s3://bucket/key"},
		{"s3://", Options{}, "no bucket: s3:// names no bucket; write s3://bucket/key"},
		{"s3://ab/k", Options{}, `invalid bucket name "ab": S3 bucket names are 3-63 characters of a-z, 0-9, '.' and '-' (older buckets may also use A-Z and '_', up to 255)`},
		{"s3://bad bucket/k", Options{}, `invalid bucket name "bad bucket": S3 bucket names are 3-63 characters of a-z, 0-9, '.' and '-' (older buckets may also use A-Z and '_', up to 255)`},
		{"s3://" + strings.Repeat("a", 256) + "/k", Options{}, `invalid bucket name "` + strings.Repeat("a", 256) + `": S3 bucket names are 3-63 characters of a-z, 0-9, '.' and '-' (older buckets may also use A-Z and '_', up to 255)`},
		{"s3://arn:aws:s3:us-west-2:123:accesspoint/ap/k", Options{}, `invalid bucket name "arn:aws:s3:us-west-2:123:accesspoint": S3 bucket names are 3-63 characters of a-z, 0-9, '.' and '-' (older buckets may also use A-Z and '_', up to 255)`},
		{"https://my-bucket.s3.amazonaws.com/", Options{}, "no key: https://my-bucket.s3.amazonaws.com/ names a bucket, not an object"},
		{"https://s3.us-west-2.amazonaws.com/my-bucket", Options{}, "no key: https://s3.us-west-2.amazonaws.com/my-bucket names a bucket, not an object"},
		{"https://s3.us-west-2.amazonaws.com/", Options{}, "no bucket: https://s3.us-west-2.amazonaws.com/ names no bucket; " + accepted},
		{"http://localhost:9000", Options{EndpointURL: "http://localhost:9000"}, "no bucket: http://localhost:9000 names no bucket; " + accepted},
		{"https://s3.amazonaws.com/x_/k", Options{}, `invalid bucket name "x_": S3 bucket names are 3-63 characters of a-z, 0-9, '.' and '-' (older buckets may also use A-Z and '_', up to 255)`},
		{"ftp://host/file?Signature=secret", Options{}, `unsupported source scheme "ftp": ` + accepted},
		{"my-bucket/key?X-Amz-Signature=secret", Options{}, `source "my-bucket/key" is not a URL: ` + accepted},
		{"https:///path?X-Amz-Signature=secret", Options{}, `source "https:///path" has no host; ` + accepted},
		{"https://user:secret@/path", Options{}, `source "https://REDACTED@/path" has no host; ` + accepted},
		{"s3://b-1/k", Options{EndpointURL: "ftp://user:secret@host/base"}, `--endpoint-url "ftp://REDACTED@host/base" is not an http:// or https:// URL with a host; write it like http://localhost:9000`},
		{"https://h/%zz?X-Amz-Signature=secret", Options{}, `source is not a valid URL (invalid URL escape "%zz"); ` + accepted},
		{"s3://b-1/k", Options{EndpointURL: "localhost:9000"}, `--endpoint-url "localhost:9000" is not an http:// or https:// URL with a host; write it like http://localhost:9000`},
		{"s3://b-1/k", Options{Getenv: env{"AWS_ENDPOINT_URL": "ftp://x"}.get}, `AWS_ENDPOINT_URL "ftp://x" is not an http:// or https:// URL with a host; write it like http://localhost:9000`},
		{"s3://b-1/k", Options{Getenv: env{"AWS_ENDPOINT_URL_S3": "http://x/?a=secret"}.get}, `AWS_ENDPOINT_URL_S3 "http://x/" must not have a query or fragment; write it like http://localhost:9000/base`},
	} {
		if tc.opts.Getenv == nil {
			tc.opts.Getenv = noEnv
		}
		_, err := Parse(tc.src, tc.opts)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Parse(%q) error = %v\nwant %s", tc.src, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("error quotes a secret: %v", err)
		}
	}
}

func TestWithRegion(t *testing.T) {
	l, err := Parse("s3://my-bucket/k", Options{Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	moved := l.WithRegion("ap-northeast-1")
	if got := moved.URL().String(); got != "https://my-bucket.s3.ap-northeast-1.amazonaws.com/k" || moved.Region != "ap-northeast-1" {
		t.Errorf("moved URL = %s region %q", got, moved.Region)
	}
	if l.Region != "" {
		t.Errorf("WithRegion changed the original")
	}
	d, _ := Parse("s3://my-bucket/k", Options{Getenv: noEnv, PathStyle: true})
	if got := d.WithRegion("eu-west-3").URL().String(); got != "https://s3.eu-west-3.amazonaws.com/my-bucket/k" {
		t.Errorf("path-style moved URL = %s", got)
	}
	ds, _ := Parse("https://s3.dualstack.us-east-1.amazonaws.com/b-1/k", Options{Getenv: noEnv})
	if got := ds.WithRegion("eu-west-3").URL().String(); got != "https://b-1.s3.dualstack.eu-west-3.amazonaws.com/k" {
		t.Errorf("dual-stack moved URL = %s", got)
	}
	c, _ := Parse("s3://bkt/k", Options{Getenv: noEnv, EndpointURL: "http://127.0.0.1:9000"})
	cm := c.WithRegion("eu-west-3")
	if got := cm.URL().String(); got != "http://127.0.0.1:9000/bkt/k" || cm.Region != "eu-west-3" {
		t.Errorf("custom endpoint moved URL = %s region %q; only the signing region may change", got, cm.Region)
	}
}

func TestAWSHostWithoutRegion(t *testing.T) {
	for _, tc := range []struct {
		l    Location
		want string
	}{
		{Location{Bucket: "b-1", Key: "k", DualStack: true}, "https://b-1.s3.dualstack.us-east-1.amazonaws.com/k"},
		{Location{Bucket: "b-1", Key: "k", PathStyle: true}, "https://s3.amazonaws.com/b-1/k"},
	} {
		if got := tc.l.URL().String(); got != tc.want {
			t.Errorf("URL() = %s, want %s", got, tc.want)
		}
	}
}

func TestRedact(t *testing.T) {
	u, _ := url.Parse("https://h/p?a=1&X-Amz-Signature=sig&x-amz-security-token=tok%2B&X-AMZ-CREDENTIAL=cred&b=&Signature=v2&c")
	want := "https://h/p?a=1&X-Amz-Signature=REDACTED&x-amz-security-token=REDACTED&X-AMZ-CREDENTIAL=REDACTED&b=&Signature=REDACTED&c"
	if got := Redact(u); got != want {
		t.Errorf("Redact = %s\nwant %s", got, want)
	}
	if !strings.Contains(u.RawQuery, "sig") {
		t.Error("Redact modified its argument")
	}
	u, _ = url.Parse("https://storage.googleapis.com/b/k?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=c&X-Goog-Signature=s&versionId=3&partNumber=1&access_token=t&sig=x&key=k")
	want = "https://storage.googleapis.com/b/k?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=REDACTED&X-Goog-Signature=REDACTED&versionId=3&partNumber=1&access_token=REDACTED&sig=REDACTED&key=k"
	if got := Redact(u); got != want {
		t.Errorf("Redact = %s\nwant %s", got, want)
	}
	if Redact(nil) != "" {
		t.Error("Redact(nil) != \"\"")
	}
}

func TestBucketRegion(t *testing.T) {
	resp := &http.Response{Header: http.Header{}}
	resp.Header.Set("x-amz-bucket-region", "eu-south-1")
	if got := BucketRegion(resp); got != "eu-south-1" {
		t.Errorf("BucketRegion = %q", got)
	}
}

func TestIsRegion(t *testing.T) {
	for s, want := range map[string]bool{
		"us-east-1": true, "us-gov-west-1": true, "ap-southeast-4": true, "eu-central-2": true,
		"website-us-east-1": false, "us-east": false, "accesspoint": false, "us--1": false, "us-east-1a": false, "": false,
	} {
		if isRegion(s) != want {
			t.Errorf("isRegion(%q) = %v, want %v", s, !want, want)
		}
	}
}

func TestVirtualHostable(t *testing.T) {
	for b, want := range map[string]bool{
		"my-bucket": true, "abc": true, "a1b": true, strings.Repeat("a", 63): true,
		strings.Repeat("a", 64): false, "ab": false, "-abc": false, "abc-": false, "My-Bucket": false,
		"my.bucket": false, "my_bucket": false, "10.0.0.1": false,
	} {
		if virtualHostable(b) != want {
			t.Errorf("virtualHostable(%q) = %v, want %v", b, !want, want)
		}
	}
}

// parseAndCheck parses src with opts (an empty environment unless opts has one) and checks
// the Location against want; ok is false when Parse failed.
func parseAndCheck(t *testing.T, src string, opts Options, w want) (Location, bool) {
	t.Helper()
	if opts.Getenv == nil {
		opts.Getenv = noEnv
	}
	l, err := Parse(src, opts)
	if err != nil {
		t.Errorf("Parse(%q): %v", src, err)
		return l, false
	}
	checkLoc(t, src, l, w)
	return l, true
}

// TestVersionID checks that a version id reaches the query of every style of URL, encoded, and
// is named in String.
func TestVersionID(t *testing.T) {
	ep, _ := url.Parse("http://127.0.0.1:9000/base")
	for _, tc := range []struct {
		loc  Location
		want string
	}{
		{Location{Bucket: "b", Key: "k", Region: "eu-west-1", VersionID: "v1+/="}, "https://b.s3.eu-west-1.amazonaws.com/k?versionId=v1%2B%2F%3D"},
		{Location{Bucket: "b.dots", Key: "k", Region: "eu-west-1", PathStyle: true, VersionID: "3"}, "https://s3.eu-west-1.amazonaws.com/b.dots/k?versionId=3"},
		{Location{Bucket: "b", Key: "k", Endpoint: ep, PathStyle: true, VersionID: "3"}, "http://127.0.0.1:9000/base/b/k?versionId=3"},
		{Location{Bucket: "b", Key: "k", Endpoint: ep, PathStyle: true}, "http://127.0.0.1:9000/base/b/k"},
	} {
		if got := tc.loc.URL().String(); got != tc.want {
			t.Errorf("URL() = %s, want %s", got, tc.want)
		}
	}
	if got := (Location{Bucket: "b", Key: "k", VersionID: "v9"}).String(); got != "s3://b/k (version v9)" {
		t.Errorf("String() = %q", got)
	}
}
