package endpoint

import (
	"net/url"
	"strings"
)

// secretParams are the query parameters Redact hides (lower case): the SigV4 signature,
// session token and credential scope of presigned URLs, and the SigV2 signature.
var secretParams = map[string]bool{
	"x-amz-signature":      true,
	"x-amz-security-token": true,
	"x-amz-credential":     true,
	"signature":            true,
}

// Redact returns u as text fit for logs and errors: the values of X-Amz-Signature,
// X-Amz-Security-Token, X-Amz-Credential and (SigV2) Signature query parameters, matched
// without regard to case, become "REDACTED", as does any user:password. The rest of the query
// keeps its order and encoding. u is not modified; nil gives "".
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
			if secretParams[strings.ToLower(name)] {
				parts[i] = k + "=REDACTED"
			}
		}
		cp.RawQuery = strings.Join(parts, "&")
	}
	return cp.String()
}
