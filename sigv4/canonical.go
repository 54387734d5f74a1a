package sigv4

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// excludedHeaders are never signed even when present in req.Header, because something between
// pget and S3 may legitimately add, drop or rewrite them (proxies, the Go transport, load
// balancers, tracing), which would break a signature that covered them:
//   - authorization: it carries the signature itself;
//   - user-agent, x-amzn-trace-id: rewritten by proxies and AWS's own tracing;
//   - expect, transfer-encoding, te, trailer, connection, keep-alive, upgrade,
//     proxy-connection, proxy-authorization: hop-by-hop headers (RFC 9110 §7.6.1);
//   - accept-encoding: Go's transport and proxies add or change it;
//   - content-length, host: Go does not send these from req.Header; the values that go on the
//     wire (req.ContentLength, req.Host/req.URL.Host) are signed instead.
var excludedHeaders = map[string]bool{
	"authorization":       true,
	"user-agent":          true,
	"x-amzn-trace-id":     true,
	"expect":              true,
	"transfer-encoding":   true,
	"te":                  true,
	"trailer":             true,
	"connection":          true,
	"keep-alive":          true,
	"upgrade":             true,
	"proxy-connection":    true,
	"proxy-authorization": true,
	"accept-encoding":     true,
	"content-length":      true,
	"host":                true,
}

// commonHeaders maps the canonical form of headers pget signs often to their lower-case form,
// so the hot path needs no allocation to convert between the two.
var commonHeaders = map[string]string{
	"Host":                 "host",
	"Range":                "range",
	"X-Amz-Date":           "x-amz-date",
	"X-Amz-Content-Sha256": "x-amz-content-sha256",
	"X-Amz-Security-Token": "x-amz-security-token",
	"Content-Type":         "content-type",
	"Content-Md5":          "content-md5",
	"If-Match":             "if-match",
	"If-None-Match":        "if-none-match",
	"If-Modified-Since":    "if-modified-since",
	"If-Unmodified-Since":  "if-unmodified-since",
	"User-Agent":           "user-agent",
	"Accept-Encoding":      "accept-encoding",
	"Authorization":        "authorization",
}

// lowerHeaderKey returns k lower-cased, without allocating for common canonical keys.
func lowerHeaderKey(k string) string {
	if l, ok := commonHeaders[k]; ok {
		return l
	}
	return strings.ToLower(k)
}

// canonicalKeys is commonHeaders inverted: lower-case name to canonical key.
var canonicalKeys = func() map[string]string {
	m := make(map[string]string, len(commonHeaders))
	for k, v := range commonHeaders {
		m[v] = k
	}
	return m
}()

// unreserved reports whether c is in RFC 3986's unreserved set, the only bytes SigV4 leaves
// unencoded.
func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

const upperHex = "0123456789ABCDEF"

// appendEscaped appends s to b with every byte outside the unreserved set (and, if keepSlash,
// other than '/') written as %XX with upper-case hex, as SigV4 requires.
func appendEscaped(b []byte, s string, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || keepSlash && c == '/' {
			b = append(b, c)
		} else {
			b = append(b, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return b
}

// escape returns s encoded with appendEscaped, without allocating when nothing needs encoding.
func escape(s string, keepSlash bool) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) && !(keepSlash && s[i] == '/') {
			n++
		}
	}
	if n == 0 {
		return s
	}
	return string(appendEscaped(make([]byte, 0, len(s)+2*n), s, keepSlash))
}

// EncodePath returns the canonical URI of a decoded path: each segment percent-encoded once with
// the RFC 3986 unreserved set (A-Z a-z 0-9 - . _ ~) kept. With normalize, "." and ".." segments
// are resolved and repeated slashes merged first. An empty path is "/".
//
// Without normalize the result decodes back to path exactly (for a non-empty path), which is
// what S3 needs: object keys such as "a//b", "x/./y" or "%41" are names, not paths.
func EncodePath(path string, normalize bool) string {
	if normalize {
		path = normalizePath(path)
	}
	if path == "" {
		return "/"
	}
	return escape(path, true)
}

// normalizePath removes "." and ".." segments and empty segments (repeated slashes), keeping a
// trailing slash when the input ended in a directory, as generic AWS services canonicalise. The
// result always starts with "/".
func normalizePath(p string) string {
	segs := make([]string, 0, strings.Count(p, "/")+1)
	for _, s := range strings.Split(p, "/") {
		switch s {
		case "", ".":
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
		default:
			segs = append(segs, s)
		}
	}
	if len(segs) == 0 {
		return "/"
	}
	out := "/" + strings.Join(segs, "/")
	if strings.HasSuffix(p, "/") || strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..") {
		out += "/"
	}
	return out
}

// queryParam is one encoded name=value pair of a canonical query string.
type queryParam struct{ key, value string }

