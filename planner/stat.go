package planner

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Header sends a HEAD for the object; s3http.Object is one.
type Header interface {
	Head(ctx context.Context, hdr http.Header) (*http.Response, error)
}

// checksumHeaders maps each x-amz-checksum-* header S3 may send to its key in Object.Checksums.
var checksumHeaders = [...]struct{ header, name string }{
	{"X-Amz-Checksum-Crc32", "CRC32"},
	{"X-Amz-Checksum-Crc32c", "CRC32C"},
	{"X-Amz-Checksum-Crc64nvme", "CRC64NVME"},
	{"X-Amz-Checksum-Sha1", "SHA1"},
	{"X-Amz-Checksum-Sha256", "SHA256"},
}

// Stat sends a HEAD (asking for checksums with x-amz-checksum-mode: ENABLED, without which S3
// leaves them out) and reads the object's identity from the answer.
func Stat(ctx context.Context, h Header) (Object, error) {
	hdr := http.Header{}
	hdr.Set("X-Amz-Checksum-Mode", "ENABLED")
	resp, err := h.Head(ctx, hdr)
	if err != nil {
		return Object{}, err
	}
	// A HEAD has no body, but closing it hands the connection back for reuse.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Object{}, fmt.Errorf("HEAD answered %s, want 200 OK: the server does not describe the object", resp.Status)
	}
	return FromHeader(resp.Header)
}

// FromHeader reads an Object from HEAD response headers. Content-Length is required. The
// parts count comes from x-amz-mp-parts-count, else from a multipart ETag's "-N" suffix. A
// Last-Modified that does not parse is left zero: it is informational, and a quirky
// S3-compatible server should not block a download over it.
func FromHeader(h http.Header) (Object, error) {
	cl := h.Get("Content-Length")
	if cl == "" {
		return Object{}, fmt.Errorf("HEAD answer has no Content-Length: the server did not say the object's size")
	}
	size, err := strconv.ParseInt(cl, 10, 64)
	if err != nil || size < 0 {
		return Object{}, fmt.Errorf("HEAD answer has a bad Content-Length %q: the server did not say the object's size", cl)
	}
	obj := Object{
		Size:         size,
		ETag:         h.Get("ETag"),
		ContentType:  h.Get("Content-Type"),
		VersionID:    h.Get("X-Amz-Version-Id"),
		ChecksumType: h.Get("X-Amz-Checksum-Type"),
	}
	if lm := h.Get("Last-Modified"); lm != "" {
		if t, err := http.ParseTime(lm); err == nil {
			obj.LastModified = t.UTC()
		}
	}
	if pc := strings.TrimSpace(h.Get("X-Amz-Mp-Parts-Count")); pc != "" {
		n, err := strconv.Atoi(pc)
		if err != nil || n < 0 {
			return Object{}, fmt.Errorf("HEAD answer has a bad x-amz-mp-parts-count %q: the server sent a malformed header", pc)
		}
		obj.PartsCount = n
	} else {
		obj.PartsCount = etagParts(obj.ETag)
	}
	for _, c := range checksumHeaders {
		if v := h.Get(c.header); v != "" {
			if obj.Checksums == nil {
				obj.Checksums = map[string]string{}
			}
			obj.Checksums[c.name] = v
		}
	}
	return obj, nil
}

// etagParts reads the parts count from a multipart upload's ETag, "<32 hex digits>-<parts>"
// (quotes included or not), or 0 for any other ETag. S3 sends x-amz-mp-parts-count only to a
// HEAD that names a part number, so for a plain HEAD the ETag is where the count is.
func etagParts(etag string) int {
	hexPart, parts, ok := strings.Cut(strings.Trim(etag, `"`), "-")
	if !ok || len(hexPart) != 32 || strings.Trim(hexPart, "0123456789abcdefABCDEF") != "" {
		return 0
	}
	n, err := strconv.Atoi(parts)
	if err != nil || n < 1 || strings.HasPrefix(parts, "+") {
		return 0
	}
	return n
}
