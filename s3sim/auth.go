package s3sim

import (
	"crypto/hmac"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pget/pget/sigv4"
)

// maxSkew is how far a request's time may be from the server's, as on S3.
const maxSkew = 15 * time.Minute

// service is the SigV4 service name of S3.
const service = "s3"

// credentialForm is how S3 describes a well-formed credential in its errors.
const credentialForm = `expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`

// sigRequest is what a signed request claims, from its Authorization header or its query.
type sigRequest struct {
	accessKey, date, region, service, terminator string
	signedHeaders                                []string
	signature                                    string
	token                                        string
	time                                         time.Time
	payloadHash                                  string // what the signature covers
	bodyHash                                     string // what the body must hash to, when not payloadHash
}

// authenticate checks the request's SigV4 signature (header or presigned) or, for an anonymous
// request, the bucket's public flag. It returns the payload hash a body must match (a hex
// SHA-256, or UNSIGNED-PAYLOAD; empty for anonymous requests).
func (s *Server) authenticate(r *http.Request, bucket string) (string, *s3Error) {
	q := r.URL.Query()
	if authz := r.Header.Get("Authorization"); authz != "" {
		sr, e := s.parseAuthHeader(r, authz)
		if e != nil {
			return "", s.withBucketRegion(e, bucket)
		}
		return sr.payloadHash, s.verify(r, sr, false)
	}
	if q.Has("X-Amz-Algorithm") || q.Has("X-Amz-Credential") || q.Has("X-Amz-Signature") {
		sr, e := s.parsePresigned(r, q)
		if e != nil {
			return "", s.withBucketRegion(e, bucket)
		}
		return sr.bodyHash, s.verify(r, sr, true)
	}
	return "", s.anonymous(r, bucket)
}

// anonymous allows reads of public buckets. A read of a missing bucket goes on (to answer
// NoSuchBucket, as S3 does); everything else is AccessDenied.
func (s *Server) anonymous(r *http.Request, bucket string) *s3Error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead || bucket == "" {
		return errAccessDenied()
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if b := s.buckets[bucket]; b == nil || b.public {
		return nil
	}
	return errAccessDenied()
}

// withBucketRegion adds x-amz-bucket-region to a wrong-region error about an existing bucket,
// as S3 does: the <Region> of the XML is lost on a HEAD, which has no body, and clients find
// the bucket's region in this header.
func (s *Server) withBucketRegion(e *s3Error, bucket string) *s3Error {
	if bucket == "" || !slices.ContainsFunc(e.extra, func(f field) bool { return f.name == "Region" }) || !s.bucketExists(bucket) {
		return e
	}
	e.header = http.Header{"X-Amz-Bucket-Region": {s.region}}
	return e
}

