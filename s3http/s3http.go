// Package s3http talks HTTP to S3: it builds requests for one object, signs them with sigv4,
// sends them through one shared transport, turns S3's XML errors into *Error, and logs each
// request with every secret redacted. Planner and fetch use it; it knows nothing of files.
package s3http

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pget/pget/endpoint"
	"github.com/pget/pget/sigv4"
)

// DefaultRegion signs requests whose Location names no region yet; S3 then says where the
// bucket really is and Object.Head moves there.
const DefaultRegion = "us-east-1"

// Client sends signed requests. The zero value is not usable: set HTTP, and do not change it
// once requests have been sent. A Client is safe for
// concurrent use and must not be copied after first use.
type Client struct {
	HTTP *http.Client
	// Credentials returns the keys to sign with; nil means anonymous (unsigned) requests.
	Credentials func(ctx context.Context) (sigv4.Credentials, error)
	// Log, when set, receives one line per request at Debug level (method, URL without
	// secrets, range, status, duration). Nothing secret is ever passed to it.
	Log *slog.Logger
	// Header is sent, and signed, with every request to an S3 location (not to direct URLs,
	// whose signatures cover a fixed set of headers): x-amz-request-payer, for one.
	Header http.Header
	// Now returns the signing time; nil means time.Now.
	Now func() time.Time

	// Requests counts requests sent.
	Requests atomic.Int64

	// signers holds one Signer per region so that each keeps its derived-key cache.
	mu      sync.Mutex
	signers map[string]*sigv4.Signer

	// signedHTTP is HTTP that never follows redirects, made once on first use.
	signedOnce sync.Once
	signedHTTP *http.Client
}

// Do signs (when loc is signed and Credentials is set) and sends a request for loc.
// A response with status >= 300 (other than 304) is read, closed and returned as *Error.
//
// Requests to S3 locations never follow HTTP redirects: a signature is bound to its host, and
// S3's redirects mean "sign for another region", which Object.Head handles. Direct URLs follow
// redirects as the HTTP client is configured to.
func (c *Client) Do(ctx context.Context, method string, loc endpoint.Location, hdr http.Header) (*http.Response, error) {
	req, err := c.newRequest(ctx, method, loc, hdr)
	if err != nil {
		return nil, err
	}
	hc := c.HTTP
	if loc.Signed() {
		hc = c.noRedirects()
	}
	start := c.now()
	c.Requests.Add(1)
	resp, err := hc.Do(req)
	elapsed := c.now().Sub(start)
	if err != nil {
		err = redactURLError(err)
		c.log(ctx, req, 0, elapsed, err)
		return nil, err
	}
	c.log(ctx, req, resp.StatusCode, elapsed, nil)
	if resp.StatusCode >= 300 && resp.StatusCode != http.StatusNotModified {
		return nil, readError(resp, method, loc.String())
	}
	return resp, nil
}

// newRequest builds (and when due, signs) the request for loc.
func (c *Client) newRequest(ctx context.Context, method string, loc endpoint.Location, hdr http.Header) (*http.Request, error) {
	u := loc.URL()
	req, err := http.NewRequestWithContext(ctx, method, "/", nil)
	if err != nil {
		return nil, fmt.Errorf("build %s request for %s: %w", method, loc.String(), err)
	}
	req.URL = u
	req.Host = u.Host
	req.Header = hdr.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if !loc.Signed() {
		// A direct URL goes out exactly as the user gave it (a presigned URL's signature
		// covers its encoding), and without x-amz-* headers: S3 refuses a presigned request
		// that carries one its signature does not cover.
		for k := range req.Header {
			if strings.HasPrefix(http.CanonicalHeaderKey(k), "X-Amz-") {
				delete(req.Header, k)
			}
		}
		return req, nil
	}
	for k, v := range c.Header {
		if _, set := req.Header[k]; !set {
			req.Header[k] = v
		}
	}
	// Encode the key the way SigV4 does, so an unsigned request names the same object as a
	// signed one would (Go leaves characters such as '+' and '!' bare, which S3 may read
	// differently). Sign sets RawPath itself as well.
	u.RawPath = sigv4.EncodePath(u.Path, false)
	if c.Credentials == nil {
		return req, nil
	}
	creds, err := c.Credentials(ctx)
	if err != nil {
		return nil, fmt.Errorf("credentials for %s: %w", loc.String(), err)
	}
	region := loc.Region
	if region == "" {
		region = DefaultRegion
	}
	if err := c.signer(region).Sign(req, creds, sigv4.UnsignedPayload, c.now()); err != nil {
		return nil, fmt.Errorf("sign %s request for %s: %w", method, loc.String(), err)
	}
	return req, nil
}

// noRedirects returns HTTP with redirects turned off, sharing its transport (and so its
// connections). HTTP must not change after the first request.
func (c *Client) noRedirects() *http.Client {
	c.signedOnce.Do(func() {
		cp := *c.HTTP
		cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		c.signedHTTP = &cp
	})
	return c.signedHTTP
}

// signer returns the Client's Signer for region, making it on first use.
func (c *Client) signer(region string) *sigv4.Signer {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.signers[region]
	if s == nil {
		if c.signers == nil {
			c.signers = map[string]*sigv4.Signer{}
		}
		s = &sigv4.Signer{Region: region, Service: "s3"}
		c.signers[region] = s
	}
	return s
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// log writes the request's one Debug line. It names the redacted URL and the Range header
// only: never the Authorization header or any signed query parameter.
func (c *Client) log(ctx context.Context, req *http.Request, status int, elapsed time.Duration, err error) {
	if c.Log == nil || !c.Log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("url", endpoint.Redact(req.URL)),
	}
	if r := req.Header.Get("Range"); r != "" {
		attrs = append(attrs, slog.String("range", r))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	} else {
		attrs = append(attrs, slog.Int("status", status))
	}
	attrs = append(attrs, slog.Int64("ms", elapsed.Milliseconds()))
	c.Log.LogAttrs(ctx, slog.LevelDebug, "s3 request", attrs...)
}

// redactURLError rewrites the URL inside a *url.Error (which net/http puts in every transport
// error text) so a presigned URL's signature never reaches an error message. The error keeps
// its chain, so timeouts and resets are still recognised.
func redactURLError(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	u, perr := url.Parse(ue.URL)
	if perr != nil {
		return &url.Error{Op: ue.Op, URL: "(unparsable URL)", Err: ue.Err}
	}
	return &url.Error{Op: ue.Op, URL: endpoint.Redact(u), Err: ue.Err}
}
