package endpoint

import (
	"net/url"
	"strings"
)

// secretWords mark a query parameter as secret when its lower-cased name contains one: the
// SigV4 X-Amz-Signature, X-Amz-Security-Token and X-Amz-Credential, SigV2's Signature, GCS's
// X-Goog-Signature and X-Goog-Credential, CloudFront's Signature, OAuth's access_token and the
// like. Plain https sources can come from any signing scheme, so the match is by word, not by
// a list of exact names.
var secretWords = [...]string{"signature", "token", "credential", "secret", "password"}

// secretParam reports whether a query parameter's decoded name marks its value as secret.
func secretParam(name string) bool {
	name = strings.ToLower(name)
	if name == "sig" { // Azure SAS and others
		return true
	}
	for _, w := range secretWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// Redact returns u as text fit for logs and errors: the value of every secret query parameter
// (see secretWords: X-Amz-Signature, X-Amz-Security-Token, X-Amz-Credential, Signature,
// X-Goog-Signature, sig, ...), matched without regard to case, becomes "REDACTED", as does any
// user:password. The rest of the query keeps its order and encoding. u is not modified; nil
// gives "".
func Redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	cp := *u
	if cp.User != nil {
		cp.User = url.User("REDACTED")
	}
	if cp.RawQuery != "" {
		parts := strings.Split(cp.RawQuery, "&")
		for i, p := range parts {
			k, _, _ := strings.Cut(p, "=")
			name, err := url.QueryUnescape(k)
			if err != nil {
				name = k
			}
			if secretParam(name) {
				parts[i] = k + "=REDACTED"
			}
		}
		cp.RawQuery = strings.Join(parts, "&")
	}
	return cp.String()
}
