package s3sim

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// mpClient drives a multipart upload over HTTP.
type mpClient struct {
	t        *testing.T
	url, key string
	id       string
}

// create starts an upload with extra headers.
func createUpload(t *testing.T, url, key string, hdr ...string) *mpClient {
	t.Helper()
	resp, body := do(t, sign(t, newReq(t, "POST", url+"/b/"+key+"?uploads", nil, hdr...), nil))
	if resp.StatusCode != 200 {
		t.Fatalf("CreateMultipartUpload: %d %s", resp.StatusCode, body)
	}
	var res struct{ Bucket, Key, UploadId string }
	if err := xml.Unmarshal(body, &res); err != nil || res.UploadId == "" || res.Key != key {
		t.Fatalf("CreateMultipartUpload answer %s: %v", body, err)
	}
	return &mpClient{t: t, url: url, key: key, id: res.UploadId}
}

// part uploads one part and returns its ETag and response.
func (c *mpClient) part(n int, data []byte, hdr ...string) (*http.Response, []byte) {
	u := fmt.Sprintf("%s/b/%s?partNumber=%d&uploadId=%s", c.url, c.key, n, c.id)
	return do(c.t, sign(c.t, newReq(c.t, "PUT", u, data, hdr...), data))
}

// complete sends the part list (number, etag pairs).
func (c *mpClient) complete(parts ...any) (*http.Response, []byte) {
	var b strings.Builder
	b.WriteString("<CompleteMultipartUpload>")
	for i := 0; i+1 < len(parts); i += 2 {
		fmt.Fprintf(&b, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>", parts[i], parts[i+1])
	}
	b.WriteString("</CompleteMultipartUpload>")
	body := []byte(b.String())
	return do(c.t, sign(c.t, newReq(c.t, "POST", c.url+"/b/"+c.key+"?uploadId="+c.id, body), body))
}

func TestMultipartUpload(t *testing.T) {
	s, url := newTest(t, Options{MinPartSize: 10})
	s.CreateBucket("b")
	p1, p2, p3 := bytes.Repeat([]byte("a"), 10), bytes.Repeat([]byte("b"), 12), []byte("tail")
	c := createUpload(t, url, "obj", "x-amz-checksum-algorithm", "CRC32C")
	var etags []string
	for i, p := range [][]byte{p1, p2, p3} {
		resp, body := c.part(i+1, p, "x-amz-checksum-crc32c", ChecksumOf(CRC32C, p))
		if resp.StatusCode != 200 || resp.Header.Get("ETag") != quotedMD5(p) {
			t.Fatalf("UploadPart %d: %d %s", i+1, resp.StatusCode, body)
		}
		etags = append(etags, resp.Header.Get("ETag"))
	}
	resp, body := c.complete(1, etags[0], 2, etags[1], 3, etags[2])
	if resp.StatusCode != 200 {
		t.Fatalf("Complete: %d %s", resp.StatusCode, body)
	}
	// Hand computation of S3's multipart ETag and composite checksum.
	var md5s, crcs []byte
	for _, p := range [][]byte{p1, p2, p3} {
		m := md5.Sum(p)
		md5s = append(md5s, m[:]...)
		c, _ := base64.StdEncoding.DecodeString(ChecksumOf(CRC32C, p))
		crcs = append(crcs, c...)
	}
	m := md5.Sum(md5s)
	wantETag := `"` + hex.EncodeToString(m[:]) + `-3"`
	wantSum := ChecksumOf(CRC32C, crcs) + "-3"
	var res struct{ ETag, ChecksumCRC32C, ChecksumType string }
	if err := xml.Unmarshal(body, &res); err != nil || res.ETag != wantETag || res.ChecksumCRC32C != wantSum || res.ChecksumType != Composite {
		t.Fatalf("Complete answer %s, want ETag %s checksum %s: %v", body, wantETag, wantSum, err)
	}
	all := append(append(append([]byte{}, p1...), p2...), p3...)
	resp, body = do(t, sign(t, newReq(t, "GET", url+"/b/obj", nil, "x-amz-checksum-mode", "ENABLED"), nil))
	if !bytes.Equal(body, all) || resp.Header.Get("ETag") != wantETag || resp.Header.Get("x-amz-checksum-crc32c") != wantSum ||
		resp.Header.Get("x-amz-checksum-type") != Composite {
		t.Fatalf("GET: %q %v", body, resp.Header)
	}
	resp, body = do(t, sign(t, newReq(t, "GET", url+"/b/obj?partNumber=2", nil, "x-amz-checksum-mode", "ENABLED"), nil))
	if !bytes.Equal(body, p2) || resp.Header.Get("Content-Range") != "bytes 10-21/26" || resp.Header.Get("x-amz-mp-parts-count") != "3" ||
		resp.Header.Get("x-amz-checksum-crc32c") != ChecksumOf(CRC32C, p2) {
		t.Fatalf("GET part 2: %q %v", body, resp.Header)
	}
	// The upload is gone.
	resp, body = c.part(4, p3)
	wantError(t, resp, body, 404, "NoSuchUpload")
	// PutObject with PartSize builds the same ETag without HTTP.
	if info := s.PutObject("b", "same", all, PutOptions{PartSize: 10}); info.Parts != 3 || info.ETag == wantETag {
		// Parts of 10 bytes are 10+10+6, not the 10+12+4 of the upload: a different ETag.
		t.Fatalf("PutObject parts: %+v", info)
	}
}

func TestMultipartFullObjectChecksum(t *testing.T) {
	srv, url := newTest(t, Options{MinPartSize: 1})
	srv.CreateBucket("b")
	for _, c := range []struct{ alg, typ, wantType string }{
		{"CRC32", "FULL_OBJECT", FullObject},
		{"CRC64NVME", "", FullObject},
		{"", "", FullObject}, // S3's default: CRC64NVME
	} {
		s := createUpload(t, url, "f", "x-amz-checksum-algorithm", c.alg, "x-amz-checksum-type", c.typ)
		r1, _ := s.part(1, []byte("hello "))
		r2, _ := s.part(2, []byte("world"))
		resp, body := s.complete(1, r1.Header.Get("ETag"), 2, r2.Header.Get("ETag"))
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", c.alg, resp.StatusCode, body)
		}
		alg := c.alg
		if alg == "" {
			alg = CRC64NVME
		}
		resp, _ = do(t, sign(t, newReq(t, "HEAD", url+"/b/f", nil, "x-amz-checksum-mode", "ENABLED"), nil))
		if got, want := resp.Header.Get(checksumHeader(alg)), ChecksumOf(alg, []byte("hello world")); got != want || resp.Header.Get("x-amz-checksum-type") != c.wantType {
			t.Fatalf("%s %s: checksum %q type %q, want %q", c.alg, c.typ, got, resp.Header.Get("x-amz-checksum-type"), want)
		}
	}
	resp, body := do(t, sign(t, newReq(t, "POST", url+"/b/x?uploads", nil, "x-amz-checksum-algorithm", "SHA256", "x-amz-checksum-type", "FULL_OBJECT"), nil))
	wantError(t, resp, body, 400, "InvalidRequest")
}

