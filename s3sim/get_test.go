package s3sim

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestGetRanges(t *testing.T) {
	s, url := newTest(t, Options{})
	data := []byte("0123456789abcdefghij") // 20 bytes
	s.PutBytes("b", "k", data)
	s.PutBytes("b", "empty", nil)
	for _, c := range []struct {
		key, rng     string
		status       int
		contentRange string
		body         string
	}{
		{"k", "", 200, "", string(data)},
		{"k", "bytes=0-4", 206, "bytes 0-4/20", "01234"},
		{"k", "bytes=5-5", 206, "bytes 5-5/20", "5"},
		{"k", "bytes=15-100", 206, "bytes 15-19/20", "fghij"},
		{"k", "bytes=10-", 206, "bytes 10-19/20", "abcdefghij"},
		{"k", "bytes=-3", 206, "bytes 17-19/20", "hij"},
		{"k", "bytes=-50", 206, "bytes 0-19/20", string(data)},
		{"k", "bytes=20-", 416, "bytes */20", ""},
		{"k", "bytes=25-30", 416, "bytes */20", ""},
		{"k", "bytes=-0", 416, "bytes */20", ""},
		{"k", "bytes=5-2", 200, "", string(data)},     // invalid: ignored
		{"k", "bytes=0-1,4-5", 200, "", string(data)}, // several ranges: ignored
		{"k", "bytes=x-3", 200, "", string(data)},
		{"k", "items=0-3", 200, "", string(data)},
		{"empty", "", 200, "", ""},
		{"empty", "bytes=0-", 416, "bytes */0", ""},
		{"empty", "bytes=-5", 416, "bytes */0", ""},
	} {
		t.Run(c.key+" "+c.rng, func(t *testing.T) {
			for _, method := range []string{"GET", "HEAD"} {
				req := newReq(t, method, url+"/b/"+c.key, nil)
				if c.rng != "" {
					req.Header.Set("Range", c.rng)
				}
				resp, body := do(t, sign(t, req, nil))
				if resp.StatusCode != c.status {
					t.Fatalf("%s status = %d, want %d: %s", method, resp.StatusCode, c.status, body)
				}
				if got := resp.Header.Get("Content-Range"); got != c.contentRange {
					t.Fatalf("%s Content-Range = %q, want %q", method, got, c.contentRange)
				}
				if c.status == 416 {
					if method == "GET" {
						wantError(t, resp, body, 416, "InvalidRange")
					} else if len(body) != 0 {
						t.Fatalf("HEAD error has a body: %q", body)
					}
					continue
				}
				if resp.Header.Get("Accept-Ranges") != "bytes" || resp.Header.Get("ETag") == "" {
					t.Fatalf("missing Accept-Ranges or ETag: %v", resp.Header)
				}
				if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(len(c.body)) {
					t.Fatalf("%s Content-Length = %s, want %d", method, got, len(c.body))
				}
				if method == "GET" && string(body) != c.body {
					t.Fatalf("body = %q, want %q", body, c.body)
				}
				if method == "HEAD" && len(body) != 0 {
					t.Fatalf("HEAD has a body")
				}
			}
		})
	}
}

func TestGetHeaders(t *testing.T) {
	s, url := newTest(t, Options{})
	info := s.PutObject("b", "k", []byte("hello"), PutOptions{ContentType: "text/plain"})
	resp, body := do(t, sign(t, newReq(t, "GET", url+"/b/k", nil), nil))
	if string(body) != "hello" {
		t.Fatalf("body %q", body)
	}
	for name, want := range map[string]string{
		"ETag":             `"5d41402abc4b2a76b9719d911017c592"`, // md5("hello")
		"Content-Type":     "text/plain",
		"Content-Length":   "5",
		"Last-Modified":    testTime.Format(http.TimeFormat),
		"x-amz-version-id": info.VersionID,
		"Accept-Ranges":    "bytes",
	} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if info.ETag != resp.Header.Get("ETag") || info.Size != 5 {
		t.Errorf("info = %+v", info)
	}
	if resp.Header.Get("x-amz-checksum-crc64nvme") != "" {
		t.Error("checksum returned without x-amz-checksum-mode")
	}
}

