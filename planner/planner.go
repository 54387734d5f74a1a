// Package planner learns what an object is (size, ETag, checksums, parts) from a signed HEAD and
// splits the bytes to fetch into ranges. A Plan is plain data that serialises to JSON, so a
// journal can store it and a resumed download can check it still fits the object.
package planner

import (
	"context"
	"net/http"
	"time"
)

// DefaultChunkSize is the size of a range when the user names none.
const DefaultChunkSize = 8 << 20

// Object is what a HEAD says about an object.
type Object struct {
	Size         int64             `json:"size"`
	ETag         string            `json:"etag"` // as S3 sends it, quotes included
	LastModified time.Time         `json:"last_modified"`
	ContentType  string            `json:"content_type,omitempty"`
	VersionID    string            `json:"version_id,omitempty"`
	PartsCount   int               `json:"parts_count,omitempty"` // x-amz-mp-parts-count, 0 if absent
	Checksums    map[string]string `json:"checksums,omitempty"`   // "CRC32C" -> base64 value, as sent
	ChecksumType string            `json:"checksum_type,omitempty"`
}

// Range is one piece of the object, in object offsets.
type Range struct {
	Index  int   `json:"index"`
	Offset int64 `json:"offset"`
	Length int64 `json:"length"`
}

// End is the offset just past the range.
func (r Range) End() int64 { return r.Offset + r.Length }

// Header is the HTTP Range header value, "bytes=first-last" (inclusive).
func (r Range) Header() string { panic("unimplemented") }

// Span is a user's byte range, inclusive at both ends like HTTP ("40-2000").
type Span struct {
	First int64
	Last  int64
}

// Plan says which bytes to fetch and how they are cut. The output file holds exactly the bytes
// [Start, Start+Length) of the object: a range lands at file offset Range.Offset-Start.
type Plan struct {
	Object    Object  `json:"object"`
	Start     int64   `json:"start"`
	Length    int64   `json:"length"`
	ChunkSize int64   `json:"chunk_size"`
	Ranges    []Range `json:"ranges"`
}

// New plans obj in ranges of chunkSize (DefaultChunkSize when 0). With span, only those bytes;
// a span past the end of the object is an error that says the object's size. A 0-byte object
// gets a plan with no ranges.
func New(obj Object, span *Span, chunkSize int64) (Plan, error) { panic("unimplemented") }

// ParseSize reads a size: plain bytes, or with a suffix K, KB, KiB, M, MB, MiB, G, GB, GiB, T...
// (case-insensitive; K/M/G and KiB/MiB/GiB are powers of 1024, KB/MB/GB powers of 1000).
func ParseSize(s string) (int64, error) { panic("unimplemented") }

// ParseSpan reads "FIRST-LAST" (inclusive, FIRST <= LAST).
func ParseSpan(s string) (Span, error) { panic("unimplemented") }

// Header sends a HEAD for the object; s3http.Object is one.
type Header interface {
	Head(ctx context.Context, hdr http.Header) (*http.Response, error)
}

// Stat sends a HEAD (asking for checksums with x-amz-checksum-mode: ENABLED) and reads the
// object's identity from the answer.
func Stat(ctx context.Context, h Header) (Object, error) { panic("unimplemented") }

// FromHeader reads an Object from HEAD response headers.
func FromHeader(h http.Header) (Object, error) { panic("unimplemented") }