// parseQuery decodes rawQuery the way servers do (pairs split on '&', name and value on the
// first '=', %XX and '+' decoded, empty pairs skipped) and re-encodes each name and value with
// the unreserved set. ok is false when some escape was malformed; such a component is then
// encoded literally, so the result is still deterministic.
func parseQuery(rawQuery string) (params []queryParam, ok bool) {
	ok = true
	for rawQuery != "" {
		var pair string
		pair, rawQuery, _ = strings.Cut(rawQuery, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil {
			ok, dk = false, k
		}
		dv, err := url.QueryUnescape(v)
		if err != nil {
			ok, dv = false, v
		}
		params = append(params, queryParam{escape(dk, false), escape(dv, false)})
	}
	return params, ok
}

// dropParam removes every parameter whose encoded name is key.
func dropParam(params []queryParam, key string) []queryParam {
	out := params[:0]
	for _, p := range params {
		if p.key != key {
			out = append(out, p)
		}
	}
	return out
}

// encodeQuery sorts params by name then value (both encoded, as SigV4 specifies) and joins them;
// an empty value keeps its '=' ("lifecycle=").
func encodeQuery(params []queryParam) string {
	sort.Slice(params, func(i, j int) bool {
		if params[i].key != params[j].key {
			return params[i].key < params[j].key
		}
		return params[i].value < params[j].value
	})
	n := 0
	for _, p := range params {
		n += len(p.key) + len(p.value) + 2
	}
	var b strings.Builder
	b.Grow(n)
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.key)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	return b.String()
}

// canonicalQuery returns the canonical query string of rawQuery less any X-Amz-Signature.
func canonicalQuery(rawQuery string) string {
	params, _ := parseQuery(rawQuery)
	return encodeQuery(dropParam(params, "X-Amz-Signature"))
}

// requestHost is the Host that Go's transport sends: req.Host, else req.URL.Host.
func requestHost(req *http.Request) string {
	if req.Host != "" {
		return req.Host
	}
	return req.URL.Host
}

// signedHeaderNames returns the sorted lower-case names Sign and Presign sign: host, the
// content length when there is a body, and every header in req.Header except excludedHeaders.
func signedHeaderNames(req *http.Request) []string {
	names := make([]string, 0, len(req.Header)+2)
	names = append(names, "host")
	if req.ContentLength > 0 {
		names = append(names, "content-length")
	}
	for k := range req.Header {
		lk := lowerHeaderKey(k)
		if !excludedHeaders[lk] {
			names = append(names, lk)
		}
	}
	slices.Sort(names)
	return compact(names)
}

// compact removes adjacent duplicates from a sorted slice (a header map may hold one name in
// two spellings when it was filled without canonicalising keys).
func compact(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// headerValues returns every value of the lower-case header name in h, whatever the case of its
// key, in a deterministic order (canonical key first, other spellings sorted).
func headerValues(h http.Header, name string) []string {
	ck, ok := canonicalKeys[name]
	if !ok {
		ck = http.CanonicalHeaderKey(name)
	}
	vals := h[ck]
	var others []string
	for k := range h {
		if k != ck && strings.EqualFold(k, name) {
			others = append(others, k)
		}
	}
	if len(others) == 0 {
		return vals
	}
	sort.Strings(others)
	all := append([]string(nil), vals...)
	for _, k := range others {
		all = append(all, h[k]...)
	}
	return all
}

// appendHeaderValue appends v trimmed of leading and trailing spaces and tabs (the optional
// whitespace an HTTP server strips), with each inner run of spaces folded to one space. Inner
// tabs are kept, as the AWS SDKs do.
func appendHeaderValue(b []byte, v string) []byte {
	v = strings.Trim(v, " \t")
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' && i > 0 && v[i-1] == ' ' {
			continue
		}
		b = append(b, v[i])
	}
	return b
}

// CanonicalRequest returns the canonical request for req: method (GET when empty, as net/http
// sends it), EncodePath(req.URL.Path),
// the sorted, encoded query (req.URL.RawQuery less any X-Amz-Signature), the named headers
// (lower-cased, values trimmed and inner runs of spaces folded, repeated values joined
// with ','; "host" from req.Host or req.URL.Host, "content-length" from req.ContentLength when
// positive), the signed-header list and payloadHash. signedHeaders are names in any order and
// case. A malformed %-escape in the query is encoded literally (Sign rejects it instead).
func CanonicalRequest(req *http.Request, signedHeaders []string, payloadHash string, normalize bool) string {
	names := make([]string, len(signedHeaders))
	for i, n := range signedHeaders {
		names[i] = strings.ToLower(n)
	}
	sort.Strings(names)
	names = compact(names)
	return string(appendCanonicalRequest(nil, req, EncodePath(req.URL.Path, normalize), canonicalQuery(req.URL.RawQuery), names, payloadHash))
}

// appendCanonicalRequest appends the canonical request assembled from already-canonical parts to
// b; names must be sorted, lower-case and unique.
func appendCanonicalRequest(b []byte, req *http.Request, uri, query string, names []string, payloadHash string) []byte {
	method := req.Method
	if method == "" {
		method = http.MethodGet // what net/http sends for an empty Method
	}
	b = append(b, method...)
	b = append(b, '\n')
	b = append(b, uri...)
	b = append(b, '\n')
	b = append(b, query...)
	b = append(b, '\n')
	for _, n := range names {
		b = append(b, n...)
		b = append(b, ':')
		switch {
		case n == "host":
			b = appendHeaderValue(b, requestHost(req))
		case n == "content-length" && req.ContentLength > 0:
			b = strconv.AppendInt(b, req.ContentLength, 10)
		default:
			for i, v := range headerValues(req.Header, n) {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendHeaderValue(b, v)
			}
		}
		b = append(b, '\n')
	}
	b = append(b, '\n')
	b = appendJoined(b, names)
	b = append(b, '\n')
	b = append(b, payloadHash...)
	return b
}

// appendJoined appends names separated by ';', the SignedHeaders form.
func appendJoined(b []byte, names []string) []byte {
	for i, n := range names {
		if i > 0 {
			b = append(b, ';')
		}
		b = append(b, n...)
	}
	return b
}
