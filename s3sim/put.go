package s3sim

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
)

// maxBody is the largest body the simulator accepts in one request (S3's single PUT limit).
const maxBody = 5 << 30

// maxPreallocate is the most readBody allocates up front on the word of Content-Length; a
// larger body grows the buffer as it arrives.
const maxPreallocate = 16 << 20

// readBody reads a request body, checking it against the signed payload hash (when it is a hex
// SHA-256) and Content-MD5, as S3 does.
func (s *Server) readBody(r *http.Request, payloadHash string) ([]byte, *s3Error) {
	if r.ContentLength > maxBody {
		return nil, newError(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		// Trust the declared length only so far: a client that declares 5 GiB and sends three
		// bytes must not make the simulator allocate 5 GiB.
		buf.Grow(int(min(r.ContentLength, maxPreallocate)))
	}
	n, err := io.Copy(&buf, io.LimitReader(r.Body, maxBody+1))
	s.stats.received.Add(n)
	if err != nil {
		return nil, newError(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
	}
	data := buf.Bytes()
	if isHexSHA256(payloadHash) {
		got := sha256.Sum256(data)
		if hex.EncodeToString(got[:]) != payloadHash {
			return nil, newError(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.",
				field{"ClientComputedContentSHA256", payloadHash}, field{"S3ComputedContentSHA256", hex.EncodeToString(got[:])})
		}
	}
	if v := r.Header.Get("Content-MD5"); v != "" {
		want, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(want) != md5.Size {
			return nil, newError(400, "InvalidDigest", "The Content-MD5 you specified was not valid.")
		}
		if got := md5.Sum(data); !bytes.Equal(got[:], want) {
			return nil, newError(400, "BadDigest", "The Content-MD5 you specified did not match what we received.")
		}
	}
	return data, nil
}

// readObjectBody is readBody for PutObject and UploadPart, which S3 refuses without a
// Content-Length (a chunked body without one is answered 411, not read).
func (s *Server) readObjectBody(r *http.Request, payloadHash string) ([]byte, *s3Error) {
	if r.ContentLength < 0 {
		return nil, newError(http.StatusLengthRequired, "MissingContentLength", "You must provide the Content-Length HTTP header.")
	}
	return s.readBody(r, payloadHash)
}

// isHexSHA256 reports whether v is 64 lower-case hex digits.
func isHexSHA256(v string) bool {
	if len(v) != 64 {
		return false
	}
	_, err := hex.DecodeString(v)
	return err == nil && strings.ToLower(v) == v
}

// requestChecksum finds the checksum algorithm a PUT or UploadPart asks for, and the value the
// client computed (empty when only x-amz-checksum-algorithm is given).
func requestChecksum(r *http.Request) (alg, value string, e *s3Error) {
	for _, a := range checksumAlgs {
		v := r.Header.Get(checksumHeader(a))
		if v == "" {
			continue
		}
		if alg != "" {
			return "", "", errInvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
		}
		if !validChecksumValue(a, v) {
			return "", "", errInvalidRequest("Value for " + checksumHeader(a) + " header is invalid.")
		}
		alg, value = a, v
	}
	if named := strings.ToUpper(r.Header.Get("x-amz-checksum-algorithm")); named != "" && named != alg {
		if newChecksum(named) == nil {
			return "", "", errInvalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
		}
		if alg != "" {
			return "", "", errInvalidRequest("Value for x-amz-checksum-algorithm header is invalid.")
		}
		alg = named
	}
	return alg, value, nil
}

// verifyChecksum computes alg over data and compares it with the client's value, if any. It
// returns the raw digest.
func verifyChecksum(alg, value string, data []byte) ([]byte, *s3Error) {
	h := newChecksum(alg)
	h.Write(data)
	raw := h.Sum(nil)
	if value != "" && base64.StdEncoding.EncodeToString(raw) != value {
		return nil, newError(400, "BadDigest", "The "+alg+" you specified did not match the calculated checksum.")
	}
	return raw, nil
}

// putObject serves PutObject.
func (s *Server) putObject(w http.ResponseWriter, r *http.Request, bucket, key, payloadHash string) *s3Error {
	if r.Header.Get("x-amz-copy-source") != "" {
		return errNotImplemented("x-amz-copy-source")
	}
	if !s.bucketExists(bucket) {
		return errNoSuchBucket(bucket)
	}
	alg, value, e := requestChecksum(r)
	if e != nil {
		return e
	}
	data, e := s.readObjectBody(r, payloadHash)
	if e != nil {
		return e
	}
	if alg == "" {
		alg = CRC64NVME // S3 gives every new object a CRC64NVME checksum when none is sent
	}
	raw, e := verifyChecksum(alg, value, data)
	if e != nil {
		return e
	}
	o := &object{key: key, size: int64(len(data)), data: data, etag: quotedMD5(data), contentType: r.Header.Get("Content-Type"),
		sumAlg: alg, sumType: FullObject}
	if o.contentType == "" {
		o.contentType = defaultContentType
	}
	o.sumOnce.Do(func() { o.sum = base64.StdEncoding.EncodeToString(raw) })

	s.mu.Lock()
	b := s.buckets[bucket]
	if b == nil {
		s.mu.Unlock()
		return errNoSuchBucket(bucket)
	}
	if e := putConditions(r, b, key); e != nil {
		s.mu.Unlock()
		return e
	}
	s.addVersionLocked(b, o)
	s.mu.Unlock()

	h := w.Header()
	h.Set("ETag", o.etag)
	h.Set("x-amz-version-id", o.versionID)
	h.Set(checksumHeader(alg), o.sum)
	h.Set("x-amz-checksum-type", FullObject)
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	return nil
}

// putConditions applies S3's conditional writes (If-None-Match: * and If-Match) to the
// current version of key. s.mu must be held.
func putConditions(r *http.Request, b *bucket, key string) *s3Error {
	versions := b.objects[key]
	var cur *object
	if n := len(versions); n > 0 && !versions[n-1].deleteMarker {
		cur = versions[n-1]
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if inm != "*" {
			return errNotImplemented("If-None-Match")
		}
		if cur != nil {
			return errPreconditionFailed("If-None-Match")
		}
	}
	if im := r.Header.Get("If-Match"); im != "" {
		if cur == nil {
			return errNoSuchKey(key)
		}
		if !etagMatches(im, cur.etag) {
			return errPreconditionFailed("If-Match")
		}
	}
	return nil
}

// bucketExists reports whether a bucket exists.
func (s *Server) bucketExists(name string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.buckets[name] != nil
}

// createBucket serves CreateBucket. Like us-east-1, it answers 200 when the bucket exists and
// is owned by the caller (all buckets are).
func (s *Server) createBucket(w http.ResponseWriter, r *http.Request, bucket, payloadHash string) *s3Error {
	if _, e := s.readBody(r, payloadHash); e != nil {
		return e
	}
	if !validBucketName(bucket) {
		return newError(400, "InvalidBucketName", "The specified bucket is not valid.", field{"BucketName", bucket})
	}
	s.CreateBucket(bucket)
	w.Header().Set("Location", "/"+bucket)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	return nil
}

// validBucketName applies S3's basic naming rules (3-63 characters: lower-case letters,
// digits, dots and hyphens, starting and ending with a letter or digit).
func validBucketName(name string) bool {
	if len(name) < 3 || len(name) > 63 {
		return false
	}
	for i, c := range name {
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && ((c != '.' && c != '-') || i == 0 || i == len(name)-1) {
			return false
		}
	}
	return true
}

// headBucket serves HeadBucket.
func (s *Server) headBucket(w http.ResponseWriter, bucket string) *s3Error {
	if !s.bucketExists(bucket) {
		return errNoSuchBucket(bucket)
	}
	w.Header().Set("x-amz-bucket-region", s.region)
	w.WriteHeader(http.StatusOK)
	return nil
}

// deleteBucket serves DeleteBucket: only an empty bucket (no current object) goes.
func (s *Server) deleteBucket(w http.ResponseWriter, bucket string) *s3Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[bucket]
	if b == nil {
		return errNoSuchBucket(bucket)
	}
	for _, versions := range b.objects {
		if !versions[len(versions)-1].deleteMarker {
			return newError(409, "BucketNotEmpty", "The bucket you tried to delete is not empty", field{"BucketName", bucket})
		}
	}
	delete(s.buckets, bucket)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteObject serves DeleteObject on a versioned bucket: without versionId it adds a delete
// marker; with one it removes that version for good.
func (s *Server) deleteObject(w http.ResponseWriter, r *http.Request, bucket, key string) *s3Error {
	q := r.URL.Query()
	versionID := q.Get("versionId")
	if q.Has("versionId") && !validVersionID(versionID) {
		return errInvalidArgument("Invalid version id specified", "versionId", versionID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[bucket]
	if b == nil {
		return errNoSuchBucket(bucket)
	}
	h := w.Header()
	if versionID == "" {
		m := &object{key: key, deleteMarker: true}
		s.addVersionLocked(b, m)
		h.Set("x-amz-delete-marker", "true")
		h.Set("x-amz-version-id", m.versionID)
	} else {
		versions := b.objects[key]
		for i, o := range versions {
			if o.versionID == versionID {
				b.objects[key] = append(versions[:i:i], versions[i+1:]...)
				if len(b.objects[key]) == 0 {
					delete(b.objects, key)
				}
				h.Set("x-amz-version-id", versionID)
				if o.deleteMarker {
					h.Set("x-amz-delete-marker", "true")
				}
				break
			}
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listBuckets serves ListBuckets.
func (s *Server) listBuckets(w http.ResponseWriter) *s3Error {
	type bucketEntry struct {
		Name         string
		CreationDate string
	}
	type result struct {
		XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListAllMyBucketsResult"`
		Owner   struct{ ID, DisplayName string }
		Buckets []bucketEntry `xml:"Buckets>Bucket"`
	}
	var res result
	res.Owner.ID, res.Owner.DisplayName = "s3sim", "s3sim"
	s.mu.RLock()
	for _, b := range s.buckets {
		res.Buckets = append(res.Buckets, bucketEntry{b.name, b.created.UTC().Format(isoTime)})
	}
	s.mu.RUnlock()
	sortBy(res.Buckets, func(e bucketEntry) string { return e.Name })
	s.writeXML(w, http.StatusOK, res)
	return nil
}

// isoTime is the layout of times in S3's XML answers.
const isoTime = "2006-01-02T15:04:05.000Z"
