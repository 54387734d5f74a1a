// Package endpoint turns what the user typed (s3://bucket/key, an S3 https URL, a presigned or
// plain https URL) into a Location: which host to ask, with which path, in which region, and
// whether the request is to be signed. It also reads where S3 says a bucket really lives.
package endpoint

import (
	"net/http"
	"net/url"
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
	// PathStyle addresses the bucket in the path instead of the host name.
	PathStyle bool
	// Direct is set for a presigned or plain https URL that is fetched exactly as given and
	// never signed; Bucket and Key may then be empty.
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

// Parse reads a source. It returns a one-line error saying what form it expected when the
// source is none of the known forms.
func Parse(source string, opts Options) (Location, error) { panic("unimplemented") }

// URL returns the object's URL. Path holds the decoded path (the signer encodes it); for a
// Direct location it is a copy of Direct.
func (l Location) URL() *url.URL { panic("unimplemented") }

// Signed reports whether requests to l are to be signed (false for Direct locations).
func (l Location) Signed() bool { return l.Direct == nil }

// WithRegion returns l moved to region, as after S3 says the bucket lives there.
func (l Location) WithRegion(region string) Location { panic("unimplemented") }

// String is s3://bucket/key, or the direct URL with any X-Amz-Signature and
// X-Amz-Security-Token redacted.
func (l Location) String() string { panic("unimplemented") }

// BucketRegion returns the region S3 names in a response's x-amz-bucket-region header, or "".
func BucketRegion(resp *http.Response) string { return resp.Header.Get("X-Amz-Bucket-Region") }