func TestMultipartErrors(t *testing.T) {
	s, url := newTest(t, Options{MinPartSize: 10})
	s.CreateBucket("b")
	c := createUpload(t, url, "e")
	r1, _ := c.part(1, []byte("short"))
	r2, _ := c.part(2, []byte("last"))
	e1, e2 := r1.Header.Get("ETag"), r2.Header.Get("ETag")

	resp, body := c.complete(1, e1, 2, e2)
	wantError(t, resp, body, 400, "EntityTooSmall")
	resp, body = c.complete(2, e2, 1, e1)
	wantError(t, resp, body, 400, "InvalidPartOrder")
	resp, body = c.complete(1, `"0123"`)
	wantError(t, resp, body, 400, "InvalidPart")
	resp, body = c.complete(3, e1)
	wantError(t, resp, body, 400, "InvalidPart")
	resp, body = do(t, sign(t, newReq(t, "POST", url+"/b/e?uploadId="+c.id, []byte("<oops")), []byte("<oops")))
	wantError(t, resp, body, 400, "MalformedXML")
	resp, body = c.complete()
	wantError(t, resp, body, 400, "MalformedXML") // no parts: AWS says MalformedXML, not InvalidRequest
	noETag := []byte("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>")
	resp, body = do(t, sign(t, newReq(t, "POST", url+"/b/e?uploadId="+c.id, noETag), noETag))
	wantError(t, resp, body, 400, "MalformedXML")

	// One short part alone is fine (it is the last).
	resp, body = c.complete(2, e2)
	if resp.StatusCode != 200 {
		t.Fatalf("single last part: %d %s", resp.StatusCode, body)
	}

	c = createUpload(t, url, "aborted")
	resp, _ = do(t, sign(t, newReq(t, "DELETE", url+"/b/aborted?uploadId="+c.id, nil), nil))
	if resp.StatusCode != 204 {
		t.Fatalf("Abort: %d", resp.StatusCode)
	}
	resp, body = c.complete(1, e1)
	wantError(t, resp, body, 404, "NoSuchUpload")
	resp, body = do(t, sign(t, newReq(t, "DELETE", url+"/b/aborted?uploadId="+c.id, nil), nil))
	wantError(t, resp, body, 404, "NoSuchUpload")
}
