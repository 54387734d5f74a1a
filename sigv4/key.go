package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Scope returns the credential scope "YYYYMMDD/region/service/aws4_request".
func Scope(t time.Time, region, service string) string {
	return string(appendScope(make([]byte, 0, 8+len(region)+len(service)+15), t, region, service))
}

// appendScope appends the credential scope to b.
func appendScope(b []byte, t time.Time, region, service string) []byte {
	b = t.UTC().AppendFormat(b, "20060102")
	b = append(b, '/')
	b = append(b, region...)
	b = append(b, '/')
	b = append(b, service...)
	return append(b, "/aws4_request"...)
}

// StringToSign returns the string to sign for a canonical request made at t within scope.
func StringToSign(t time.Time, scope, canonicalRequest string) string {
	return string(appendStringToSign(nil, t, []byte(scope), []byte(canonicalRequest)))
}

// appendStringToSign appends the string to sign to b.
func appendStringToSign(b []byte, t time.Time, scope, canonicalRequest []byte) []byte {
	sum := sha256.Sum256(canonicalRequest)
	b = append(b, Algorithm...)
	b = append(b, '\n')
	b = t.UTC().AppendFormat(b, TimeFormat)
	b = append(b, '\n')
	b = append(b, scope...)
	b = append(b, '\n')
	return hex.AppendEncode(b, sum[:])
}

// hmacSHA256 returns HMAC-SHA256(key, data).
func hmacSHA256[T string | []byte](key []byte, data T) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// DeriveKey derives the signing key for a secret on t's UTC date, region and service.
func DeriveKey(secret string, t time.Time, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), t.UTC().Format("20060102"))
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

// Signature returns the hex HMAC-SHA256 of stringToSign under key.
func Signature(key []byte, stringToSign string) string {
	return hex.EncodeToString(hmacSHA256(key, stringToSign))
}

// appendSignature appends the hex HMAC-SHA256 of stringToSign under key to b.
func appendSignature(b, key, stringToSign []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(stringToSign)
	var sum [sha256.Size]byte
	return hex.AppendEncode(b, m.Sum(sum[:0]))
}

// derivedKey is one cached signing key and the inputs it was derived from. It is immutable once
// published so readers need no lock.
type derivedKey struct {
	day, region, service, secret string
	key                          []byte
}

// signingKey returns the signing key for secret at t, deriving it only when the day, region,
// service or secret differ from the cached one. Concurrent callers may both derive on a miss;
// the results are identical, so the last store wins harmlessly.
func (s *Signer) signingKey(secret string, t time.Time, region, service string) []byte {
	var dayBuf [8]byte
	day := t.UTC().AppendFormat(dayBuf[:0], "20060102")
	if c := s.cache.Load(); c != nil && c.secret == secret && c.region == region &&
		c.service == service && c.day == string(day) {
		return c.key
	}
	c := &derivedKey{day: string(day), region: region, service: service, secret: secret,
		key: DeriveKey(secret, t, region, service)}
	s.cache.Store(c)
	return c.key
}
