package endpoint

import (
	"fmt"
	"strings"
)

// checkBucket rejects names no S3 bucket can have. It accepts the legacy us-east-1 names
// (upper case, "_", up to 255 characters) as well as today's rules, because such buckets still
// exist and path-style requests reach them.
func checkBucket(b string) error {
	ok := len(b) >= 3 && len(b) <= 255
	for _, r := range b {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			ok = false
		}
	}
	if !ok {
		return fmt.Errorf("invalid bucket name %q: S3 bucket names are 3-63 characters of a-z, 0-9, '.' and '-' (older buckets may also use A-Z and '_', up to 255)", b)
	}
	return nil
}

// virtualHostable reports whether bucket can be the first label of an https host name under
// *.s3.amazonaws.com: DNS-compatible by S3's rules, and without dots, which the wildcard
// certificate does not cover (which also rules out IP-like names).
func virtualHostable(b string) bool {
	if len(b) < 3 || len(b) > 63 || strings.Contains(b, ".") {
		return false
	}
	for i, r := range b {
		alnum := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		if !alnum && (r != '-' || i == 0 || i == len(b)-1) {
			return false
		}
	}
	return true
}
