// Package sigv4 implements AWS Signature Version 4 for HTTP requests, written from the
// specification so that pget carries no AWS SDK. It signs with the Authorization header
// (Signer.Sign) or the query string (Signer.Presign), following S3's rules: the path is never
// normalised and each segment is URI-encoded exactly once.
//
// The lower-level pieces (CanonicalRequest, StringToSign, DeriveKey, Signature) are exported so
// that tests can check each step and a server (the s3sim simulator) can verify signatures.
package sigv4

import (
	"net/http"
	"net/url"
	"time"
)

// Algorithm names the signing algorithm in Authorization headers and presigned URLs.
const Algorithm = "AWS4-HMAC-SHA256"

// UnsignedPayload is the payload hash for a body that is not hashed (S3 only).
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// EmptyPayloadHash is the hex SHA-256 of an empty body.
const EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// TimeFormat is the layout of X-Amz-Date.
const TimeFormat = "20060102T150405Z"

// MaxPresignExpiry is the longest lifetime SigV4 allows a presigned URL.
const MaxPresignExpiry = 7 * 24 * time.Hour

// Credentials are what a request is signed with.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string // optional; sent as X-Amz-Security-Token and signed
}

// Signer signs requests for one region and service. It caches the derived signing key per
// day, region, service and secret. A Signer is safe for concurrent use; do not copy it after use.
type Signer struct {
	Region  string // required, e.g. "us-east-1"
	Service string // "s3" when empty
	// Normalize removes "." and ".." segments and merges repeated slashes before encoding, as
	// generic AWS services sign. S3 never normalises: leave false for S3.
	Normalize bool
	// OmitContentHash stops Sign from adding the X-Amz-Content-Sha256 header (the payload hash is
	// still used in the canonical request). S3 requires the header: leave false for S3.
	OmitContentHash bool
}

// Sign signs req in place with the Authorization header. payloadHash is the hex SHA-256 of the
// body, or UnsignedPayload. Sign sets X-Amz-Date, X-Amz-Content-Sha256, X-Amz-Security-Token
// (when creds has one) and Authorization, and sets req.URL.RawPath to the encoded path it signed
// so that the wire path matches the signature. The host is req.Host, else req.URL.Host.
// Signed headers: host, x-amz-*, range, content-type, content-md5, if-* and any other header
// present except a short list that proxies rewrite (user-agent, accept-encoding, ...).
func (s *Signer) Sign(req *http.Request, creds Credentials, payloadHash string, now time.Time) error {
	panic("unimplemented")
}

// Presign returns req's URL with the SigV4 query parameters added (X-Amz-Algorithm,
// X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Security-Token when
// present, X-Amz-Signature). expires must be between 1 second and MaxPresignExpiry. The payload
// hash is UnsignedPayload, as S3 presigned URLs use.
func (s *Signer) Presign(req *http.Request, creds Credentials, expires time.Duration, now time.Time) (*url.URL, error) {
	panic("unimplemented")
}

// EncodePath returns the canonical URI of a decoded path: each segment percent-encoded once with
// the RFC 3986 unreserved set (A-Z a-z 0-9 - . _ ~) kept. With normalize, "." and ".." segments
// are resolved and repeated slashes merged first. An empty path is "/".
func EncodePath(path string, normalize bool) string {
	panic("unimplemented")
}

// CanonicalRequest returns the canonical request for req: method, EncodePath(req.URL.Path),
// the sorted, encoded query (req.URL.RawQuery less any X-Amz-Signature), the named headers
// (lower-cased, values trimmed and inner runs of spaces folded; "host" from req.Host or
// req.URL.Host), the signed-header list and payloadHash. signedHeaders are lower-case names in
// any order.
func CanonicalRequest(req *http.Request, signedHeaders []string, payloadHash string, normalize bool) string {
	panic("unimplemented")
}

// Scope returns the credential scope "YYYYMMDD/region/service/aws4_request".
func Scope(t time.Time, region, service string) string {
	panic("unimplemented")
}

// StringToSign returns the string to sign for a canonical request made at t within scope.
func StringToSign(t time.Time, scope, canonicalRequest string) string {
	panic("unimplemented")
}

// DeriveKey derives the signing key for a secret on t's UTC date, region and service.
func DeriveKey(secret string, t time.Time, region, service string) []byte {
	panic("unimplemented")
}

// Signature returns the hex HMAC-SHA256 of stringToSign under key.
func Signature(key []byte, stringToSign string) string {
	panic("unimplemented")
}
