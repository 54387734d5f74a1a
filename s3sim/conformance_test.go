package s3sim

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pget/pget/internal/versitygw"
	"github.com/pget/pget/sigv4"
)

// answer is what the conformance test compares between the simulator and versitygw.
type answer struct {
	Status        int
	Code          string // S3 error code from the XML body ("" on success or HEAD)
	ContentLength string // of successful answers only: error bodies differ in request ids
	ContentRange  string
	HasETag       bool
	ETag          string // of successful answers: both servers store the same bytes, so the same MD5
	ContentType   string // of successful object answers
	LastModified  bool   // of successful object answers
	AcceptRanges  string
	List          string // of a successful XML answer: its root element and, for a listing, its shape
}

// conformanceCase is one request sent to both servers.
type conformanceCase struct {
	name    string
	method  string
	path    string
	hdr     []string
	after   []string // headers (pairs) added after signing, so the signature does not cover them
	auth    string   // "", "anonymous", "badsecret", "wrongregion", "unknownkey", "presigned" or "presigned-expired"
	ifMatch bool     // add If-Match with the object's real ETag
	inm     bool     // add If-None-Match with the object's real ETag
}

// exception is a documented difference of versitygw from AWS S3: the simulator must give
// s3 (what AWS S3 answers) while versitygw gives gw.
type exception struct {
	why    string
	s3, gw answer
}

// conformanceExceptions lists where versitygw legitimately differs from AWS S3. Empty when
// versitygw agrees everywhere.
var conformanceExceptions = map[string]exception{
	"range start past end": {
		why: "S3 sends Content-Range: bytes */SIZE with 416 InvalidRange (RFC 7233 section 4.4); versitygw v1.8 omits it",
		s3:  answer{Status: 416, Code: "InvalidRange", ContentRange: "bytes */1000"},
		gw:  answer{Status: 416, Code: "InvalidRange"},
	},
	"range on 0-byte object": {
		why: "S3 sends Content-Range: bytes */0 with 416 InvalidRange; versitygw v1.8 omits it",
		s3:  answer{Status: 416, Code: "InvalidRange", ContentRange: "bytes */0"},
		gw:  answer{Status: 416, Code: "InvalidRange"},
	},
	"unknown access key": {
		why: "S3 answers 403 InvalidAccessKeyId; versitygw v1.8 answers 404 XAdminUserNotFound",
		s3:  answer{Status: 403, Code: "InvalidAccessKeyId"},
		gw:  answer{Status: 404, Code: "XAdminUserNotFound"},
	},
	"if-none-match": {
		why: "S3 sends the ETag with 304 Not Modified (RFC 7232 section 4.1); versitygw v1.8 omits it",
		s3:  answer{Status: 304, HasETag: true},
		gw:  answer{Status: 304},
	},
	"head if-none-match": {
		why: "S3 sends the ETag with 304 Not Modified (RFC 7232 section 4.1); versitygw v1.8 omits it",
		s3:  answer{Status: 304, HasETag: true},
		gw:  answer{Status: 304},
	},
}

