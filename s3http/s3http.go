// Package s3http talks HTTP to S3: it builds requests for one object, signs them with sigv4,
// sends them through one shared transport, turns S3's XML errors into *Error, and logs each
// request with every secret redacted. Planner and fetch use it; it knows nothing of files.
package s3http

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/pget/pget/endpoint"
	"github.com/pget/pget/sigv4"
)

// Client sends signed requests. The zero value is not usable: set HTTP.
type Client struct {
	HTTP *http.Client
	// Credentials returns the keys to sign with; nil means anonymous (unsigned) requests.
	Credentials func(ctx context.Context) (sigv4.Credentials, error)
	// Log, when set, receives one line per request at Debug level (method, URL without
	// secrets, range, status, duration). Nothing secret is ever passed to it.
	Log *slog.Logger
	// Now returns the signing time; nil means time.Now.
	Now func() time.Time

	// Requests counts requests sent.
	Requests atomic.Int64
}

// Do signs (when loc is signed and Credentials is set) and sends a request for loc.
// A response with status >= 300 (other than 304) is read, closed and returned as *Error.
func (c *Client) Do(ctx context.Context, method string, loc endpoint.Location, hdr http.Header) (*http.Response, error) {
	panic("unimplemented")
}

// Object is one S3 object reached through a Client. Head follows a region redirect once and
// then keeps the corrected location for every later request.
type Object struct {
	Client *Client
	Loc    endpoint.Location
}

// Head sends a HEAD for the object. When S3 answers that the bucket is in another region
// (301, or 400 with x-amz-bucket-region), it moves Loc there and asks once more.
func (o *Object) Head(ctx context.Context, hdr http.Header) (*http.Response, error) {
	panic("unimplemented")
}

// GetRange fetches length bytes at offset with a ranged GET carrying If-Match: etag (when
// etag is not empty). It requires a 206 whose Content-Range is exactly the range asked for and
// returns the body for the caller to read and close.
func (o *Object) GetRange(ctx context.Context, offset, length int64, etag string) (io.ReadCloser, error) {
	panic("unimplemented")
}

// Error is an S3 error answer: the HTTP status and the Code and Message of its XML body.
type Error struct {
	StatusCode int
	Code       string // e.g. NoSuchKey; for a body-less answer (HEAD), derived from the status
	Message    string
	RequestID  string
	Region     string // x-amz-bucket-region, when S3 sent it
	Method     string
	Resource   string // s3://bucket/key or the redacted URL
}

// Error reads "NoSuchKey: The specified key does not exist. (HTTP 404, GET s3://b/k)".
func (e *Error) Error() string { panic("unimplemented") }

// Retryable reports whether asking again may succeed: 5xx, 429, SlowDown, RequestTimeout and
// similar. 403, 404 and 412 are final.
func (e *Error) Retryable() bool { panic("unimplemented") }

// TransportOptions shape the shared transport.
type TransportOptions struct {
	// CABundle is a PEM file of extra root certificates (--ca-bundle or AWS_CA_BUNDLE).
	CABundle string
	// MaxConnsPerHost sizes the idle pool; set it to at least the download concurrency.
	MaxConnsPerHost int
}

// NewTransport returns the one transport pget uses: keep-alive, no transparent gzip, idle
// connections per host >= MaxConnsPerHost, system roots plus CABundle, proxies from the
// environment.
func NewTransport(o TransportOptions) (*http.Transport, error) { panic("unimplemented") }
