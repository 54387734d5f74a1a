package planner

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func TestRangeHeader(t *testing.T) {
	for _, tc := range []struct {
		r    Range
		want string
	}{
		{Range{Offset: 0, Length: 1}, "bytes=0-0"},
		{Range{Offset: 0, Length: 8 << 20}, "bytes=0-8388607"},
		{Range{Offset: 40, Length: 1961}, "bytes=40-2000"},
	} {
		if got := tc.r.Header(); got != tc.want {
			t.Errorf("%+v.Header() = %q, want %q", tc.r, got, tc.want)
		}
	}
}

func TestNew(t *testing.T) {
	const chunk = 100
	rs := func(pairs ...int64) []Range {
		out := []Range{}
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, Range{Index: i / 2, Offset: pairs[i], Length: pairs[i+1]})
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		size      int64
		span      *Span
		chunk     int64
		start     int64
		length    int64
		wantChunk int64
		want      []Range
	}{
		{"empty object", 0, nil, chunk, 0, 0, chunk, rs()},
		{"one byte", 1, nil, chunk, 0, 1, chunk, rs(0, 1)},
		{"chunk-1", chunk - 1, nil, chunk, 0, chunk - 1, chunk, rs(0, chunk-1)},
		{"chunk", chunk, nil, chunk, 0, chunk, chunk, rs(0, chunk)},
		{"chunk+1", chunk + 1, nil, chunk, 0, chunk + 1, chunk, rs(0, chunk, chunk, 1)},
		{"chunk larger than object", 10, nil, 1 << 30, 0, 10, 1 << 30, rs(0, 10)},
		{"default chunk", DefaultChunkSize + 5, nil, 0, 0, DefaultChunkSize + 5, DefaultChunkSize,
			rs(0, DefaultChunkSize, DefaultChunkSize, 5)},
		{"span inside", 1000, &Span{40, 260}, chunk, 40, 221, chunk, rs(40, 100, 140, 100, 240, 21)},
		{"span of one byte", 1000, &Span{999, 999}, chunk, 999, 1, chunk, rs(999, 1)},
		{"span of whole object", 1000, &Span{0, 999}, 500, 0, 1000, 500, rs(0, 500, 500, 500)},
		{"huge chunk with span", 1000, &Span{5, 14}, math.MaxInt64, 5, 10, math.MaxInt64, rs(5, 10)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obj := Object{Size: tc.size, ETag: `"abc"`}
			p, err := New(obj, tc.span, tc.chunk)
			if err != nil {
				t.Fatal(err)
			}
			if p.Start != tc.start || p.Length != tc.length || p.ChunkSize != tc.wantChunk {
				t.Errorf("Start, Length, ChunkSize = %d, %d, %d; want %d, %d, %d",
					p.Start, p.Length, p.ChunkSize, tc.start, tc.length, tc.wantChunk)
			}
			if !reflect.DeepEqual(p.Ranges, tc.want) {
				t.Errorf("Ranges = %+v, want %+v", p.Ranges, tc.want)
			}
			if !reflect.DeepEqual(p.Object, obj) {
				t.Errorf("Object = %+v, want %+v", p.Object, obj)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		size  int64
		span  *Span
		chunk int64
		want  string
	}{
		{"span past end", 1000, &Span{40, 2000}, 0,
			"range 40-2000 is past the end of the object (1000 bytes): the last byte is 999"},
		{"span starts past end", 1000, &Span{1000, 1000}, 0,
			"range 1000-1000 is past the end of the object (1000 bytes): the last byte is 999"},
		{"span on empty object", 0, &Span{0, 0}, 0,
			"range 0-0 is past the end of the object (0 bytes): the object is empty"},
		{"span reversed", 1000, &Span{5, 4}, 0,
			"range 5-4 is not valid: want FIRST-LAST with 0 <= FIRST <= LAST"},
		{"span negative", 1000, &Span{-1, 4}, 0,
			"range -1-4 is not valid: want FIRST-LAST with 0 <= FIRST <= LAST"},
		{"negative chunk", 1000, nil, -1,
			"chunk size -1 is negative: give a positive size such as 8MiB"},
		{"negative size", -1, nil, 0,
			"object size -1 is negative: the server sent a bad Content-Length"},
		{"too many ranges", 1 << 40, nil, 1,
			"chunk size 1 cuts 1099511627776 bytes into 1099511627776 ranges, more than 4194304: choose a larger chunk size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(Object{Size: tc.size}, tc.span, tc.chunk)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestNewProperty checks for random sizes, chunks and spans that the ranges are contiguous,
// cover exactly [Start, Start+Length), are at most a chunk long and are numbered in order.
func TestNewProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		size := rng.Int64N(10000)
		chunk := 1 + rng.Int64N(3000)
		var span *Span
		start, length := int64(0), size
		if size > 0 && rng.IntN(2) == 0 {
			first := rng.Int64N(size)
			last := first + rng.Int64N(size-first)
			span = &Span{first, last}
			start, length = first, last-first+1
		}
		p, err := New(Object{Size: size}, span, chunk)
		if err != nil {
			t.Fatalf("size %d span %v chunk %d: %v", size, span, chunk, err)
		}
		if p.Start != start || p.Length != length {
			t.Fatalf("size %d span %v: Start, Length = %d, %d; want %d, %d", size, span, p.Start, p.Length, start, length)
		}
		next := start
		for j, r := range p.Ranges {
			if r.Index != j || r.Offset != next || r.Length <= 0 || r.Length > chunk {
				t.Fatalf("size %d span %v chunk %d: range %d is %+v, want index %d at %d", size, span, chunk, j, r, j, next)
			}
			if j < len(p.Ranges)-1 && r.Length != chunk {
				t.Fatalf("size %d chunk %d: inner range %+v is shorter than a chunk", size, chunk, r)
			}
			next = r.End()
		}
		if next != start+length {
			t.Fatalf("size %d span %v chunk %d: ranges end at %d, want %d", size, span, chunk, next, start+length)
		}
	}
}

func TestPlanJSONRoundTrip(t *testing.T) {
	obj := Object{
		Size:         12345,
		ETag:         `"0123456789abcdef-3"`,
		LastModified: time.Date(2026, 11, 27, 7, 44, 0, 0, time.UTC),
		ContentType:  "application/octet-stream",
		VersionID:    "v1",
		PartsCount:   3,
		Checksums:    map[string]string{"CRC32C": "yZRlqg==", "SHA256": "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="},
		ChecksumType: "COMPOSITE",
	}
	for _, p := range []Plan{mustNew(t, obj, &Span{10, 9000}, 1000), mustNew(t, Object{}, nil, 0)} {
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var back Plan
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, p) {
			t.Errorf("round trip changed the plan:\n got %+v\nwant %+v\njson %s", back, p, b)
		}
	}
}

func mustNew(t *testing.T, obj Object, span *Span, chunk int64) Plan {
	t.Helper()
	p, err := New(obj, span, chunk)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
