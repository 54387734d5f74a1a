package s3sim

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// defaultContentType is what S3 stores when a PUT gives no Content-Type.
const defaultContentType = "binary/octet-stream"

// bucket is one bucket: its objects (every version kept) and its open multipart uploads.
type bucket struct {
	name    string
	public  bool
	created time.Time
	objects map[string][]*object // versions of each key, oldest first
	uploads map[string]*upload
}

// object is one immutable version of a key. Its content is data, or generated from seed.
// Only the lazily computed checksums change after creation, under sumOnce.
type object struct {
	key          string
	versionID    string
	size         int64
	etag         string // quoted
	modified     time.Time
	contentType  string
	data         []byte
	generated    bool
	seed         int64
	parts        []objPart // nil unless the object was uploaded in parts
	deleteMarker bool
	sumAlg       string // "" when the object has no checksum
	sumType      string // FullObject or Composite

	sumOnce  sync.Once
	sum      string   // base64 (with -N when composite); "" when not computed
	partSums []string // base64 checksum of each part
}

// objPart is one part of a multipart object.
type objPart struct {
	offset, size int64
	sum          []byte // raw part checksum, when the upload had an algorithm and the part was stored
}

// fill copies the object's bytes at off into p.
func (o *object) fill(off int64, p []byte) {
	if o.generated {
		Generate(o.seed, off, p)
		return
	}
	copy(p, o.data[off:])
}

// checksums returns the object's checksum and its parts' checksums, computing them on first
// use. Generated objects above the server's limit have none.
func (o *object) checksums(limit int64) (string, []string) {
	if o.sumAlg == "" || (o.generated && (limit < 0 || o.size > limit)) {
		return "", nil
	}
	o.sumOnce.Do(func() {
		buf := make([]byte, 256<<10)
		hashRange := func(off, n int64) []byte {
			h := newChecksum(o.sumAlg)
			for n > 0 {
				m := min(n, int64(len(buf)))
				o.fill(off, buf[:m])
				h.Write(buf[:m])
				off, n = off+m, n-m
			}
			return h.Sum(nil)
		}
		var raws [][]byte
		for _, p := range o.parts {
			raw := p.sum
			if raw == nil {
				raw = hashRange(p.offset, p.size)
			}
			raws = append(raws, raw)
			o.partSums = append(o.partSums, base64.StdEncoding.EncodeToString(raw))
		}
		if o.sumType == Composite && len(o.parts) > 0 {
			o.sum = compositeChecksum(o.sumAlg, raws)
		} else {
			o.sum = base64.StdEncoding.EncodeToString(hashRange(0, o.size))
		}
	})
	return o.sum, o.partSums
}

// info returns what tests see of the object.
func (o *object) info() ObjectInfo {
	return ObjectInfo{Size: o.size, ETag: o.etag, VersionID: o.versionID, LastModified: o.modified, Parts: len(o.parts)}
}

// ObjectInfo is what the simulator stored.
type ObjectInfo struct {
	Size         int64
	ETag         string // quoted
	VersionID    string
	LastModified time.Time // what Last-Modified reports (whole seconds)
	Parts        int       // number of multipart parts; 0 for a single-part object
}

// PutOptions shape an object stored by PutObject or PutGeneratedObject.
type PutOptions struct {
	// ContentType is stored and served; "binary/octet-stream" (S3's default) when empty.
	ContentType string
	// PartSize, when > 0, stores the object as if uploaded in parts of this size (the last one
	// smaller): S3's multipart ETag "md5-N", partNumber reads and x-amz-mp-parts-count.
	PartSize int64
	// ChecksumAlgorithm is CRC64NVME (S3's default for new objects) when empty; "NONE" stores
	// no checksum.
	ChecksumAlgorithm string
	// ChecksumType is FullObject or Composite. When empty: FULL_OBJECT for a single-part object
	// and for CRC64NVME, COMPOSITE for other multipart objects, as S3 does.
	ChecksumType string
}

// CreateBucket adds an empty bucket (no-op if it exists).
func (s *Server) CreateBucket(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bucketLocked(name)
}

// bucketLocked returns the bucket name, creating it. s.mu must be held for writing.
func (s *Server) bucketLocked(name string) *bucket {
	b := s.buckets[name]
	if b == nil {
		b = &bucket{name: name, created: s.now(), objects: map[string][]*object{}, uploads: map[string]*upload{}}
		s.buckets[name] = b
	}
	return b
}

// SetPublic allows (or stops) anonymous reads of a bucket (GET, HEAD and listing), creating
// the bucket if needed.
func (s *Server) SetPublic(bucket string, public bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bucketLocked(bucket).public = public
}

// PutBytes stores data under bucket/key (creating the bucket), replacing any object there. The
// object gets S3's MD5 ETag and a CRC64NVME checksum. data is copied.
func (s *Server) PutBytes(bucket, key string, data []byte) ObjectInfo {
	return s.PutObject(bucket, key, data, PutOptions{})
}

// PutObject is PutBytes with options (content type, parts, checksum).
func (s *Server) PutObject(bucket, key string, data []byte, opt PutOptions) ObjectInfo {
	o := &object{key: key, size: int64(len(data)), data: bytes.Clone(data)}
	if o.data == nil {
		o.data = []byte{}
	}
	o.parts = splitParts(o.size, opt.PartSize)
	if o.parts == nil {
		o.etag = quotedMD5(data)
	} else {
		var sums []byte
		for _, p := range o.parts {
			h := md5.Sum(data[p.offset : p.offset+p.size])
			sums = append(sums, h[:]...)
		}
		o.etag = multipartETag(sums, len(o.parts))
	}
	return s.store(bucket, o, opt)
}

