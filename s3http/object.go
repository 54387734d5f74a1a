package s3http

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/pget/pget/endpoint"
)

// Object is one S3 object reached through a Client. Head follows a region redirect once and
// then keeps the corrected location for every later request. Call Head before sharing an
// Object between goroutines: GetRange only reads Loc, Head may change it.
type Object struct {
	Client *Client
	Loc    endpoint.Location
}

// Head sends a HEAD for the object. When S3 answers that the bucket is in another region
// (301, 307, or 400 such as AuthorizationHeaderMalformed, naming the region in
// x-amz-bucket-region or, for a store that sends no such header, in the XML of the
// explaining GET), it moves Loc there and asks once more.
func (o *Object) Head(ctx context.Context, hdr http.Header) (*http.Response, error) {
	if !o.Loc.Signed() {
		return o.headByGet(ctx, hdr)
	}
	resp, err := o.Client.Do(ctx, http.MethodHead, o.Loc, hdr)
	region, moved := redirectRegion(err, o.Loc)
	if err != nil && !moved {
		err = o.explain(ctx, err)
		region, moved = redirectRegion(err, o.Loc)
	}
	if moved {
		o.Loc = o.Loc.WithRegion(region)
		resp, err = o.Client.Do(ctx, http.MethodHead, o.Loc, hdr)
		if err != nil {
			err = o.explain(ctx, err)
		}
	}
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// explain replaces a HEAD's body-less 4xx error (a bare "Forbidden" or "NotFound") with the
// S3 error a one-byte GET returns, whose XML names the cause: SignatureDoesNotMatch rather than
// Forbidden, NoSuchBucket rather than NotFound. Any other outcome keeps the HEAD's error.
func (o *Object) explain(ctx context.Context, headErr error) error {
	var e *Error
	if !errors.As(headErr, &e) || e.Message != "" || e.StatusCode < 400 || e.StatusCode >= 500 ||
		e.StatusCode == http.StatusPreconditionFailed {
		return headErr
	}
	resp, err := o.Client.Do(ctx, http.MethodGet, o.Loc, http.Header{"Range": {"bytes=0-0"}})
	if err == nil {
		DrainClose(resp.Body)
		return headErr
	}
	var detail *Error
	if errors.As(err, &detail) && detail.StatusCode == e.StatusCode && detail.Message != "" {
		return detail
	}
	return headErr
}

// redirectRegion reports the region S3 sent the request to, when err says the bucket lives
// somewhere other than loc's region.
func redirectRegion(err error, loc endpoint.Location) (string, bool) {
	var e *Error
	if !loc.Signed() || !errors.As(err, &e) || e.Region == "" {
		return "", false
	}
	switch e.StatusCode {
	case http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusBadRequest:
	default:
		return "", false
	}
	current := loc.Region
	if current == "" {
		current = DefaultRegion
	}
	return e.Region, e.Region != current
}

// GetRange fetches length bytes at offset with a ranged GET carrying If-Match: etag (when
// etag is not empty). It requires a 206 whose Content-Range is exactly the range asked for and
// returns the body for the caller to read and close.
//
// A server that ignores Range (200) or answers another range is a final *Error: retrying
// would get the same answer. A 412 says the object changed since it was planned.
func (o *Object) GetRange(ctx context.Context, offset, length int64, etag string) (io.ReadCloser, error) {
	if offset < 0 || length <= 0 {
		return nil, fmt.Errorf("GetRange of %d bytes at offset %d: want a positive length at a non-negative offset", length, offset)
	}
	last := offset + length - 1
	hdr := http.Header{}
	hdr.Set("Range", fmt.Sprintf("bytes=%d-%d", offset, last))
	if etag != "" {
		hdr.Set("If-Match", etag)
	}
	resp, err := o.Client.Do(ctx, http.MethodGet, o.Loc, hdr)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.StatusCode == http.StatusPreconditionFailed && etag != "" {
			e.Message = fmt.Sprintf("the object changed during the download (its ETag no longer matches %s); download it again from the start", etag)
		}
		return nil, err
	}
	bad := func(code, msg string) (io.ReadCloser, error) {
		DrainClose(resp.Body)
		return nil, &Error{StatusCode: resp.StatusCode, Code: code, Message: msg,
			RequestID: resp.Header.Get("X-Amz-Request-Id"), Method: http.MethodGet, Resource: o.Loc.String()}
	}
	if resp.StatusCode != http.StatusPartialContent {
		return bad("RangeNotHonored", fmt.Sprintf("asked for bytes %d-%d and got status %d instead of 206 Partial Content; the server does not support ranged GETs", offset, last, resp.StatusCode))
	}
	cr := resp.Header.Get("Content-Range")
	first, end, ok := parseContentRange(cr)
	if !ok || first != offset || end != last {
		return bad("ContentRangeMismatch", fmt.Sprintf("asked for bytes %d-%d and got Content-Range %q; the server sent other bytes than requested", offset, last, cr))
	}
	if resp.ContentLength >= 0 && resp.ContentLength != length {
		return bad("ContentRangeMismatch", fmt.Sprintf("asked for bytes %d-%d (%d bytes) and got Content-Length %d", offset, last, length, resp.ContentLength))
	}
	return resp.Body, nil
}

