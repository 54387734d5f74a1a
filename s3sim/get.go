package s3sim

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// bodyChunk is the size of the writes of a GET body: large writes keep the simulator off the
// profile of a benchmark.
const bodyChunk = 256 << 10

// getObject serves GetObject and HeadObject.
func (s *Server) getObject(w http.ResponseWriter, r *http.Request, bucket, key string) *s3Error {
	if r.Method == http.MethodGet {
		if f := s.hooks.countGet(bucket, key); f != nil {
			f()
		}
	}
	versionID, partNumber, e := getParams(r)
	if e != nil {
		return e
	}
	o, e := s.lookup(bucket, key, versionID)
	h := w.Header()
	if o != nil && o.deleteMarker {
		// S3 names the marker in both answers: 404 NoSuchKey when it is the current version,
		// 405 when the request asked for it by versionId.
		h.Set("x-amz-delete-marker", "true")
		h.Set("x-amz-version-id", o.versionID)
		if e == nil {
			e = errMethodNotAllowed(r.Method, "DeleteMarker")
		}
	}
	if e != nil {
		return e
	}

	h.Set("Last-Modified", o.modified.Format(http.TimeFormat))
	h.Set("ETag", o.etag)
	h.Set("x-amz-version-id", o.versionID)
	switch status, condition := evalConditions(r, o); status {
	case http.StatusPreconditionFailed:
		return errPreconditionFailed(condition)
	case http.StatusNotModified:
		w.WriteHeader(http.StatusNotModified)
		return nil
	}

	start, length, status, e := readSpan(r, o, partNumber)
	if e != nil {
		return e
	}
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Type", o.contentType)
	if partNumber > 0 && o.parts != nil {
		h.Set("x-amz-mp-parts-count", strconv.Itoa(len(o.parts)))
	}
	if status == http.StatusPartialContent {
		h.Set("Content-Range", "bytes "+strconv.FormatInt(start, 10)+"-"+strconv.FormatInt(start+length-1, 10)+"/"+strconv.FormatInt(o.size, 10))
	}
	if strings.EqualFold(r.Header.Get("x-amz-checksum-mode"), "ENABLED") {
		// Any byte range gets no checksum on S3, even one that covers the whole object: only
		// a 200 (no Range, or one S3 ignored) is a full read.
		s.setChecksumHeaders(h, o, partNumber, partNumber == 0 && status == http.StatusOK)
	}
	h.Set("Content-Length", strconv.FormatInt(length, 10))
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return nil
	}
	s.writeBody(w, o, start, length)
	return nil
}

// getParams reads and checks the versionId and partNumber of a GET or HEAD (0 for no part).
func getParams(r *http.Request) (versionID string, partNumber int, e *s3Error) {
	q := r.URL.Query()
	versionID = q.Get("versionId")
	if q.Has("versionId") && !validVersionID(versionID) {
		return "", 0, errInvalidArgument("Invalid version id specified", "versionId", versionID)
	}
	if !q.Has("partNumber") {
		return versionID, 0, nil
	}
	n, err := strconv.Atoi(q.Get("partNumber"))
	if err != nil || n < 1 || n > maxParts {
		return "", 0, errInvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", q.Get("partNumber"))
	}
	if r.Header.Get("Range") != "" {
		return "", 0, errInvalidRequest("Cannot specify both Range header and partNumber query parameter")
	}
	return versionID, n, nil
}

// readSpan returns the bytes of o a GET serves, by part number or Range, and the status: 206
// for a part or a satisfiable range, 200 for the whole object (also when S3 ignores a Range).
func readSpan(r *http.Request, o *object, partNumber int) (start, length int64, status int, e *s3Error) {
	if partNumber == 0 {
		if rs := r.Header.Get("Range"); rs != "" {
			a, n, ok, e := parseRange(rs, o.size)
			if e != nil {
				return 0, 0, 0, e
			}
			if ok {
				return a, n, http.StatusPartialContent, nil
			}
		}
		return 0, o.size, http.StatusOK, nil
	}
	start, length, count := int64(0), o.size, 1 // a single-part object is its own part 1
	if o.parts != nil {
		count = len(o.parts)
	}
	if partNumber > count {
		return 0, 0, 0, errInvalidPartNumber(partNumber, count)
	}
	if o.parts != nil {
		p := o.parts[partNumber-1]
		start, length = p.offset, p.size
	}
	if o.size == 0 {
		return 0, 0, http.StatusOK, nil // no byte to put in a Content-Range
	}
	return start, length, http.StatusPartialContent, nil
}

// setChecksumHeaders adds the stored checksum S3 returns in checksum mode: the object's for a
// full read (or partNumber=1 of a single-part object), a part's for a partNumber read of a
// composite multipart object, none for byte ranges.
func (s *Server) setChecksumHeaders(h http.Header, o *object, partNumber int, full bool) {
	sum, partSums := o.checksums(s.genSumLimit)
	switch {
	case sum == "":
		return
	case full || (partNumber > 0 && o.parts == nil):
		h.Set(checksumHeader(o.sumAlg), sum)
	case partNumber > 0 && o.sumType == Composite:
		h.Set(checksumHeader(o.sumAlg), partSums[partNumber-1])
	default:
		return
	}
	h.Set("x-amz-checksum-type", o.sumType)
}

