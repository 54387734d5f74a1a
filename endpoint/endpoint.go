// Package endpoint turns what the user typed (s3://bucket/key, an S3 https URL, a presigned or
// plain https URL) into a Location: which host to ask, with which path, in which region, and
// whether the request is to be signed. It also reads where S3 says a bucket really lives.
//
// Accepted sources:
//
//	s3://bucket/key                               the key is the raw text after "bucket/",
//	                                              never percent-decoded ("%41" stays "%41")
//	https://bucket.s3.REGION.amazonaws.com/key    virtual-hosted; also bucket.s3.amazonaws.com,
//	                                              bucket.s3-REGION and bucket.s3.dualstack.REGION
//	https://s3.REGION.amazonaws.com/bucket/key    path-style; also s3.amazonaws.com, s3-REGION
//	                                              and s3.dualstack.REGION
//	https://ENDPOINT/bucket/key                   path-style on the configured custom endpoint
//	https://anything?X-Amz-Signature=...          presigned: fetched as given, never signed
//	any other http(s) URL                         fetched as given, never signed
//
// The keys of https URLs are percent-decoded, since they are URLs. S3 on AWS is always reached
// over https, even from an http:// source. An S3 URL that carries any
// other query (a versionId, say) is also fetched as given, unsigned: pget cannot sign what it
// does not model, and a public object still downloads.
//
// Addressing style, chosen to be predictable rather than clever:
//
//   - a custom endpoint (--endpoint-url, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL) is always
//     addressed path-style (http://host:port/base/bucket/key), because most S3-compatible
//     stores listen on an IP or a single host name with no wildcard DNS;
//   - AWS is addressed virtual-hosted (bucket.s3.REGION.amazonaws.com) when the bucket name is
//     DNS-compatible and has no dots (dots break the *.s3 wildcard certificate), else
//     path-style; Options.PathStyle forces path-style.
//
// The region is Options.Region when set, else the one named in the host, else "" (callers
// default to us-east-1 and follow S3's redirect to the bucket's real region).
package endpoint

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// Location is one object as pget addresses it.
type Location struct {
	Bucket string
	Key    string
	// Region is the signing region; "" until known (callers default to us-east-1).
	Region string
	// Endpoint is a custom S3-compatible endpoint (scheme, host, port, optional base path);
	// nil means AWS.
	Endpoint *url.URL
	// PathStyle addresses the bucket in the path instead of the host name. Parse sets it to
	// the style URL will use: always for a custom endpoint, and on AWS for bucket names that
	// cannot be a host name label.
	PathStyle bool
	// DualStack selects the IPv4+IPv6 AWS host names (s3.dualstack.REGION.amazonaws.com), set
	// when the source URL used them.
	DualStack bool
	// VersionID names one version of the object (--version-id); "" means the current one.
	VersionID string
	// Direct is set for a presigned or plain https URL that is fetched exactly as given and
	// never signed; Bucket and Key may then be empty (Parse fills them in, as a hint for file
	// names, when the URL has a recognisable S3 form).
	Direct *url.URL
}

// Options are the user's settings that shape a Location.
type Options struct {
	EndpointURL string // --endpoint-url; else AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL
	Region      string // already resolved by the caller (flag, env, profile); may be ""
	PathStyle   bool   // --path-style
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
}

// accepted is the list of forms for "unknown source" errors.
const accepted = "expected s3://bucket/key, an S3 URL (https://bucket.s3.REGION.amazonaws.com/key or https://s3.REGION.amazonaws.com/bucket/key), or a presigned or plain http(s) URL"

// Parse reads a source. It returns a one-line error saying what form it expected when the
// source is none of the known forms.
func Parse(source string, opts Options) (Location, error) {
	ep, err := customEndpoint(opts)
	if err != nil {
		return Location{}, err
	}
	scheme, rest, ok := strings.Cut(source, "://")
	if !ok {
		return Location{}, fmt.Errorf("source %q is not a URL: %s", safeQuote(source), accepted)
	}
	switch strings.ToLower(scheme) {
	case "s3":
		return parseS3URI(rest, ep, opts)
	case "http", "https":
		return parseHTTP(source, ep, opts)
	}
	return Location{}, fmt.Errorf("unsupported source scheme %q: %s", scheme, accepted)
}

// safeQuote is s fit to quote in an error: everything from the first "?" dropped, so no
// signature or token shows, and any user:password before the host replaced by REDACTED.
func safeQuote(s string) string {
	s, _, _ = strings.Cut(s, "?")
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	authority := rest
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority = rest[:i]
	}
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		rest = "REDACTED" + rest[at:]
	}
	return scheme + "://" + rest
}

// parseS3URI reads the part of s3://bucket/key after the scheme. The key is taken verbatim.
func parseS3URI(rest string, ep *url.URL, opts Options) (Location, error) {
	bucket, key, hasSlash := strings.Cut(rest, "/")
	switch {
	case bucket == "":
		return Location{}, fmt.Errorf("no bucket: s3://%s names no bucket; write s3://bucket/key", rest)
	case !hasSlash:
		return Location{}, fmt.Errorf("no key: s3://%s names a bucket, not an object; write s3://%s/key", rest, rest)
	case key == "":
		return Location{}, fmt.Errorf("no key: s3://%s/ names a bucket, not an object", bucket)
	}
	if err := checkBucket(bucket); err != nil {
		return Location{}, err
	}
	return newLocation(bucket, key, "", false, ep, opts), nil
}