func TestConformanceWithVersitygw(t *testing.T) {
	gw := versitygw.Start(t)
	sim := New(Options{Credentials: map[string]string{versitygw.AccessKeyID: versitygw.SecretAccessKey}, Region: versitygw.Region})
	if err := sim.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer sim.Close()

	obj := make([]byte, 1000)
	Generate(11, 0, obj)
	gw.CreateBucket(t, "conf")
	gw.Put(t, "conf", "obj", obj)
	gw.Put(t, "conf", "empty", nil)
	sim.PutBytes("conf", "obj", obj)
	sim.PutBytes("conf", "empty", nil)
	for _, k := range []string{"dir/a", "dir/b", "dir/sub/c"} {
		gw.Put(t, "conf", k, []byte(k))
		sim.PutBytes("conf", k, []byte(k))
	}

	cases := []conformanceCase{
		{name: "head", method: "HEAD", path: "/conf/obj"},
		{name: "get", method: "GET", path: "/conf/obj"},
		{name: "range a-b", method: "GET", path: "/conf/obj", hdr: []string{"Range", "bytes=0-99"}},
		{name: "range a-", method: "GET", path: "/conf/obj", hdr: []string{"Range", "bytes=900-"}},
		{name: "range -n", method: "GET", path: "/conf/obj", hdr: []string{"Range", "bytes=-100"}},
		{name: "range end past size", method: "GET", path: "/conf/obj", hdr: []string{"Range", "bytes=500-5000"}},
		{name: "head range", method: "HEAD", path: "/conf/obj", hdr: []string{"Range", "bytes=10-19"}},
		{name: "range start past end", method: "GET", path: "/conf/obj", hdr: []string{"Range", "bytes=1000-"}},
		{name: "range on 0-byte object", method: "GET", path: "/conf/empty", hdr: []string{"Range", "bytes=0-"}},
		{name: "get 0-byte object", method: "GET", path: "/conf/empty"},
		{name: "if-match good", method: "GET", path: "/conf/obj", ifMatch: true},
		{name: "if-match bad", method: "GET", path: "/conf/obj", hdr: []string{"If-Match", `"0123456789abcdef0123456789abcdef"`}},
		{name: "if-none-match", method: "GET", path: "/conf/obj", inm: true},
		{name: "if-none-match other", method: "GET", path: "/conf/obj", hdr: []string{"If-None-Match", `"0123456789abcdef0123456789abcdef"`}},
		{name: "multi-range ignored", method: "GET", path: "/conf/obj", hdr: []string{"Range", "bytes=0-1,5-6"}},
		{name: "malformed range ignored", method: "GET", path: "/conf/obj", hdr: []string{"Range", "bytes=x-3"}},
		{name: "reversed range ignored", method: "GET", path: "/conf/obj", hdr: []string{"Range", "bytes=9-3"}},
		{name: "suffix longer than object", method: "GET", path: "/conf/obj", hdr: []string{"Range", "bytes=-5000"}},
		{name: "if-modified-since past", method: "GET", path: "/conf/obj", hdr: []string{"If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"}},
		{name: "if-unmodified-since past", method: "GET", path: "/conf/obj", hdr: []string{"If-Unmodified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"}},
		{name: "part 1 of single-part object", method: "GET", path: "/conf/obj?partNumber=1"},
		{name: "wrong region", method: "GET", path: "/conf/obj", auth: "wrongregion"},
		{name: "unknown access key", method: "GET", path: "/conf/obj", auth: "unknownkey"},
		{name: "no such key", method: "GET", path: "/conf/missing"},
		{name: "head no such key", method: "HEAD", path: "/conf/missing"},
		{name: "no such bucket", method: "GET", path: "/nosuchbucket-pget/obj"},
		{name: "bad signature", method: "GET", path: "/conf/obj", auth: "badsecret"},
		{name: "anonymous private", method: "GET", path: "/conf/obj", auth: "anonymous"},
		{name: "presigned", method: "GET", path: "/conf/obj", auth: "presigned"},
		{name: "presigned range", method: "GET", path: "/conf/obj", auth: "presigned", hdr: []string{"Range", "bytes=1-2"}},
		{name: "presigned expired", method: "GET", path: "/conf/obj", auth: "presigned-expired"},
		{name: "presigned unsigned x-amz header", method: "GET", path: "/conf/obj", auth: "presigned", after: []string{"X-Amz-Checksum-Mode", "ENABLED"}},
		{name: "head if-match bad", method: "HEAD", path: "/conf/obj", hdr: []string{"If-Match", `"0123456789abcdef0123456789abcdef"`}},
		{name: "head if-none-match", method: "HEAD", path: "/conf/obj", inm: true},
		{name: "if-match good beats if-unmodified-since", method: "GET", path: "/conf/obj", ifMatch: true, hdr: []string{"If-Unmodified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"}},
		{name: "if-none-match other beats if-modified-since", method: "GET", path: "/conf/obj", hdr: []string{"If-None-Match", `"0123456789abcdef0123456789abcdef"`, "If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT"}},
		{name: "range with part number", method: "GET", path: "/conf/obj?partNumber=1", hdr: []string{"Range", "bytes=0-1"}},
		{name: "list v2", method: "GET", path: "/conf?list-type=2"},
		{name: "list v2 delimiter", method: "GET", path: "/conf?list-type=2&delimiter=%2F&prefix=dir%2F"},
		{name: "list v2 max-keys", method: "GET", path: "/conf?list-type=2&max-keys=2"},
		{name: "list v2 no such bucket", method: "GET", path: "/nosuchbucket-pget?list-type=2"},
		{name: "list v2 start-after", method: "GET", path: "/conf?list-type=2&start-after=dir%2Fa"},
		{name: "list v2 bad max-keys", method: "GET", path: "/conf?list-type=2&max-keys=lots"},
		{name: "presigned tampered", method: "GET", path: "/conf/obj", auth: "presigned-tampered"},
		{name: "part 2 of single-part object", method: "GET", path: "/conf/obj?partNumber=2"},
		{name: "part number 0", method: "GET", path: "/conf/obj?partNumber=0"},
		{name: "malformed version id", method: "GET", path: "/conf/obj?versionId=bad%21id"},
		{name: "head no such bucket", method: "HEAD", path: "/nosuchbucket-pget/obj"},
		{name: "get bucket location", method: "GET", path: "/conf?location"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := send(t, gw.URL, c)
			s := send(t, sim.URL(), c)
			if ex, ok := conformanceExceptions[c.name]; ok {
				if s != ex.s3 || g != ex.gw {
					t.Fatalf("documented exception (%s) no longer holds:\n sim       %+v (want %+v)\n versitygw %+v (want %+v)", ex.why, s, ex.s3, g, ex.gw)
				}
				return
			}
			if s != g {
				t.Fatalf("simulator and versitygw differ:\n sim       %+v\n versitygw %+v", s, g)
			}
		})
	}
}

