package planner

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

func fullHeader() http.Header {
	h := http.Header{}
	h.Set("Content-Length", "1000")
	h.Set("ETag", `"9b2cf535f27731c974343645a3985328-2"`)
	h.Set("Last-Modified", "Fri, 27 Nov 2026 07:44:00 GMT")
	h.Set("Content-Type", "text/plain")
	h.Set("x-amz-version-id", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY")
	h.Set("x-amz-mp-parts-count", "2")
	h.Set("x-amz-checksum-crc32", "AAAAAA==")
	h.Set("x-amz-checksum-crc32c", "yZRlqg==")
	h.Set("x-amz-checksum-crc64nvme", "AAAAAAAAAAA=")
	h.Set("x-amz-checksum-sha1", "2jmj7l5rSw0yVb/vlWAYkK/YBwk=")
	h.Set("x-amz-checksum-sha256", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
	h.Set("x-amz-checksum-type", "COMPOSITE")
	return h
}

var fullObject = Object{
	Size:         1000,
	ETag:         `"9b2cf535f27731c974343645a3985328-2"`,
	LastModified: time.Date(2026, 11, 27, 7, 44, 0, 0, time.UTC),
	ContentType:  "text/plain",
	VersionID:    "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY",
	PartsCount:   2,
	Checksums: map[string]string{
		"CRC32":     "AAAAAA==",
		"CRC32C":    "yZRlqg==",
		"CRC64NVME": "AAAAAAAAAAA=",
		"SHA1":      "2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
		"SHA256":    "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
	},
	ChecksumType: "COMPOSITE",
}

func TestFromHeader(t *testing.T) {
	got, err := FromHeader(fullHeader())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, fullObject) {
		t.Errorf("FromHeader = %+v\nwant %+v", got, fullObject)
	}

	bare := http.Header{"Content-Length": {"0"}}
	got, err = FromHeader(bare)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, Object{}) {
		t.Errorf("FromHeader(only Content-Length: 0) = %+v, want the zero Object", got)
	}

	odd := fullHeader()
	odd.Set("Last-Modified", "yesterday")
	got, err = FromHeader(odd)
	if err != nil || !got.LastModified.IsZero() {
		t.Errorf("unparseable Last-Modified: got %v, %v; want zero time and no error", got.LastModified, err)
	}
}

func TestFromHeaderErrors(t *testing.T) {
	for _, tc := range []struct {
		name, key, value, want string
	}{
		{"no length", "Content-Length", "", "HEAD answer has no Content-Length: the server did not say the object's size"},
		{"bad length", "Content-Length", "12x", `HEAD answer has a bad Content-Length "12x": the server did not say the object's size`},
		{"negative length", "Content-Length", "-1", `HEAD answer has a bad Content-Length "-1": the server did not say the object's size`},
		{"bad parts", "X-Amz-Mp-Parts-Count", "two", `HEAD answer has a bad x-amz-mp-parts-count "two": the server sent a malformed header`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := fullHeader()
			if tc.value == "" {
				h.Del(tc.key)
			} else {
				h.Set(tc.key, tc.value)
			}
			_, err := FromHeader(h)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// headFunc adapts a function to Header.
type headFunc func(ctx context.Context, hdr http.Header) (*http.Response, error)

func (f headFunc) Head(ctx context.Context, hdr http.Header) (*http.Response, error) {
	return f(ctx, hdr)
}

// TestStatOverHTTP checks Stat against a real HTTP HEAD, so that what net/http does to
// Content-Length on a HEAD answer is part of the test.
func TestStatOverHTTP(t *testing.T) {
	var mode string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodHead {
			t.Errorf("method %s, want HEAD", r.Method)
		}
		mode = r.Header.Get("X-Amz-Checksum-Mode")
		for k, v := range fullHeader() {
			w.Header()[k] = v
		}
	}))
	defer srv.Close()
	h := headFunc(func(ctx context.Context, hdr http.Header) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodHead, srv.URL+"/b/k", nil)
		if err != nil {
			return nil, err
		}
		req.Header = hdr
		return srv.Client().Do(req)
	})
	got, err := Stat(context.Background(), h)
	if err != nil {
		t.Fatal(err)
	}
	if mode != "ENABLED" {
		t.Errorf("x-amz-checksum-mode = %q, want ENABLED", mode)
	}
	if !reflect.DeepEqual(got, fullObject) {
		t.Errorf("Stat = %+v\nwant %+v", got, fullObject)
	}
}

func TestStatErrors(t *testing.T) {
	boom := errors.New("NotFound (HTTP 404, HEAD s3://b/k)")
	_, err := Stat(context.Background(), headFunc(func(context.Context, http.Header) (*http.Response, error) {
		return nil, boom
	}))
	if err != boom {
		t.Errorf("err = %v, want the Head error unchanged", err)
	}
	_, err = Stat(context.Background(), headFunc(func(context.Context, http.Header) (*http.Response, error) {
		return &http.Response{StatusCode: 304, Status: "304 Not Modified", Header: fullHeader(),
			Body: io.NopCloser(strings.NewReader(""))}, nil
	}))
	want := "HEAD answered 304 Not Modified, want 200 OK: the server does not describe the object"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func TestPartsCountFromETag(t *testing.T) {
	for etag, want := range map[string]int{
		`"9b2cf535f27731c974343645a3985328-12"`: 12,
		`9B2CF535F27731C974343645A3985328-1`:    1,
		`"9b2cf535f27731c974343645a3985328"`:    0, // a single-part upload
		`"9b2cf535f27731c974343645a3985328-0"`:  0,
		`"9b2cf535f27731c974343645a3985328-+3"`: 0,
		`"9b2cf535f27731c974343645a3985328-x"`:  0,
		`"not-hex-at-all-but-thirty-two-ch-3"`:  0,
		`"abc-2"`:                               0,
		``:                                      0,
	} {
		h := http.Header{"Content-Length": {"1"}, "Etag": {etag}}
		obj, err := FromHeader(h)
		if err != nil || obj.PartsCount != want {
			t.Errorf("ETag %s: PartsCount %d, %v; want %d", etag, obj.PartsCount, err, want)
		}
	}
	h := fullHeader()
	h.Set("x-amz-mp-parts-count", "7") // the header wins over the ETag
	if obj, _ := FromHeader(h); obj.PartsCount != 7 {
		t.Errorf("PartsCount %d with x-amz-mp-parts-count 7, want 7", obj.PartsCount)
	}
}
