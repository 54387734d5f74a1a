package s3sim

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
)

// s3Error is an error answer in S3's shape: an HTTP status, a code, a message, and the extra
// elements S3 adds for some codes (e.g. <Region> for AuthorizationHeaderMalformed).
type s3Error struct {
	status  int
	code    string
	message string
	extra   []field
	header  http.Header // extra response headers (e.g. Content-Range for InvalidRange)
}

// field is one extra XML element of an error.
type field struct{ name, value string }

// Error implements error so handlers can return *s3Error.
func (e *s3Error) Error() string { return e.code + ": " + e.message }

// newError returns an error answer.
func newError(status int, code, message string, extra ...field) *s3Error {
	return &s3Error{status: status, code: code, message: message, extra: extra}
}

// Common errors, as S3 words them.
func errNoSuchBucket(bucket string) *s3Error {
	return newError(404, "NoSuchBucket", "The specified bucket does not exist", field{"BucketName", bucket})
}

func errNoSuchKey(key string) *s3Error {
	return newError(404, "NoSuchKey", "The specified key does not exist.", field{"Key", key})
}

func errNoSuchVersion(key, version string) *s3Error {
	return newError(404, "NoSuchVersion", "The specified version does not exist.", field{"Key", key}, field{"VersionId", version})
}

func errNoSuchUpload(id string) *s3Error {
	return newError(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", field{"UploadId", id})
}

func errMethodNotAllowed(method, resource string) *s3Error {
	return newError(405, "MethodNotAllowed", "The specified method is not allowed against this resource.",
		field{"Method", method}, field{"ResourceType", resource})
}

func errInvalidArgument(message, name, value string) *s3Error {
	return newError(400, "InvalidArgument", message, field{"ArgumentName", name}, field{"ArgumentValue", value})
}

func errInvalidRequest(message string) *s3Error {
	return newError(400, "InvalidRequest", message)
}

func errAccessDenied() *s3Error {
	return newError(403, "AccessDenied", "Access Denied")
}

func errPreconditionFailed(condition string) *s3Error {
	return newError(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", field{"Condition", condition})
}

func errNotImplemented(what string) *s3Error {
	return newError(501, "NotImplemented", "A header you provided implies functionality that is not implemented", field{"Header", what})
}

// writeError writes e as S3 does: the status, and an XML body (none for HEAD) that repeats
// the x-amz-request-id and x-amz-id-2 headers ServeHTTP set, as RequestId and HostId.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, e *s3Error) {
	s.countError(e.code)
	h := w.Header()
	// An error describes no object: drop the object headers a handler set before failing (a
	// delete marker's version id stays, as S3 sends it).
	for _, name := range []string{"ETag", "Last-Modified", "Accept-Ranges", "x-amz-mp-parts-count"} {
		h.Del(name)
	}
	if h.Get("x-amz-delete-marker") == "" {
		h.Del("x-amz-version-id")
	}
	for k, v := range e.header {
		h[k] = v
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(e.status)
		return
	}
	var b bytes.Buffer
	b.WriteString(xml.Header[:len(xml.Header)-1])
	b.WriteString("<Error><Code>")
	xml.EscapeText(&b, []byte(e.code))
	b.WriteString("</Code><Message>")
	xml.EscapeText(&b, []byte(e.message))
	b.WriteString("</Message>")
	for _, f := range e.extra {
		b.WriteString("<" + f.name + ">")
		xml.EscapeText(&b, []byte(f.value))
		b.WriteString("</" + f.name + ">")
	}
	b.WriteString("<Resource>")
	xml.EscapeText(&b, []byte(r.URL.Path))
	b.WriteString("</Resource><RequestId>")
	xml.EscapeText(&b, []byte(h.Get("x-amz-request-id")))
	b.WriteString("</RequestId><HostId>")
	xml.EscapeText(&b, []byte(h.Get("x-amz-id-2")))
	b.WriteString("</HostId></Error>")
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(e.status)
	w.Write(b.Bytes())
}

// writeXML writes a successful XML answer.
func (s *Server) writeXML(w http.ResponseWriter, status int, v any) {
	out, err := xml.Marshal(v)
	if err != nil {
		// Only our own fixed types are marshalled; a failure is a simulator bug.
		panic("s3sim: cannot marshal response: " + err.Error())
	}
	body := append([]byte(xml.Header), out...)
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