// PutGenerated stores a generated object of size bytes whose content is Generate(seed, ...).
// It costs no memory and no time whatever the size. Its ETag is synthetic: the quoted hex MD5
// of the seed and size (not of the content), so the same seed and size give the same ETag, as
// the same content does on S3.
func (s *Server) PutGenerated(bucket, key string, size, seed int64) ObjectInfo {
	return s.PutGeneratedObject(bucket, key, size, seed, PutOptions{})
}

// PutGeneratedObject is PutGenerated with options. With PartSize, the synthetic ETag has S3's
// multipart "-N" suffix. Checksums are computed lazily (see Options.GeneratedChecksumLimit).
func (s *Server) PutGeneratedObject(bucket, key string, size, seed int64, opt PutOptions) ObjectInfo {
	o := &object{key: key, size: size, generated: true, seed: seed, etag: GeneratedETag(size, seed, opt.PartSize)}
	o.parts = splitParts(size, opt.PartSize)
	return s.store(bucket, o, opt)
}

// GeneratedETag returns the synthetic ETag of a generated object (partSize 0 for a single-part
// one): a quoted hex MD5 of the seed, size and part size, not of the content, with S3's "-N"
// suffix when the object has N parts.
func GeneratedETag(size, seed, partSize int64) string {
	var id [24]byte
	binary.BigEndian.PutUint64(id[0:], uint64(seed))
	binary.BigEndian.PutUint64(id[8:], uint64(size))
	binary.BigEndian.PutUint64(id[16:], uint64(max(partSize, 0)))
	sum := md5.Sum(append([]byte("s3sim-generated"), id[:]...))
	if parts := splitParts(size, partSize); parts != nil {
		return multipartETag(sum[:], len(parts))
	}
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// store fills the common fields of o, then adds it as the newest version of its key.
func (s *Server) store(bucket string, o *object, opt PutOptions) ObjectInfo {
	o.contentType = opt.ContentType
	if o.contentType == "" {
		o.contentType = defaultContentType
	}
	o.sumAlg = opt.ChecksumAlgorithm
	switch {
	case o.sumAlg == "":
		o.sumAlg = CRC64NVME
	case o.sumAlg == "NONE":
		o.sumAlg = ""
	case newChecksum(o.sumAlg) == nil:
		panic("s3sim: unknown checksum algorithm " + strconv.Quote(o.sumAlg))
	}
	o.sumType = opt.ChecksumType
	if o.sumType == "" {
		o.sumType = FullObject
		if o.parts != nil && o.sumAlg != CRC64NVME {
			o.sumType = Composite
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addVersionLocked(s.bucketLocked(bucket), o)
	return o.info()
}

// addVersionLocked stamps o with a new version id and time and makes it the current version.
func (s *Server) addVersionLocked(b *bucket, o *object) {
	o.versionID = s.newIDLocked()
	o.modified = s.now().UTC().Truncate(time.Second)
	b.objects[o.key] = append(b.objects[o.key], o)
}

// newIDLocked returns a fresh 32-character id for a version or an upload.
func (s *Server) newIDLocked() string {
	s.seq++
	return fmt.Sprintf("%016x%016x", genWord(0x5eed, s.seq), genWord(0x1d, s.seq))
}

// maxParts is S3's limit on the parts of a multipart object.
const maxParts = 10000

// splitParts returns the parts of an object of size uploaded in parts of partSize, or nil. It
// panics past S3's 10,000 parts: that is a test's mistake, and a tiny PartSize on a 100 GiB
// generated object would otherwise allocate a part table as large as the machine.
func splitParts(size, partSize int64) []objPart {
	if partSize <= 0 {
		return nil
	}
	if size == 0 {
		return []objPart{{}}
	}
	if n := (size-1)/partSize + 1; n > maxParts {
		panic(fmt.Sprintf("s3sim: %d bytes in parts of %d make %d parts; S3 allows at most %d: use a larger PartSize", size, partSize, n, maxParts))
	}
	var parts []objPart
	for off := int64(0); off < size; off += partSize {
		parts = append(parts, objPart{offset: off, size: min(partSize, size-off)})
	}
	return parts
}

// quotedMD5 is S3's ETag of a single-part object.
func quotedMD5(data []byte) string {
	h := md5.Sum(data)
	return `"` + hex.EncodeToString(h[:]) + `"`
}

// multipartETag is S3's ETag of a multipart object: the MD5 of the concatenated binary part
// MD5s, a dash and the part count.
func multipartETag(concatMD5s []byte, n int) string {
	h := md5.Sum(concatMD5s)
	return `"` + hex.EncodeToString(h[:]) + "-" + strconv.Itoa(n) + `"`
}

// lookup finds a version of bucket/key: the current one when versionID is empty. When that
// current version is a delete marker it returns the marker with NoSuchKey, so the caller can
// send the marker's headers with the 404, as S3 does.
func (s *Server) lookup(bucketName, key, versionID string) (*object, *s3Error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b := s.buckets[bucketName]
	if b == nil {
		return nil, errNoSuchBucket(bucketName)
	}
	versions := b.objects[key]
	if versionID == "" {
		if len(versions) == 0 {
			return nil, errNoSuchKey(key)
		}
		if cur := versions[len(versions)-1]; cur.deleteMarker {
			return cur, errNoSuchKey(key)
		}
		return versions[len(versions)-1], nil
	}
	for _, o := range versions {
		if o.versionID == versionID {
			return o, nil
		}
	}
	return nil, errNoSuchVersion(key, versionID)
}
