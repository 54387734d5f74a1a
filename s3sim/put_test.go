package s3sim

import (
	"crypto/md5"
	"encoding/base64"
	"testing"
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
	resp, body := do(t, sign(t, newReq(t, "GET", url+"/b/k", nil), nil))
	wantError(t, resp, body, 404, "NoSuchKey")
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