// writeBody writes length bytes of o from start in large writes, stopping at the first error
// (the client went away).
func (s *Server) writeBody(w http.ResponseWriter, o *object, start, length int64) {
	var sent int64
	defer func() { s.stats.sent.Add(sent) }()
	if !o.generated {
		for sent < length {
			n := min(length-sent, bodyChunk)
			m, err := w.Write(o.data[start+sent : start+sent+n])
			sent += int64(m)
			if err != nil {
				return
			}
		}
		return
	}
	bp, _ := s.bufs.Get().(*[]byte)
	if bp == nil {
		b := make([]byte, bodyChunk)
		bp = &b
	}
	defer s.bufs.Put(bp)
	buf := *bp
	for sent < length {
		n := min(length-sent, bodyChunk)
		Generate(o.seed, start+sent, buf[:n])
		m, err := w.Write(buf[:n])
		sent += int64(m)
		if err != nil {
			return
		}
	}
}

// errInvalidPartNumber is S3's answer to a partNumber past the last part.
func errInvalidPartNumber(requested, count int) *s3Error {
	return newError(http.StatusRequestedRangeNotSatisfiable, "InvalidPartNumber", "The requested partnumber is not satisfiable",
		field{"PartNumberRequested", strconv.Itoa(requested)}, field{"ActualPartCount", strconv.Itoa(count)})
}

// parseRange interprets a Range header as S3 does. It returns the first byte and the length
// to serve with ok; ok is false when the header is to be ignored (malformed, several ranges,
// not bytes), and the error is InvalidRange when the range cannot be satisfied.
func parseRange(spec string, size int64) (start, length int64, ok bool, e *s3Error) {
	rs, found := strings.CutPrefix(spec, "bytes=")
	if !found || strings.Contains(rs, ",") {
		return 0, 0, false, nil
	}
	first, last, found := strings.Cut(strings.TrimSpace(rs), "-")
	if !found {
		return 0, 0, false, nil
	}
	invalid := func() (int64, int64, bool, *s3Error) {
		e := newError(http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "The requested range is not satisfiable",
			field{"RangeRequested", spec}, field{"ActualObjectSize", strconv.FormatInt(size, 10)})
		e.header = http.Header{"Content-Range": {"bytes */" + strconv.FormatInt(size, 10)}}
		return 0, 0, false, e
	}
	if first == "" { // suffix: the last n bytes
		n, okN := parseDigits(last)
		if !okN {
			return 0, 0, false, nil
		}
		if n == 0 || size == 0 {
			return invalid()
		}
		n = min(n, size)
		return size - n, n, true, nil
	}
	a, okA := parseDigits(first)
	if !okA {
		return 0, 0, false, nil
	}
	end := size - 1
	if last != "" {
		b, okB := parseDigits(last)
		if !okB || b < a {
			return 0, 0, false, nil
		}
		end = min(b, size-1)
	}
	if a >= size {
		return invalid()
	}
	return a, end - a + 1, true, nil
}

// parseDigits parses a non-empty run of ASCII digits.
func parseDigits(s string) (int64, bool) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// evalConditions applies the conditional headers in RFC 7232's order, as S3 does: If-Match
// (else If-Unmodified-Since) can fail with 412; then If-None-Match (else If-Modified-Since) can
// answer 304. It returns 0 when the request proceeds, and the failing condition for a 412.
func evalConditions(r *http.Request, o *object) (status int, condition string) {
	if im := r.Header.Get("If-Match"); im != "" {
		if !etagMatches(im, o.etag) {
			return http.StatusPreconditionFailed, "If-Match"
		}
	} else if t, ok := parseHTTPTime(r.Header.Get("If-Unmodified-Since")); ok && o.modified.After(t) {
		return http.StatusPreconditionFailed, "If-Unmodified-Since"
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if etagMatches(inm, o.etag) {
			return http.StatusNotModified, ""
		}
	} else if t, ok := parseHTTPTime(r.Header.Get("If-Modified-Since")); ok && !o.modified.After(t) {
		return http.StatusNotModified, ""
	}
	return 0, ""
}

// parseHTTPTime parses an HTTP date; a missing or malformed one is ignored, as S3 does.
func parseHTTPTime(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, false
	}
	t, err := http.ParseTime(v)
	return t, err == nil
}

// etagMatches reports whether a comma-separated If-Match / If-None-Match list names etag
// ("*" matches any object). Quotes and weak prefixes are ignored.
func etagMatches(list, etag string) bool {
	want := strings.Trim(etag, `"`)
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "*" {
			return true
		}
		item = strings.TrimPrefix(item, "W/")
		if strings.Trim(item, `"`) == want {
			return true
		}
	}
	return false
}

// validVersionID reports whether v has the shape of a version id (S3 answers 400 to others).
func validVersionID(v string) bool {
	if v == "" || len(v) > 1024 {
		return false
	}
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