// parseContentRange reads "bytes FIRST-LAST/TOTAL" (TOTAL may be "*").
func parseContentRange(s string) (first, last int64, ok bool) {
	rest, found := strings.CutPrefix(s, "bytes ")
	if !found {
		return 0, 0, false
	}
	span, total, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, false
	}
	a, b, found := strings.Cut(span, "-")
	if !found {
		return 0, 0, false
	}
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || first < 0 || last < first {
		return 0, 0, false
	}
	if total != "*" {
		n, err := strconv.ParseInt(total, 10, 64)
		if err != nil || n <= last {
			return 0, 0, false
		}
	}
	return first, last, true
}

// headByGet learns what a HEAD would say with a one-byte GET, for direct URLs: a presigned URL
// is signed for one method, so a HEAD on a URL presigned for GET is refused. The answer is
// returned as a HEAD's would be: headers only, Content-Length the size of the whole object.
func (o *Object) headByGet(ctx context.Context, hdr http.Header) (*http.Response, error) {
	h := hdr.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Range", "bytes=0-0")
	resp, err := o.Client.Do(ctx, http.MethodGet, o.Loc, h)
	var e *Error
	if errors.As(err, &e) && e.StatusCode == http.StatusRequestedRangeNotSatisfiable {
		// S3 answers 416 to any range of an empty object.
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Length": {"0"}},
			Body: http.NoBody, ContentLength: 0}, nil
	}
	if err != nil {
		return nil, err
	}
	DrainClose(resp.Body)
	switch resp.StatusCode {
	case http.StatusOK:
		// The server ignored Range. An empty object needs no range; any other cannot be
		// fetched in parts, and saying so now is better than after creating a file.
		if resp.ContentLength != 0 {
			return nil, &Error{StatusCode: resp.StatusCode, Code: "RangeNotHonored", Method: http.MethodGet, Resource: o.Loc.String(),
				Message: "the server ignores Range requests and sends the whole file; pget downloads in ranges and cannot use it"}
		}
	case http.StatusPartialContent:
		size, ok := contentRangeTotal(resp.Header.Get("Content-Range"))
		if !ok {
			return nil, &Error{StatusCode: resp.StatusCode, Code: "ContentRangeMismatch", Method: http.MethodGet, Resource: o.Loc.String(),
				Message: fmt.Sprintf("cannot learn the size from Content-Range %q", resp.Header.Get("Content-Range"))}
		}
		resp.Header.Set("Content-Length", strconv.FormatInt(size, 10))
		resp.Header.Del("Content-Range")
		resp.StatusCode, resp.ContentLength = http.StatusOK, size
	}
	resp.Body = http.NoBody
	return resp, nil
}

// contentRangeTotal reads the TOTAL of "bytes FIRST-LAST/TOTAL".
func contentRangeTotal(s string) (int64, bool) {
	_, total, found := strings.Cut(s, "/")
	if !found || !strings.HasPrefix(s, "bytes ") {
		return 0, false
	}
	n, err := strconv.ParseInt(total, 10, 64)
	return n, err == nil && n >= 0
}