// send sends one case to a server signed with versitygw's keys and summarises the answer.
func send(t *testing.T, base string, c conformanceCase) answer {
	t.Helper()
	hdr := c.hdr
	if c.ifMatch || c.inm {
		etag := send(t, base, conformanceCase{method: "HEAD", path: c.path}).etag(t, base, c.path)
		name := "If-Match"
		if c.inm {
			name = "If-None-Match"
		}
		hdr = append(append([]string{}, hdr...), name, etag)
	}
	req := newReq(t, c.method, base+c.path, nil, hdr...)
	creds := sigv4.Credentials{AccessKeyID: versitygw.AccessKeyID, SecretAccessKey: versitygw.SecretAccessKey}
	region := versitygw.Region
	switch c.auth {
	case "badsecret":
		creds.SecretAccessKey = "not-the-secret"
	case "wrongregion":
		region = "eu-west-3"
	case "unknownkey":
		creds.AccessKeyID = "AKIAPGETUNKNOWN"
	}
	switch c.auth {
	case "anonymous":
	case "presigned", "presigned-expired", "presigned-tampered":
		at := time.Now()
		if c.auth == "presigned-expired" {
			at = at.Add(-2 * time.Hour)
		}
		u, err := (&sigv4.Signer{Region: region}).Presign(req, creds, time.Hour, at)
		if err != nil {
			t.Fatal(err)
		}
		if c.auth == "presigned-tampered" {
			u.RawQuery = strings.Replace(u.RawQuery, "X-Amz-Expires=3600", "X-Amz-Expires=3601", 1)
		}
		req.URL = u
	default:
		if err := (&sigv4.Signer{Region: region}).Sign(req, creds, sigv4.UnsignedPayload, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i+1 < len(c.after); i += 2 {
		req.Header.Set(c.after[i], c.after[i+1])
	}
	resp, body := do(t, req)
	a := answer{
		Status:       resp.StatusCode,
		ContentRange: resp.Header.Get("Content-Range"),
		HasETag:      resp.Header.Get("ETag") != "",
		AcceptRanges: resp.Header.Get("Accept-Ranges"),
	}
	switch {
	case resp.StatusCode < 300 && resp.Header.Get("Content-Type") == "application/xml":
		// XML answers differ in bytes (dates, owner, attribute order): compare their shape.
		a.List = listShape(t, body)
	case resp.StatusCode < 300:
		a.ContentLength = resp.Header.Get("Content-Length")
		a.ETag = resp.Header.Get("ETag")
		a.ContentType = resp.Header.Get("Content-Type")
		a.LastModified = resp.Header.Get("Last-Modified") != ""
	}
	if resp.StatusCode >= 400 && len(body) > 0 {
		var e struct{ Code string }
		if err := xml.Unmarshal(bytes.TrimSpace(body), &e); err != nil {
			t.Fatalf("%s: error body is not XML: %q", base, body)
		}
		a.Code = e.Code
	}
	return a
}

// listShape summarises a successful XML answer: its root element and, for a ListObjectsV2
// answer, what a client relies on (keys, sizes, prefixes, counts), not the opaque token.
func listShape(t *testing.T, body []byte) string {
	t.Helper()
	var p struct {
		XMLName               xml.Name
		KeyCount, MaxKeys     int
		IsTruncated           bool
		NextContinuationToken string
		Contents              []struct {
			Key  string
			Size int64
		}
		CommonPrefixes []struct{ Prefix string }
	}
	if err := xml.Unmarshal(body, &p); err != nil {
		t.Fatalf("listing is not XML: %v: %q", err, body)
	}
	shape := fmt.Sprintf("%s keys=%d max=%d truncated=%v token=%v", p.XMLName.Local, p.KeyCount, p.MaxKeys, p.IsTruncated, p.NextContinuationToken != "")
	for _, c := range p.Contents {
		shape += fmt.Sprintf(" %s(%d)", c.Key, c.Size)
	}
	for _, c := range p.CommonPrefixes {
		shape += " " + c.Prefix + "*"
	}
	return shape
}

// etag fetches the ETag of path with a HEAD (the answer itself only says whether it had one).
func (answer) etag(t *testing.T, base, path string) string {
	t.Helper()
	req := newReq(t, "HEAD", base+path, nil)
	creds := sigv4.Credentials{AccessKeyID: versitygw.AccessKeyID, SecretAccessKey: versitygw.SecretAccessKey}
	if err := (&sigv4.Signer{Region: versitygw.Region}).Sign(req, creds, sigv4.UnsignedPayload, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, _ := do(t, req)
	return resp.Header.Get("ETag")
}
