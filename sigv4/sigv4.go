// Package sigv4 implements AWS Signature Version 4 for HTTP requests, written from the
// specification so that pget carries no AWS SDK. It signs with the Authorization header
// (Signer.Sign) or the query string (Signer.Presign), following S3's rules: the path is never
// normalised and each segment is URI-encoded exactly once.
//
// The lower-level pieces (CanonicalRequest, StringToSign, DeriveKey, Signature) are exported so
// that tests can check each step and a server (the s3sim simulator) can verify signatures.
package sigv4

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
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

// String names the access key only, so that printing Credentials with %v or %+v, in a log
// line or a panic, never shows the secret key or session token.
func (c Credentials) String() string {
	s := "sigv4.Credentials{AccessKeyID: " + c.AccessKeyID + ", SecretAccessKey: REDACTED"
	if c.SessionToken != "" {
		s += ", SessionToken: REDACTED"
	}
	return s + "}"
}

// GoString keeps %#v from printing the secret fields too.
func (c Credentials) GoString() string { return c.String() }

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

	cache atomic.Pointer[derivedKey] // last derived signing key; see signingKey
}

// Sign signs req in place with the Authorization header. payloadHash is the hex SHA-256 of the
// body, or UnsignedPayload. Sign sets X-Amz-Date, X-Amz-Content-Sha256, X-Amz-Security-Token
// (when creds has one; a stale one is removed otherwise) and Authorization, and sets
// req.URL.RawPath to the encoded path it signed (EncodePath(req.URL.Path, false); with Normalize
// the server normalises that same path) and req.URL.RawQuery to the canonical query, so that the
// wire bytes match the signature exactly. The host is req.Host, else req.URL.Host, signed as Go
// sends it (a port stays). Signed headers: host, content-length when req.ContentLength > 0, and
// every header in req.Header (x-amz-*, range, content-type, content-md5, if-*, ...) except a
// short list that proxies and the Go transport add or rewrite: authorization, user-agent,
// x-amzn-trace-id, accept-encoding and the hop-by-hop headers (expect, transfer-encoding, te,
// trailer, connection, keep-alive, upgrade, proxy-connection, proxy-authorization). Sign it
// again (e.g. on retry) after changing headers; it replaces the earlier signature.
func (s *Signer) Sign(req *http.Request, creds Credentials, payloadHash string, now time.Time) error {
	if err := s.check(req, creds); err != nil {
		return err
	}
	if payloadHash == "" {
		return errors.New("sigv4: empty payload hash; pass sigv4.UnsignedPayload or the hex SHA-256 of the body")
	}
	params, ok := parseQuery(req.URL.RawQuery)
	if !ok {
		return errors.New("sigv4: the request's query string has a malformed %-escape; build it with url.Values.Encode")
	}
	t := now.UTC()
	var dateBuf [len(TimeFormat)]byte
	amzDate := string(t.AppendFormat(dateBuf[:0], TimeFormat))
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	s.setSigningHeaders(req.Header, amzDate, payloadHash, creds.SessionToken)
	query := encodeQuery(dropParam(params, "X-Amz-Signature"))
	req.URL.RawQuery = query
	req.URL.RawPath = EncodePath(req.URL.Path, false)
	uri := req.URL.RawPath
	if s.Normalize {
		uri = EncodePath(req.URL.Path, true)
	}
	names := signedHeaderNames(req)
	service := s.service()

	// One buffer holds the Authorization value, then the canonical request, string to sign and
	// signature, so that signing allocates little.
	b := make([]byte, 0, 1024+len(uri)+len(query)+len(creds.AccessKeyID))
	b = append(b, Algorithm+" Credential="...)
	b = append(b, creds.AccessKeyID...)
	b = append(b, '/')
	scopeStart := len(b)
	b = appendScope(b, t, s.Region, service)
	scope := b[scopeStart:]
	b = append(b, ", SignedHeaders="...)
	b = appendJoined(b, names)
	b = append(b, ", Signature="...)
	sig := s.sign(b[len(b):], req, uri, query, names, payloadHash, t, scope, creds.SecretAccessKey, service)
	b = append(b, sig...)
	req.Header["Authorization"] = []string{string(b)}
	return nil
}

// setSigningHeaders puts the headers that take part in a header signature into h, replacing
// those of an earlier signature: X-Amz-Date, X-Amz-Content-Sha256 (unless OmitContentHash) and
// X-Amz-Security-Token (removed when there is no token); Authorization is dropped until the
// new one is known.
func (s *Signer) setSigningHeaders(h http.Header, amzDate, payloadHash, token string) {
	h.Del("Authorization")
	setHeader(h, "X-Amz-Date", amzDate)
	if !s.OmitContentHash {
		setHeader(h, "X-Amz-Content-Sha256", payloadHash)
	}
	if token != "" {
		setHeader(h, "X-Amz-Security-Token", token)
	} else {
		h.Del("X-Amz-Security-Token")
	}
}

