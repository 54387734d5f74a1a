// Package planner learns what an object is (size, ETag, checksums, parts) from a signed HEAD and
// splits the bytes to fetch into ranges. A Plan is plain data that serialises to JSON, so a
// journal can store it and a resumed download can check it still fits the object.
package planner

import (
	"fmt"
	"time"
)

// DefaultChunkSize is the size of a range when the user names none.
const DefaultChunkSize = 8 << 20

// MaxRanges bounds how many ranges one plan may hold. A tiny chunk size on a huge object would
// otherwise allocate (and journal) millions of ranges; the user is told to pick a larger chunk.
const MaxRanges = 1 << 22

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
func (r Range) Header() string { return fmt.Sprintf("bytes=%d-%d", r.Offset, r.End()-1) }

// Span is a user's byte range, inclusive at both ends like HTTP ("40-2000").
type Span struct {
	First int64
	Last  int64
}

// String is the span as the user writes it, "FIRST-LAST".
func (s Span) String() string { return fmt.Sprintf("%d-%d", s.First, s.Last) }

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
// gets a plan with no ranges (S3 answers a ranged GET of an empty object with 416, so none is
// sent).
//
// Unlike HTTP, which clamps a Range whose last byte is past the end, a span whose Last is past
// the end is an error too: the user asked for bytes that do not exist, and silently writing a
// shorter file would hide that.
func New(obj Object, span *Span, chunkSize int64) (Plan, error) {
	if chunkSize == 0 {
		chunkSize = DefaultChunkSize
	}
	if chunkSize < 0 {
		return Plan{}, fmt.Errorf("chunk size %d is negative: give a positive size such as 8MiB", chunkSize)
	}
	if obj.Size < 0 {
		return Plan{}, fmt.Errorf("object size %d is negative: the server sent a bad Content-Length", obj.Size)
	}
	p := Plan{Object: obj, Length: obj.Size, ChunkSize: chunkSize}
	if span != nil {
		if span.First < 0 || span.Last < span.First {
			return Plan{}, fmt.Errorf("range %s is not valid: want FIRST-LAST with 0 <= FIRST <= LAST", span)
		}
		if span.Last >= obj.Size {
			hint := fmt.Sprintf("the last byte is %d", obj.Size-1)
			if obj.Size == 0 {
				hint = "the object is empty"
			}
			return Plan{}, fmt.Errorf("range %s is past the end of the object (%d bytes): %s", span, obj.Size, hint)
		}
		p.Start = span.First
		p.Length = span.Last - span.First + 1
	}
	n := p.Length / chunkSize
	if p.Length%chunkSize != 0 {
		n++
	}
	if n > MaxRanges {
		return Plan{}, fmt.Errorf("chunk size %d cuts %d bytes into %d ranges, more than %d: choose a larger chunk size",
			chunkSize, p.Length, n, MaxRanges)
	}
	p.Ranges = make([]Range, 0, n)
	end := p.Start + p.Length
	// Step by each range's own length: off+chunkSize would overflow for a chunk size near
	// MaxInt64 once a span moves Start off zero.
	for off := p.Start; off < end; {
		n := min(chunkSize, end-off)
		p.Ranges = append(p.Ranges, Range{Index: len(p.Ranges), Offset: off, Length: n})
		off += n
	}
	return p, nil
}