// newLocation builds a signed Location and decides its addressing style.
func newLocation(bucket, key, hostRegion string, dual bool, ep *url.URL, opts Options) Location {
	l := Location{Bucket: bucket, Key: key, Region: opts.Region, Endpoint: ep, DualStack: dual && ep == nil}
	if l.Region == "" {
		l.Region = hostRegion
	}
	l.PathStyle = ep != nil || opts.PathStyle || !virtualHostable(bucket)
	return l
}

// parseHTTP reads an http(s) URL: presigned, S3 on AWS, path-style on the custom endpoint, or
// any other URL, fetched directly.
func parseHTTP(source string, ep *url.URL, opts Options) (Location, error) {
	u, err := url.Parse(source)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the whole URL, signature included
		}
		return Location{}, fmt.Errorf("source is not a valid URL (%v); %s", err, accepted)
	}
	if u.Host == "" {
		return Location{}, fmt.Errorf("source %q has no host; %s", safeQuote(source), accepted)
	}
	u.Fragment, u.RawFragment = "", "" // never sent to a server anyway
	bucket, key, region, dual, isS3 := awsParts(u)
	if !isS3 && ep != nil {
		bucket, key, isS3 = endpointParts(u, ep)
		region, dual = "", false
	} else if isS3 {
		ep = nil // the URL names AWS outright; a configured endpoint is for s3:// sources
	}
	if !isS3 || u.RawQuery != "" || u.User != nil {
		// Presigned (X-Amz-Signature, X-Amz-Credential, SigV2 Signature), another query we
		// cannot sign for, or not S3 as far as we can tell: fetch exactly as given.
		l := Location{Bucket: bucket, Key: key, Region: opts.Region, Direct: u}
		if l.Region == "" {
			l.Region = region
		}
		return l, nil
	}
	switch {
	case bucket == "":
		return Location{}, fmt.Errorf("no bucket: %s names no bucket; %s", source, accepted)
	case key == "":
		return Location{}, fmt.Errorf("no key: %s names a bucket, not an object", source)
	}
	if err := checkBucket(bucket); err != nil {
		return Location{}, err
	}
	return newLocation(bucket, key, region, dual, ep, opts), nil
}

// endpointParts reads bucket and key from a path-style URL on the custom endpoint ep.
func endpointParts(u, ep *url.URL) (bucket, key string, ok bool) {
	if !strings.EqualFold(u.Scheme, ep.Scheme) || !strings.EqualFold(hostPort(u), hostPort(ep)) {
		return "", "", false
	}
	p, found := strings.CutPrefix(u.Path, ep.Path+"/")
	if !found {
		return "", "", u.Path == ep.Path // the endpoint itself: a URL with no bucket
	}
	bucket, key, _ = strings.Cut(p, "/")
	return bucket, key, true
}

// hostPort is u's host with the scheme's default port made explicit, for comparisons.
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	if strings.EqualFold(u.Scheme, "http") {
		return u.Host + ":80"
	}
	return u.Host + ":443"
}

// customEndpoint reads --endpoint-url or the environment; nil means AWS.
func customEndpoint(opts Options) (*url.URL, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	raw, from := opts.EndpointURL, "--endpoint-url"
	for _, name := range []string{"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"} {
		if raw == "" {
			raw, from = getenv(name), name
		}
	}
	if raw == "" {
		return nil, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s %q is not an http:// or https:// URL with a host; write it like http://localhost:9000", from, safeQuote(raw))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%s %q must not have a query or fragment; write it like http://localhost:9000/base", from, safeQuote(raw))
	}
	u.Host = strings.ToLower(u.Host) // host names are case-insensitive; keep one spelling
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// URL returns the object's URL. Path holds the decoded path (the signer encodes it); for a
// Direct location it is a copy of Direct.
func (l Location) URL() *url.URL {
	if l.Direct != nil {
		u := *l.Direct
		if u.User != nil {
			ui := *u.User
			u.User = &ui
		}
		return &u
	}
	var u *url.URL
	switch {
	case l.Endpoint != nil:
		u = &url.URL{Scheme: l.Endpoint.Scheme, Host: l.Endpoint.Host, User: l.Endpoint.User,
			Path: l.Endpoint.Path + "/" + l.Bucket + "/" + l.Key}
	case l.PathStyle:
		u = &url.URL{Scheme: "https", Host: awsHost(l.Region, l.DualStack), Path: "/" + l.Bucket + "/" + l.Key}
	default:
		u = &url.URL{Scheme: "https", Host: l.Bucket + "." + awsHost(l.Region, l.DualStack), Path: "/" + l.Key}
	}
	if l.VersionID != "" {
		u.RawQuery = url.Values{"versionId": {l.VersionID}}.Encode()
	}
	return u
}

// Signed reports whether requests to l are to be signed (false for Direct locations).
func (l Location) Signed() bool { return l.Direct == nil }

// WithRegion returns l moved to region, as after S3 says the bucket lives there. On AWS this
// changes the host URL returns; on a custom endpoint only the signing region changes.
func (l Location) WithRegion(region string) Location {
	l.Region = region
	return l
}

// String is s3://bucket/key, or the direct URL with any X-Amz-Signature,
// X-Amz-Security-Token and X-Amz-Credential redacted (see Redact).
func (l Location) String() string {
	if l.Direct != nil {
		return Redact(l.Direct)
	}
	if l.VersionID != "" {
		return "s3://" + l.Bucket + "/" + l.Key + " (version " + l.VersionID + ")"
	}
	return "s3://" + l.Bucket + "/" + l.Key
}

// BucketRegion returns the region S3 names in a response's x-amz-bucket-region header, or "".
func BucketRegion(resp *http.Response) string { return resp.Header.Get("X-Amz-Bucket-Region") }