func TestGetConditionals(t *testing.T) {
	s, url := newTest(t, Options{})
	info := s.PutBytes("b", "k", []byte("hello"))
	etag := info.ETag
	before := testTime.Add(-time.Hour).Format(http.TimeFormat)
	at := testTime.Format(http.TimeFormat)
	after := testTime.Add(time.Hour).Format(http.TimeFormat)
	for _, c := range []struct {
		name   string
		hdr    []string
		status int
	}{
		{"if-match good", []string{"If-Match", etag}, 200},
		{"if-match unquoted", []string{"If-Match", etag[1 : len(etag)-1]}, 200},
		{"if-match list", []string{"If-Match", `"zzz", ` + etag}, 200},
		{"if-match star", []string{"If-Match", "*"}, 200},
		{"if-match bad", []string{"If-Match", `"zzz"`}, 412},
		{"if-none-match good", []string{"If-None-Match", etag}, 304},
		{"if-none-match star", []string{"If-None-Match", "*"}, 304},
		{"if-none-match other", []string{"If-None-Match", `"zzz"`}, 200},
		{"if-modified-since before", []string{"If-Modified-Since", before}, 200},
		{"if-modified-since at", []string{"If-Modified-Since", at}, 304},
		{"if-modified-since after", []string{"If-Modified-Since", after}, 304},
		{"if-modified-since bad date", []string{"If-Modified-Since", "yesterday"}, 200},
		{"if-unmodified-since before", []string{"If-Unmodified-Since", before}, 412},
		{"if-unmodified-since at", []string{"If-Unmodified-Since", at}, 200},
		// RFC 7232 precedence, as S3 documents it:
		{"if-match true overrides if-unmodified-since false", []string{"If-Match", etag, "If-Unmodified-Since", before}, 200},
		{"if-none-match false overrides if-modified-since true", []string{"If-None-Match", etag, "If-Modified-Since", before}, 304},
		{"if-none-match true overrides if-modified-since false", []string{"If-None-Match", `"zzz"`, "If-Modified-Since", after}, 200},
		{"412 before 304", []string{"If-Match", `"zzz"`, "If-None-Match", etag}, 412},
		{"if-match true and if-none-match true", []string{"If-Match", etag, "If-None-Match", `"zzz"`}, 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := do(t, sign(t, newReq(t, "GET", url+"/b/k", nil, c.hdr...), nil))
			if resp.StatusCode != c.status {
				t.Fatalf("status = %d, want %d", resp.StatusCode, c.status)
			}
			switch c.status {
			case 412:
				wantError(t, resp, body, 412, "PreconditionFailed")
			case 304:
				if len(body) != 0 || resp.Header.Get("ETag") != etag {
					t.Fatalf("304 with body %q or ETag %q", body, resp.Header.Get("ETag"))
				}
			case 200:
				if string(body) != "hello" {
					t.Fatalf("body %q", body)
				}
			}
		})
	}
}

func TestGetPartNumber(t *testing.T) {
	s, url := newTest(t, Options{})
	data := bytes.Repeat([]byte("abcdefghij"), 3) // 30 bytes, parts of 12: 12+12+6
	s.PutObject("b", "mp", data, PutOptions{PartSize: 12})
	s.PutBytes("b", "single", data)
	for _, c := range []struct {
		key, part    string
		status       int
		contentRange string
		count        string
		body         string
	}{
		{"mp", "1", 206, "bytes 0-11/30", "3", string(data[:12])},
		{"mp", "3", 206, "bytes 24-29/30", "3", string(data[24:])},
		{"single", "1", 206, "bytes 0-29/30", "", string(data)},
	} {
		resp, body := do(t, sign(t, newReq(t, "GET", url+"/b/"+c.key+"?partNumber="+c.part, nil), nil))
		if resp.StatusCode != c.status || resp.Header.Get("Content-Range") != c.contentRange ||
			resp.Header.Get("x-amz-mp-parts-count") != c.count || string(body) != c.body {
			t.Errorf("%s part %s: %d %q count %q body %q", c.key, c.part, resp.StatusCode,
				resp.Header.Get("Content-Range"), resp.Header.Get("x-amz-mp-parts-count"), body)
		}
	}
	// Without partNumber, no part count, as on S3.
	resp, _ := do(t, sign(t, newReq(t, "HEAD", url+"/b/mp", nil), nil))
	if resp.Header.Get("x-amz-mp-parts-count") != "" {
		t.Error("x-amz-mp-parts-count without partNumber")
	}
	resp, body := do(t, sign(t, newReq(t, "GET", url+"/b/mp?partNumber=4", nil), nil))
	wantError(t, resp, body, 416, "InvalidPartNumber")
	resp, body = do(t, sign(t, newReq(t, "GET", url+"/b/single?partNumber=2", nil), nil))
	wantError(t, resp, body, 416, "InvalidPartNumber")
	resp, body = do(t, sign(t, newReq(t, "GET", url+"/b/mp?partNumber=0", nil), nil))
	wantError(t, resp, body, 400, "InvalidArgument")
	resp, body = do(t, sign(t, newReq(t, "GET", url+"/b/mp?partNumber=1", nil, "Range", "bytes=0-1"), nil))
	wantError(t, resp, body, 400, "InvalidRequest")
}

