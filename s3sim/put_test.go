package s3sim

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"io"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestPutObject(t *testing.T) {
	s, url := newTest(t, Options{})
	data := []byte("some content")

	// PUT into a missing bucket, then create it.
	resp, body := do(t, sign(t, newReq(t, "PUT", url+"/bkt/k", data), data))
	wantError(t, resp, body, 404, "NoSuchBucket")
	resp, body = do(t, sign(t, newReq(t, "PUT", url+"/b", nil), nil))
	wantError(t, resp, body, 400, "InvalidBucketName")
	resp, body = do(t, sign(t, newReq(t, "PUT", url+"/bkt", nil), nil))
	if resp.StatusCode != 200 {
		t.Fatalf("CreateBucket: %d %s", resp.StatusCode, body)
	}

	resp, body = do(t, sign(t, newReq(t, "PUT", url+"/bkt/k", data, "Content-Type", "text/x-test"), data))
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != quotedMD5(data) {
		t.Fatalf("PUT: %d %s ETag %s", resp.StatusCode, body, resp.Header.Get("ETag"))
	}
	if got := resp.Header.Get("x-amz-checksum-crc64nvme"); got != ChecksumOf(CRC64NVME, data) {
		t.Fatalf("default checksum %q", got)
	}
	resp, body = do(t, sign(t, newReq(t, "GET", url+"/bkt/k", nil, "x-amz-checksum-mode", "ENABLED"), nil))
	if string(body) != string(data) || resp.Header.Get("Content-Type") != "text/x-test" ||
		resp.Header.Get("x-amz-checksum-crc64nvme") != ChecksumOf(CRC64NVME, data) || resp.Header.Get("x-amz-checksum-type") != FullObject {
		t.Fatalf("GET after PUT: %q %v", body, resp.Header)
	}
	if s.Stats().BytesReceived != int64(len(data)) {
		t.Fatalf("BytesReceived = %d", s.Stats().BytesReceived)
	}

	// A checksum the client computed is verified and stored.
	for _, alg := range checksumAlgs {
		resp, body = do(t, sign(t, newReq(t, "PUT", url+"/bkt/"+alg, data, checksumHeader(alg), ChecksumOf(alg, data)), data))
		if resp.StatusCode != 200 || resp.Header.Get(checksumHeader(alg)) != ChecksumOf(alg, data) {
			t.Fatalf("PUT with %s: %d %s", alg, resp.StatusCode, body)
		}
		resp, _ = do(t, sign(t, newReq(t, "HEAD", url+"/bkt/"+alg, nil, "x-amz-checksum-mode", "ENABLED"), nil))
		if resp.Header.Get(checksumHeader(alg)) != ChecksumOf(alg, data) {
			t.Fatalf("HEAD %s checksum %q", alg, resp.Header.Get(checksumHeader(alg)))
		}
	}
	resp, body = do(t, sign(t, newReq(t, "PUT", url+"/bkt/k", data, "x-amz-checksum-algorithm", "CRC32C"), data))
	if resp.Header.Get("x-amz-checksum-crc32c") != ChecksumOf(CRC32C, data) {
		t.Fatalf("x-amz-checksum-algorithm alone: %d %s", resp.StatusCode, body)
	}
	resp, body = do(t, sign(t, newReq(t, "PUT", url+"/bkt/k", data, "x-amz-checksum-crc32", ChecksumOf(CRC32, []byte("other"))), data))
	wantError(t, resp, body, 400, "BadDigest")
	resp, body = do(t, sign(t, newReq(t, "PUT", url+"/bkt/k", data, "x-amz-checksum-crc32", "notbase64!"), data))
	wantError(t, resp, body, 400, "InvalidRequest")

	// The signed payload hash is verified.
	req := sign(t, newReq(t, "PUT", url+"/bkt/k", []byte("different")), data)
	req.ContentLength = int64(len("different"))
	resp, body = do(t, req)
	wantError(t, resp, body, 400, "XAmzContentSHA256Mismatch")

	// Content-MD5.
	sum := md5.Sum([]byte("other"))
	resp, body = do(t, sign(t, newReq(t, "PUT", url+"/bkt/k", data, "Content-MD5", base64.StdEncoding.EncodeToString(sum[:])), data))
	wantError(t, resp, body, 400, "BadDigest")

	// Conditional writes.
	resp, body = do(t, sign(t, newReq(t, "PUT", url+"/bkt/k", data, "If-None-Match", "*"), data))
	wantError(t, resp, body, 412, "PreconditionFailed")
	resp, _ = do(t, sign(t, newReq(t, "PUT", url+"/bkt/new", data, "If-None-Match", "*"), data))
	if resp.StatusCode != 200 {
		t.Fatalf("If-None-Match * on a new key: %d", resp.StatusCode)
	}
}

