package s3http

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/pget/pget/endpoint"
)

// maxErrorBody bounds how much of an error answer is read: S3's XML errors are small, and a
// misbehaving server must not make pget buffer an object body.
const maxErrorBody = 64 << 10

// Error is an S3 error answer: the HTTP status and the Code and Message of its XML body.
type Error struct {
	StatusCode int
	Code       string // e.g. NoSuchKey; for a body-less answer (HEAD), derived from the status
	Message    string
	RequestID  string
	Region     string // x-amz-bucket-region, when S3 sent it (else the XML <Region>)
	Method     string
	Resource   string // s3://bucket/key or the redacted URL
}

// Error reads "NoSuchKey: The specified key does not exist. (HTTP 404, GET s3://b/k)", or
// "NotFound (HTTP 404, HEAD s3://b/k)" when the answer had no message.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(oneLine(e.Message))
	}
	fmt.Fprintf(&b, " (HTTP %d, %s %s)", e.StatusCode, e.Method, e.Resource)
	return b.String()
}

// retryableCodes are S3 error codes that describe a passing condition, whatever the status.
var retryableCodes = map[string]bool{
	"SlowDown":                      true,
	"RequestTimeout":                true,
	"InternalError":                 true,
	"ServiceUnavailable":            true,
	"Throttling":                    true,
	"ThrottlingException":           true,
	"ThrottledException":            true,
	"RequestThrottled":              true,
	"RequestThrottledException":     true,
	"TooManyRequestsException":      true,
	"ProvisionedThroughputExceeded": true,
}

// Retryable reports whether asking again may succeed: server errors (5xx, including the
// non-standard ones CDNs and proxies in front of S3-compatible stores send, such as 520-599),
// 408, 429, SlowDown, RequestTimeout and similar. 501 Not Implemented and 505 HTTP Version Not
// Supported describe the request, not a passing condition, and are final. 403, 404, 412 and
// other client errors are final, as is RequestTimeTooSkewed (the clock stays wrong on a retry).
func (e *Error) Retryable() bool {
	switch {
	case e.StatusCode == http.StatusNotImplemented, e.StatusCode == http.StatusHTTPVersionNotSupported:
		return false
	case e.StatusCode >= 500 && e.StatusCode <= 599,
		e.StatusCode == http.StatusRequestTimeout, e.StatusCode == http.StatusTooManyRequests:
		return true
	}
	return retryableCodes[e.Code]
}

// xmlError is S3's error document.
type xmlError struct {
	Code      string
	Message   string
	RequestID string `xml:"RequestId"`
	Region    string
}

// readError reads (at most maxErrorBody of) an error answer, closes it and describes it.
func readError(resp *http.Response, method, res string) *Error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_ = resp.Body.Close()
	e := &Error{
		StatusCode: resp.StatusCode,
		Method:     method,
		Resource:   res,
		RequestID:  resp.Header.Get("X-Amz-Request-Id"),
		Region:     endpoint.BucketRegion(resp),
	}
	var x xmlError
	if len(body) > 0 && xml.Unmarshal(body, &x) == nil {
		e.Code = strings.TrimSpace(x.Code)
		e.Message = strings.TrimSpace(x.Message)
		if x.RequestID != "" {
			e.RequestID = strings.TrimSpace(x.RequestID)
		}
		if e.Region == "" {
			e.Region = strings.TrimSpace(x.Region)
		}
	}
	if e.Code == "" {
		e.Code = statusCode(resp.StatusCode)
	}
	return e
}

// statusCode names a status the way the AWS SDKs do for answers without a body (HEAD).
func statusCode(status int) string {
	switch status {
	case http.StatusMovedPermanently:
		return "PermanentRedirect"
	case http.StatusTemporaryRedirect:
		return "TemporaryRedirect"
	case http.StatusBadRequest:
		return "BadRequest"
	case http.StatusForbidden:
		return "Forbidden"
	case http.StatusNotFound:
		return "NotFound"
	case http.StatusPreconditionFailed:
		return "PreconditionFailed"
	case http.StatusRequestedRangeNotSatisfiable:
		return "InvalidRange"
	case http.StatusInternalServerError:
		return "InternalError"
	case http.StatusServiceUnavailable:
		return "ServiceUnavailable"
	}
	if t := http.StatusText(status); t != "" {
		return strings.ReplaceAll(strings.ReplaceAll(t, " ", ""), "-", "")
	}
	return "HTTP" + strconv.Itoa(status)
}

// oneLine folds a message's line breaks and runs of spaces so an error stays on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
