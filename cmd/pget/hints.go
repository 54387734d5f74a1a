package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"strings"
	"syscall"

	"github.com/pget/pget/fetch"
	"github.com/pget/pget/s3http"
)

// withHint adds to an error what the user can do about it, where the error itself (from a
// library or the server) does not say. The hint goes after a semicolon, on the same line.
func withHint(err error, o s3Options) error {
	if h := hint(err, o); h != "" {
		return hinted{err, h}
	}
	return err
}

// hint picks the advice for err, or "".
func hint(err error, o s3Options) string {
	var s3err *s3http.Error
	var unknownCA x509.UnknownAuthorityError
	var certErr *tls.CertificateVerificationError
	switch {
	case errors.As(err, &s3err) && s3err.Code == "AccessDenied" && o.NoSign:
		return "the bucket is not public: drop --no-sign-request and give credentials"
	case errors.As(err, &s3err) && s3err.Code == "InvalidAccessKeyId":
		return "check the access key id, and that --endpoint-url and --profile name the right store"
	case errors.As(err, &unknownCA) || errors.As(err, &certErr):
		return "if the endpoint uses a private CA, pass its certificate with --ca-bundle"
	case errors.Is(err, fetch.ErrStalled):
		return "on a slow or congested link, raise --stall-timeout or lower --concurrency"
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "the endpoint speaks plain HTTP: use an http:// --endpoint-url"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "nothing answers there: check --endpoint-url and that the server runs"
	}
	return ""
}

// hinted is an error with advice; it unwraps to the error, so callers still find its cause.
type hinted struct {
	err  error
	hint string
}

func (h hinted) Error() string { return h.err.Error() + "; " + h.hint }
func (h hinted) Unwrap() error { return h.err }