func TestGetVersions(t *testing.T) {
	s, url := newTest(t, Options{})
	v1 := s.PutBytes("b", "k", []byte("one"))
	v2 := s.PutBytes("b", "k", []byte("two"))
	if v1.VersionID == v2.VersionID || v1.ETag == v2.ETag {
		t.Fatalf("versions not distinct: %+v %+v", v1, v2)
	}
	for _, c := range []struct{ query, body, version string }{
		{"", "two", v2.VersionID},
		{"?versionId=" + v1.VersionID, "one", v1.VersionID},
		{"?versionId=" + v2.VersionID, "two", v2.VersionID},
	} {
		resp, body := do(t, sign(t, newReq(t, "GET", url+"/b/k"+c.query, nil), nil))
		if string(body) != c.body || resp.Header.Get("x-amz-version-id") != c.version {
			t.Errorf("GET %s = %q version %q", c.query, body, resp.Header.Get("x-amz-version-id"))
		}
	}
	resp, body := do(t, sign(t, newReq(t, "GET", url+"/b/k?versionId=0123456789abcdef0123456789abcdef", nil), nil))
	wantError(t, resp, body, 404, "NoSuchVersion")
	resp, body = do(t, sign(t, newReq(t, "GET", url+"/b/k?versionId=bad%21id", nil), nil))
	wantError(t, resp, body, 400, "InvalidArgument")
}

func TestGetMissing(t *testing.T) {
	s, url := newTest(t, Options{})
	s.CreateBucket("b")
	resp, body := do(t, sign(t, newReq(t, "GET", url+"/b/nope", nil), nil))
	wantError(t, resp, body, 404, "NoSuchKey")
	resp, body = do(t, sign(t, newReq(t, "GET", url+"/nobucket/k", nil), nil))
	wantError(t, resp, body, 404, "NoSuchBucket")
	resp, body = do(t, sign(t, newReq(t, "HEAD", url+"/b/nope", nil), nil))
	if resp.StatusCode != 404 || len(body) != 0 || resp.Header.Get("x-amz-request-id") == "" {
		t.Fatalf("HEAD missing: %d %q", resp.StatusCode, body)
	}
}

func TestGetGenerated(t *testing.T) {
	s, url := newTest(t, Options{})
	const size = 100 << 30 // 100 GiB costs nothing
	info := s.PutGenerated("b", "big", size, 99)
	if info.Size != size || info.ETag != GeneratedETag(size, 99, 0) || len(info.ETag) != 34 {
		t.Fatalf("info %+v", info)
	}
	start := int64(size - 3<<20 - 5)
	resp, body := do(t, sign(t, newReq(t, "GET", url+"/b/big", nil, "Range", "bytes="+strconv.FormatInt(start, 10)+"-"), nil))
	want := make([]byte, size-start)
	Generate(99, start, want)
	if resp.StatusCode != 206 || !bytes.Equal(body, want) {
		t.Fatalf("status %d, %d bytes, content matches: %v", resp.StatusCode, len(body), bytes.Equal(body, want))
	}
	// Checksums of a generated object above the limit are not computed.
	resp, _ = do(t, sign(t, newReq(t, "HEAD", url+"/b/big", nil, "x-amz-checksum-mode", "ENABLED"), nil))
	if resp.Header.Get("x-amz-checksum-crc64nvme") != "" {
		t.Fatal("checksum computed for a 100 GiB generated object")
	}
	// Below the limit they are, lazily, over the generated content.
	s.PutGenerated("b", "small", 1000, 5)
	small := make([]byte, 1000)
	Generate(5, 0, small)
	resp, _ = do(t, sign(t, newReq(t, "HEAD", url+"/b/small", nil, "x-amz-checksum-mode", "ENABLED"), nil))
	if got, want := resp.Header.Get("x-amz-checksum-crc64nvme"), ChecksumOf(CRC64NVME, small); got != want {
		t.Fatalf("generated checksum %q, want %q", got, want)
	}
	if s.Stats().BytesSent != int64(len(want)) {
		t.Fatalf("BytesSent = %d, want %d", s.Stats().BytesSent, len(want))
	}
}