func TestDeleteObject(t *testing.T) {
	s, url := newTest(t, Options{})
	v1 := s.PutBytes("b", "k", []byte("one"))
	resp, _ := do(t, sign(t, newReq(t, "DELETE", url+"/b/k", nil), nil))
	if resp.StatusCode != 204 || resp.Header.Get("x-amz-delete-marker") != "true" {
		t.Fatalf("DELETE: %d %v", resp.StatusCode, resp.Header)
	}
	marker := resp.Header.Get("x-amz-version-id")
	resp, body := do(t, sign(t, newReq(t, "GET", url+"/b/k", nil), nil))
	wantError(t, resp, body, 404, "NoSuchKey")
	if resp.Header.Get("x-amz-delete-marker") != "true" || resp.Header.Get("x-amz-version-id") != marker || marker == "" {
		t.Fatalf("404 of a deleted key: marker headers %v, want version %q", resp.Header, marker)
	}
	resp, body = do(t, sign(t, newReq(t, "HEAD", url+"/b/k?versionId="+marker, nil), nil))
	if resp.StatusCode != 405 || resp.Header.Get("x-amz-delete-marker") != "true" || len(body) != 0 {
		t.Fatalf("HEAD of a delete marker by versionId: %d %v", resp.StatusCode, resp.Header)
	}
	resp, body = do(t, sign(t, newReq(t, "GET", url+"/b/k?versionId="+v1.VersionID, nil), nil))
	if string(body) != "one" {
		t.Fatalf("old version after delete: %d %s", resp.StatusCode, body)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	_, url := newTest(t, Options{})
	resp, body := do(t, sign(t, newReq(t, "PATCH", url+"/b/k", nil), nil))
	wantError(t, resp, body, 405, "MethodNotAllowed")
}

func TestPutDeclaredLengthDoesNotAllocate(t *testing.T) {
	s := New(Options{Now: func() time.Time { return testTime }})
	s.CreateBucket("b")
	const declared = 2 << 30
	req := httptest.NewRequest("PUT", "http://sim/b/k", strings.NewReader("abc"))
	req.ContentLength = declared
	sign(t, req, []byte("abc"))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > declared/4 {
		t.Fatalf("a PUT declaring %d bytes and sending 3 allocated %d bytes", declared, got)
	}
	if rec.Code != 200 || rec.Header().Get("ETag") != quotedMD5([]byte("abc")) {
		t.Fatalf("PUT: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
}

func TestPutWithoutContentLength(t *testing.T) {
	s, url := newTest(t, Options{})
	s.CreateBucket("b")
	body := []byte("chunked")
	// A reader of unknown length makes net/http send Transfer-Encoding: chunked.
	req := newReq(t, "PUT", url+"/b/k", nil)
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = -1
	resp, got := do(t, signWith(t, req, body, defaultCreds, DefaultRegion, testTime))
	wantError(t, resp, got, 411, "MissingContentLength")
	if resp, _ := do(t, sign(t, newReq(t, "HEAD", url+"/b/k", nil), nil)); resp.StatusCode != 404 {
		t.Fatalf("object stored from a chunked PUT: HEAD %d", resp.StatusCode)
	}
}