// Presign returns req's URL with the SigV4 query parameters added (X-Amz-Algorithm,
// X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Security-Token when
// present, X-Amz-Signature). expires must be between 1 second and MaxPresignExpiry; a fraction
// of a second is dropped. The payload hash is UnsignedPayload, as S3 presigned URLs use. req is
// not modified; whoever uses the URL must send the same signed headers (host plus those in
// req.Header that Sign would sign).
func (s *Signer) Presign(req *http.Request, creds Credentials, expires time.Duration, now time.Time) (*url.URL, error) {
	return s.PresignHash(req, creds, UnsignedPayload, expires, now)
}

// PresignHash is Presign with an explicit payload hash, for services (and test vectors) that
// sign the body's SHA-256 in presigned requests instead of UnsignedPayload.
func (s *Signer) PresignHash(req *http.Request, creds Credentials, payloadHash string, expires time.Duration, now time.Time) (*url.URL, error) {
	if err := s.check(req, creds); err != nil {
		return nil, err
	}
	if expires < time.Second || expires > MaxPresignExpiry {
		return nil, fmt.Errorf("sigv4: presigned URL expiry %v is outside 1s to %v; choose an expiry in that range", expires, MaxPresignExpiry)
	}
	params, ok := parseQuery(req.URL.RawQuery)
	if !ok {
		return nil, errors.New("sigv4: the request's query string has a malformed %-escape; build it with url.Values.Encode")
	}
	t := now.UTC()
	service := s.service()
	scope := Scope(t, s.Region, service)
	names := signedHeaderNames(req)
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
		"X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature"} {
		params = dropParam(params, k)
	}
	params = append(params,
		queryParam{"X-Amz-Algorithm", Algorithm},
		queryParam{"X-Amz-Credential", escape(creds.AccessKeyID+"/"+scope, false)},
		queryParam{"X-Amz-Date", t.Format(TimeFormat)},
		queryParam{"X-Amz-Expires", strconv.FormatInt(int64(expires/time.Second), 10)},
		queryParam{"X-Amz-SignedHeaders", escape(string(appendJoined(nil, names)), false)},
	)
	if creds.SessionToken != "" {
		params = append(params, queryParam{"X-Amz-Security-Token", escape(creds.SessionToken, false)})
	}
	query := encodeQuery(params)
	u := *req.URL
	u.RawPath = EncodePath(u.Path, false)
	uri := u.RawPath
	if s.Normalize {
		uri = EncodePath(u.Path, true)
	}
	sig := s.sign(nil, req, uri, query, names, payloadHash, t, []byte(scope), creds.SecretAccessKey, service)
	u.RawQuery = query + "&X-Amz-Signature=" + string(sig)
	return &u, nil
}

// sign returns the hex signature of the request described by its canonical parts, appending
// the canonical request, string to sign and signature to buf (whose contents it may reuse).
func (s *Signer) sign(buf []byte, req *http.Request, uri, query string, names []string, payloadHash string,
	t time.Time, scope []byte, secret, service string) []byte {
	cr := appendCanonicalRequest(buf, req, uri, query, names, payloadHash)
	sts := appendStringToSign(cr[len(cr):], t, scope, cr)
	return appendSignature(sts[len(sts):], s.signingKey(secret, t, s.Region, service), sts)
}

// setHeader sets a canonical-form header to one value, reusing the value slice when re-signing.
func setHeader(h http.Header, key, value string) {
	if vs := h[key]; len(vs) == 1 {
		vs[0] = value
		return
	}
	h[key] = []string{value}
}

// check rejects what no signature can be made from. Its errors never include secrets.
func (s *Signer) check(req *http.Request, creds Credentials) error {
	switch {
	case req == nil || req.URL == nil:
		return errors.New("sigv4: nil request or URL; pass a request made with http.NewRequest")
	case s.Region == "":
		return errors.New("sigv4: signer has no region; set Signer.Region (e.g. us-east-1)")
	case creds.AccessKeyID == "" || creds.SecretAccessKey == "":
		return errors.New("sigv4: credentials lack an access key ID or secret access key; configure AWS credentials")
	case requestHost(req) == "":
		return errors.New("sigv4: request has no host; set req.URL.Host")
	}
	return nil
}

// service returns s.Service, defaulting to "s3".
func (s *Signer) service() string {
	if s.Service == "" {
		return "s3"
	}
	return s.Service
}