// errMalformedAuth is S3's AuthorizationHeaderMalformed.
func errMalformedAuth(detail string, extra ...field) *s3Error {
	return newError(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; "+detail, extra...)
}

// errQueryAuth is S3's AuthorizationQueryParametersError.
func errQueryAuth(message string, extra ...field) *s3Error {
	return newError(400, "AuthorizationQueryParametersError", message, extra...)
}

// parseAuthHeader reads an "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..."
// header and the headers that go with it.
func (s *Server) parseAuthHeader(r *http.Request, authz string) (*sigRequest, *s3Error) {
	alg, rest, _ := strings.Cut(authz, " ")
	if alg != sigv4.Algorithm {
		if alg == "AWS" {
			return nil, errInvalidRequest("The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.")
		}
		return nil, newError(400, "InvalidArgument", "Unsupported Authorization Type", field{"ArgumentName", "Authorization"})
	}
	kv := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		kv[k] = v
	}
	cred, signed, sig := kv["Credential"], kv["SignedHeaders"], kv["Signature"]
	if cred == "" || signed == "" || sig == "" {
		return nil, errMalformedAuth("the authorization header requires three components: Credential, SignedHeaders, and Signature.")
	}
	sr := &sigRequest{signedHeaders: strings.Split(signed, ";"), signature: sig, token: r.Header.Get("X-Amz-Security-Token")}
	if !sr.setCredential(cred) {
		return nil, errMalformedAuth("the Credential is mal-formed; " + credentialForm)
	}
	if sr.region != s.region {
		return nil, errMalformedAuth(fmt.Sprintf("the region '%s' is wrong; expecting '%s'", sr.region, s.region), field{"Region", s.region})
	}
	if sr.service != service || sr.terminator != "aws4_request" {
		return nil, errMalformedAuth(fmt.Sprintf("incorrect service %q or terminal %q; expecting \"s3\" and \"aws4_request\".", sr.service, sr.terminator))
	}
	if v := r.Header.Get("X-Amz-Date"); v != "" {
		t, err := time.Parse(sigv4.TimeFormat, v)
		if err != nil {
			return nil, newError(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")
		}
		sr.time = t
	} else if t, ok := parseHTTPTime(r.Header.Get("Date")); ok {
		sr.time = t
	} else {
		return nil, newError(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")
	}
	if sr.time.UTC().Format("20060102") != sr.date {
		return nil, errMalformedAuth("Invalid credential date. Date is not the same as X-Amz-Date.")
	}
	sr.payloadHash = r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case sr.payloadHash == "":
		return nil, errInvalidRequest("Missing required header for this request: x-amz-content-sha256")
	case sr.payloadHash == sigv4.UnsignedPayload || isHexSHA256(sr.payloadHash):
	case strings.HasPrefix(sr.payloadHash, "STREAMING-"):
		return nil, errNotImplemented("x-amz-content-sha256: " + sr.payloadHash)
	default:
		return nil, errInvalidArgument("x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
			"x-amz-content-sha256", sr.payloadHash)
	}
	return sr, nil
}

// parsePresigned reads the X-Amz-* query parameters of a presigned URL.
func (s *Server) parsePresigned(r *http.Request, q url.Values) (*sigRequest, *s3Error) {
	for _, p := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"} {
		if q.Get(p) == "" {
			return nil, errQueryAuth("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
		}
	}
	if q.Get("X-Amz-Algorithm") != sigv4.Algorithm {
		return nil, errQueryAuth(`X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`)
	}
	sr := &sigRequest{signedHeaders: strings.Split(q.Get("X-Amz-SignedHeaders"), ";"), signature: q.Get("X-Amz-Signature"), token: q.Get("X-Amz-Security-Token")}
	if !sr.setCredential(q.Get("X-Amz-Credential")) {
		return nil, errQueryAuth("Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; " + credentialForm)
	}
	if sr.region != s.region {
		return nil, errQueryAuth(fmt.Sprintf("Error parsing the X-Amz-Credential parameter; the region '%s' is wrong; expecting '%s'", sr.region, s.region), field{"Region", s.region})
	}
	if sr.service != service || sr.terminator != "aws4_request" {
		return nil, errQueryAuth(fmt.Sprintf("Error parsing the X-Amz-Credential parameter; incorrect service %q or terminal %q; expecting \"s3\" and \"aws4_request\".", sr.service, sr.terminator))
	}
	t, err := time.Parse(sigv4.TimeFormat, q.Get("X-Amz-Date"))
	if err != nil {
		return nil, errQueryAuth(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`)
	}
	sr.time = t
	if t.Format("20060102") != sr.date {
		return nil, errQueryAuth("Error parsing the X-Amz-Credential parameter; Invalid credential date. Date is not the same as X-Amz-Date.")
	}
	exp, err := strconv.ParseInt(q.Get("X-Amz-Expires"), 10, 64)
	switch {
	case err != nil:
		return nil, errQueryAuth("X-Amz-Expires should be a number")
	case exp < 0:
		return nil, errQueryAuth("X-Amz-Expires must be non-negative")
	case exp > int64(sigv4.MaxPresignExpiry/time.Second):
		return nil, errQueryAuth("X-Amz-Expires must be less than a week (in seconds) that is; the maximum expires is 604800 seconds")
	}
	now := s.now().UTC()
	if expires := t.Add(time.Duration(exp) * time.Second); now.After(expires) {
		return nil, newError(403, "AccessDenied", "Request has expired", field{"X-Amz-Expires", q.Get("X-Amz-Expires")},
			field{"Expires", expires.Format("2006-01-02T15:04:05Z")}, field{"ServerTime", now.Format("2006-01-02T15:04:05Z")})
	}
	if t.Sub(now) > maxSkew {
		return nil, newError(403, "AccessDenied", "Request is not valid yet")
	}
	// A presigned URL signs UNSIGNED-PAYLOAD; a hex x-amz-content-sha256 header is still checked
	// against the body.
	sr.payloadHash, sr.bodyHash = sigv4.UnsignedPayload, r.Header.Get("X-Amz-Content-Sha256")
	return sr, nil
}

// setCredential splits "AKID/YYYYMMDD/region/service/aws4_request".
func (sr *sigRequest) setCredential(cred string) bool {
	f := strings.Split(cred, "/")
	if len(f) != 5 || f[0] == "" || len(f[1]) != 8 {
		return false
	}
	sr.accessKey, sr.date, sr.region, sr.service, sr.terminator = f[0], f[1], f[2], f[3], f[4]
	return true
}

// secretFor checks the access key and session token of a request and returns the secret.
func (s *Server) secretFor(sr *sigRequest) (string, *s3Error) {
	if secret, ok := s.creds[sr.accessKey]; ok {
		if sr.token != "" {
			return "", newError(400, "InvalidToken", "The provided token is malformed or otherwise invalid.")
		}
		return secret, nil
	}
	tc, ok := s.temp[sr.accessKey]
	if !ok || sr.token == "" {
		return "", newError(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", field{"AWSAccessKeyId", sr.accessKey})
	}
	if !hmac.Equal([]byte(sr.token), []byte(tc.SessionToken)) {
		return "", newError(400, "InvalidToken", "The provided token is malformed or otherwise invalid.")
	}
	if !tc.Expires.IsZero() && s.now().After(tc.Expires) {
		return "", newError(400, "ExpiredToken", "The provided token has expired.")
	}
	return tc.SecretAccessKey, nil
}

// verify checks the keys, the clock and the signature of a parsed request.
func (s *Server) verify(r *http.Request, sr *sigRequest, presigned bool) *s3Error {
	secret, e := s.secretFor(sr)
	if e != nil {
		return e
	}
	now := s.now().UTC()
	if !presigned && (sr.time.Sub(now) > maxSkew || now.Sub(sr.time) > maxSkew) {
		return newError(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.",
			field{"RequestTime", sr.time.UTC().Format(sigv4.TimeFormat)}, field{"ServerTime", now.Format("2006-01-02T15:04:05Z")},
			field{"MaxAllowedSkewMilliseconds", "900000"})
	}
	if e := checkSignedHeaders(r, sr.signedHeaders, presigned); e != nil {
		return e
	}
	canonical := sigv4.CanonicalRequest(r, sr.signedHeaders, sr.payloadHash, false)
	scope := sigv4.Scope(sr.time, sr.region, sr.service)
	toSign := sigv4.StringToSign(sr.time, scope, canonical)
	want := sigv4.Signature(sigv4.DeriveKey(secret, sr.time, sr.region, sr.service), toSign)
	if !hmac.Equal([]byte(want), []byte(sr.signature)) {
		return newError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
			field{"AWSAccessKeyId", sr.accessKey}, field{"StringToSign", toSign}, field{"CanonicalRequest", redact(canonical, sr.token)})
	}
	return nil
}

// presignedUnsignedOK names the one x-amz-* header S3 accepts unsigned on a presigned request:
// a presigned URL signs UNSIGNED-PAYLOAD in its query, and S3 lets whoever uses it send
// x-amz-content-sha256 without signing it (a hex value is still checked against the body).
// Any other unsigned x-amz-* header (x-amz-checksum-mode, x-amz-request-payer, ...) is refused,
// because it would change the request beyond what the URL's signer allowed.
const presignedUnsignedOK = "x-amz-content-sha256"

// checkSignedHeaders requires host and every x-amz-* header to be signed, as S3 does for both
// header auth and presigned URLs (less presignedUnsignedOK on a presigned request), answering
// AccessDenied with the unsigned names in <HeadersNotSigned>.
func checkSignedHeaders(r *http.Request, signed []string, presigned bool) *s3Error {
	var missing []string
	if !slices.Contains(signed, "host") {
		missing = append(missing, "host")
	}
	for name := range r.Header {
		lower := strings.ToLower(name)
		if !strings.HasPrefix(lower, "x-amz-") || slices.Contains(signed, lower) || presigned && lower == presignedUnsignedOK {
			continue
		}
		missing = append(missing, lower)
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return newError(403, "AccessDenied", "There were headers present in the request which were not signed", field{"HeadersNotSigned", strings.Join(missing, ", ")})
}

// redact removes a session token (raw or percent-encoded) from text that goes into an error.
func redact(text, token string) string {
	if token == "" {
		return text
	}
	text = strings.ReplaceAll(text, token, "<redacted>")
	var enc strings.Builder
	for i := 0; i < len(token); i++ {
		c := token[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			enc.WriteByte(c)
		} else {
			fmt.Fprintf(&enc, "%%%02X", c)
		}
	}
	return strings.ReplaceAll(text, enc.String(), "<redacted>")
}