func TestGetGeneratedMultipart(t *testing.T) {
	s, url := newTest(t, Options{})
	const size, part = 10<<20 + 7, 4 << 20
	info := s.PutGeneratedObject("b", "g", size, 8, PutOptions{PartSize: part, ChecksumAlgorithm: CRC32})
	if info.Parts != 3 || info.ETag != GeneratedETag(size, 8, part) || !strings.HasSuffix(info.ETag, `-3"`) {
		t.Fatalf("info %+v", info)
	}
	resp, body := do(t, sign(t, newReq(t, "GET", url+"/b/g?partNumber=3", nil, "x-amz-checksum-mode", "ENABLED"), nil))
	want := make([]byte, size-2*part)
	Generate(8, 2*part, want)
	if resp.StatusCode != 206 || !bytes.Equal(body, want) || resp.Header.Get("Content-Range") != fmt.Sprintf("bytes %d-%d/%d", 2*part, size-1, size) {
		t.Fatalf("part 3: %d %v", resp.StatusCode, resp.Header)
	}
	if got := resp.Header.Get("x-amz-checksum-crc32"); got != ChecksumOf(CRC32, want) || resp.Header.Get("x-amz-checksum-type") != Composite {
		t.Fatalf("part 3 checksum %q", got)
	}
}

func TestPutObjectComposite(t *testing.T) {
	s, url := newTest(t, Options{})
	data := []byte("0123456789abcdefghijKLMNOP")
	s.PutObject("b", "c", data, PutOptions{PartSize: 10, ChecksumAlgorithm: SHA256})
	var raws []byte
	for _, p := range [][]byte{data[:10], data[10:20], data[20:]} {
		h := sha256.Sum256(p)
		raws = append(raws, h[:]...)
	}
	want := ChecksumOf(SHA256, raws) + "-3"
	resp, _ := do(t, sign(t, newReq(t, "HEAD", url+"/b/c", nil, "x-amz-checksum-mode", "ENABLED"), nil))
	if got := resp.Header.Get("x-amz-checksum-sha256"); got != want {
		t.Fatalf("composite %q, want %q", got, want)
	}
	// A byte range gets no checksum, as on S3, even one that spans the whole object.
	for _, rng := range []string{"bytes=0-3", "bytes=0-", "bytes=-1000"} {
		resp, _ = do(t, sign(t, newReq(t, "GET", url+"/b/c", nil, "x-amz-checksum-mode", "ENABLED", "Range", rng), nil))
		if resp.StatusCode != 206 || resp.Header.Get("x-amz-checksum-sha256") != "" {
			t.Fatalf("Range %s: status %d, checksum %q", rng, resp.StatusCode, resp.Header.Get("x-amz-checksum-sha256"))
		}
	}
}

func TestConcurrentReplace(t *testing.T) {
	s, url := newTest(t, Options{})
	s.PutGenerated("b", "k", 1<<20, 1)
	s.SetPublic("b", true)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 10 {
				// Not do(): t.Fatal must not run off the test goroutine.
				resp, err := http.Get(url + "/b/k")
				if err != nil {
					t.Error(err)
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Error(err)
					return
				}
				seed := int64(1)
				if resp.Header.Get("ETag") != GeneratedETag(1<<20, 1, 0) {
					seed = 2
				}
				want := make([]byte, 1<<20)
				Generate(seed, 0, want)
				if !bytes.Equal(body, want) {
					t.Errorf("client %d GET %d: body does not match its ETag", i, j)
				}
			}
		})
	}
	for range 20 {
		s.PutGenerated("b", "k", 1<<20, 2)
		s.PutGenerated("b", "k", 1<<20, 1)
	}
	wg.Wait()
}

func TestGeneratedHugeCostsNothing(t *testing.T) {
	s := New(Options{Now: func() time.Time { return testTime }})
	const size, part = 100 << 30, 16 << 20 // 6400 parts
	s.PutGeneratedObject("b", "huge", size, 1, PutOptions{PartSize: part, ChecksumAlgorithm: CRC32})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, c := range []struct{ method, query, rng string }{
		{"HEAD", "", ""},
		{"HEAD", "?partNumber=6400", ""},
		{"GET", "", "bytes=-1000"},
		{"GET", "", "bytes=107374182000-107374182399"},
	} {
		req := httptest.NewRequest(c.method, "http://sim/b/huge"+c.query, nil)
		req.Header.Set("x-amz-checksum-mode", "ENABLED")
		if c.rng != "" {
			req.Header.Set("Range", c.rng)
		}
		sign(t, req, nil)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code/100 != 2 || rec.Header().Get("x-amz-checksum-crc32") != "" {
			t.Fatalf("%s %s %s: %d, checksum %q", c.method, c.query, c.rng, rec.Code, rec.Header().Get("x-amz-checksum-crc32"))
		}
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 8<<20 {
		t.Fatalf("HEAD and GET of a 100 GiB generated object allocated %d bytes", got)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "S3 allows at most 10000") {
			t.Fatalf("102400 parts: recovered %v, want a panic naming the limit", r)
		}
	}()
	s.PutGeneratedObject("b", "too-many-parts", size, 1, PutOptions{PartSize: 1 << 20})
}
