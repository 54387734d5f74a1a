package s3sim

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// upload is an open multipart upload.
type upload struct {
	id          string
	key         string
	contentType string
	sumAlg      string
	sumType     string
	parts       map[int]*uploadPart
}

// uploadPart is one uploaded part.
type uploadPart struct {
	data []byte
	md5  [md5.Size]byte
	sum  []byte // raw checksum of the upload's algorithm
}

// etag is the part's quoted ETag.
func (p *uploadPart) etag() string { return `"` + hex.EncodeToString(p.md5[:]) + `"` }

// createMultipartUpload serves CreateMultipartUpload. The checksum algorithm defaults to
// CRC64NVME (full object), as S3 does for new objects; the type defaults to COMPOSITE for the
// other algorithms.
func (s *Server) createMultipartUpload(w http.ResponseWriter, r *http.Request, bucket, key string) *s3Error {
	alg := strings.ToUpper(r.Header.Get("x-amz-checksum-algorithm"))
	typ := strings.ToUpper(r.Header.Get("x-amz-checksum-type"))
	switch {
	case alg == "" && typ != "":
		return errInvalidRequest("The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
	case alg == "":
		alg, typ = CRC64NVME, FullObject
	case newChecksum(alg) == nil:
		return errInvalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
	case typ == "" && alg == CRC64NVME:
		typ = FullObject
	case typ == "":
		typ = Composite
	case typ != FullObject && typ != Composite:
		return errInvalidRequest("Value for x-amz-checksum-type header is invalid.")
	case typ == FullObject && !canCombineFullObject(alg):
		return errInvalidRequest("The FULL_OBJECT checksum type cannot be used with the " + strings.ToLower(alg) + " checksum algorithm.")
	case typ == Composite && alg == CRC64NVME:
		return errInvalidRequest("The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.")
	}
	u := &upload{key: key, contentType: r.Header.Get("Content-Type"), sumAlg: alg, sumType: typ, parts: map[int]*uploadPart{}}
	if u.contentType == "" {
		u.contentType = defaultContentType
	}
	s.mu.Lock()
	b := s.buckets[bucket]
	if b == nil {
		s.mu.Unlock()
		return errNoSuchBucket(bucket)
	}
	u.id = s.newIDLocked()
	b.uploads[u.id] = u
	s.mu.Unlock()

	w.Header().Set("x-amz-checksum-algorithm", alg)
	w.Header().Set("x-amz-checksum-type", typ)
	s.writeXML(w, http.StatusOK, struct {
		XMLName  xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ InitiateMultipartUploadResult"`
		Bucket   string
		Key      string
		UploadId string
	}{Bucket: bucket, Key: key, UploadId: u.id})
	return nil
}

// findUpload returns the open upload id of bucket/key.
func (s *Server) findUpload(bucket, key, id string) (*bucket, *upload, *s3Error) {
	b := s.buckets[bucket]
	if b == nil {
		return nil, nil, errNoSuchBucket(bucket)
	}
	u := b.uploads[id]
	if u == nil || u.key != key {
		return nil, nil, errNoSuchUpload(id)
	}
	return b, u, nil
}

// uploadPart serves UploadPart.
func (s *Server) uploadPart(w http.ResponseWriter, r *http.Request, bucket, key, payloadHash string) *s3Error {
	q := r.URL.Query()
	n, err := strconv.Atoi(q.Get("partNumber"))
	if err != nil || n < 1 || n > 10000 {
		return errInvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", q.Get("partNumber"))
	}
	id := q.Get("uploadId")
	s.mu.RLock()
	_, u, e := s.findUpload(bucket, key, id)
	s.mu.RUnlock()
	if e != nil {
		return e
	}
	alg, value, e := requestChecksum(r)
	if e != nil {
		return e
	}
	if alg != "" && alg != u.sumAlg {
		return errInvalidRequest("Checksum Type mismatch occurred, expected checksum Type: " + strings.ToLower(u.sumAlg) + ", actual checksum Type: " + strings.ToLower(alg))
	}
	data, e := s.readObjectBody(r, payloadHash)
	if e != nil {
		return e
	}
	p := &uploadPart{data: data, md5: md5.Sum(data)}
	if p.sum, e = verifyChecksum(u.sumAlg, value, data); e != nil {
		return e
	}
	s.mu.Lock()
	_, u, e = s.findUpload(bucket, key, id)
	if e == nil {
		u.parts[n] = p
	}
	s.mu.Unlock()
	if e != nil {
		return e
	}
	w.Header().Set("ETag", p.etag())
	w.Header().Set(checksumHeader(u.sumAlg), base64.StdEncoding.EncodeToString(p.sum))
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	return nil
}

// completePart is one <Part> of a CompleteMultipartUpload body.
type completePart struct {
	PartNumber        int
	ETag              string
	ChecksumCRC32     string
	ChecksumCRC32C    string
	ChecksumCRC64NVME string
	ChecksumSHA1      string
	ChecksumSHA256    string
}

// incompletePart reports whether a listed part lacks its number or its ETag.
func incompletePart(p completePart) bool { return p.PartNumber == 0 || p.ETag == "" }

// checksum returns the part checksum the client listed for alg.
func (p completePart) checksum(alg string) string {
	switch alg {
	case CRC32:
		return p.ChecksumCRC32
	case CRC32C:
		return p.ChecksumCRC32C
	case CRC64NVME:
		return p.ChecksumCRC64NVME
	case SHA1:
		return p.ChecksumSHA1
	}
	return p.ChecksumSHA256
}

// completeMultipartUpload serves CompleteMultipartUpload: it checks the part list as S3 does and
// stores the object with S3's multipart ETag and checksum.
func (s *Server) completeMultipartUpload(w http.ResponseWriter, r *http.Request, bucket, key, payloadHash string) *s3Error {
	body, e := s.readBody(r, payloadHash)
	if e != nil {
		return e
	}
	var req struct {
		Parts []completePart `xml:"Part"`
	}
	// S3 answers MalformedXML, not InvalidRequest, to an empty part list and to a part
	// without its PartNumber or ETag: the body fails its schema.
	if err := xml.Unmarshal(body, &req); err != nil || len(req.Parts) == 0 || slices.ContainsFunc(req.Parts, incompletePart) {
		return newError(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.")
	}
	o, sum, e := s.complete(bucket, key, r.URL.Query().Get("uploadId"), req.Parts)
	if e != nil {
		return e
	}
	h := w.Header()
	h.Set("x-amz-version-id", o.versionID)
	h.Set("x-amz-checksum-type", o.sumType)
	res := struct {
		XMLName           xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ CompleteMultipartUploadResult"`
		Location          string
		Bucket            string
		Key               string
		ETag              string
		ChecksumCRC32     string `xml:",omitempty"`
		ChecksumCRC32C    string `xml:",omitempty"`
		ChecksumCRC64NVME string `xml:",omitempty"`
		ChecksumSHA1      string `xml:",omitempty"`
		ChecksumSHA256    string `xml:",omitempty"`
		ChecksumType      string
	}{Location: "/" + bucket + "/" + key, Bucket: bucket, Key: key, ETag: o.etag, ChecksumType: o.sumType}
	switch o.sumAlg {
	case CRC32:
		res.ChecksumCRC32 = sum
	case CRC32C:
		res.ChecksumCRC32C = sum
	case CRC64NVME:
		res.ChecksumCRC64NVME = sum
	case SHA1:
		res.ChecksumSHA1 = sum
	case SHA256:
		res.ChecksumSHA256 = sum
	}
	s.writeXML(w, http.StatusOK, res)
	return nil
}

// abortMultipartUpload serves AbortMultipartUpload.
func (s *Server) abortMultipartUpload(w http.ResponseWriter, r *http.Request, bucket, key string) *s3Error {
	id := r.URL.Query().Get("uploadId")
	s.mu.Lock()
	b, _, e := s.findUpload(bucket, key, id)
	if e == nil {
		delete(b.uploads, id)
	}
	s.mu.Unlock()
	if e != nil {
		return e
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// complete checks the part list of upload id and stores the object. It returns the object and
// its checksum.
func (s *Server) complete(bucket, key, id string, list []completePart) (*object, string, *s3Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, u, e := s.findUpload(bucket, key, id)
	if e != nil {
		return nil, "", e
	}
	o := &object{key: key, contentType: u.contentType, sumAlg: u.sumAlg, sumType: u.sumType}
	var md5s []byte
	var content [][]byte
	for i := 1; i < len(list); i++ {
		if list[i].PartNumber <= list[i-1].PartNumber {
			return nil, "", newError(400, "InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.", field{"UploadId", id})
		}
	}
	for i, cp := range list {
		p := u.parts[cp.PartNumber]
		if p == nil || !etagMatches(cp.ETag, p.etag()) ||
			(cp.checksum(u.sumAlg) != "" && cp.checksum(u.sumAlg) != base64.StdEncoding.EncodeToString(p.sum)) {
			return nil, "", newError(400, "InvalidPart", "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
				field{"UploadId", id}, field{"PartNumber", strconv.Itoa(cp.PartNumber)}, field{"ETag", cp.ETag})
		}
		if i < len(list)-1 && int64(len(p.data)) < s.minPart {
			return nil, "", newError(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size",
				field{"ProposedSize", strconv.Itoa(len(p.data))}, field{"MinSizeAllowed", strconv.FormatInt(s.minPart, 10)},
				field{"PartNumber", strconv.Itoa(cp.PartNumber)}, field{"ETag", p.etag()})
		}
		o.parts = append(o.parts, objPart{offset: o.size, size: int64(len(p.data)), sum: p.sum})
		o.size += int64(len(p.data))
		md5s = append(md5s, p.md5[:]...)
		content = append(content, p.data)
	}
	o.data = bytes.Join(content, nil)
	o.etag = multipartETag(md5s, len(list))
	sum, _ := o.checksums(s.genSumLimit)
	delete(b.uploads, id)
	s.addVersionLocked(b, o)

	return o, sum, nil
}
