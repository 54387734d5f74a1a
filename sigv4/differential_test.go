package sigv4

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkv4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/encoding/httpbinding"
)

// keyPieces are the building blocks of generated object keys and query components: every byte
// class S3 keys can hold, including the ones that trip encoders.
var keyPieces = []string{
	"a", "Z", "0", "9", "-", "_", ".", "~", " ", "  ", "+", "=", "%", "%41", "%2F", "*", "!", "'",
	"(", ")", "$", "&", "@", ":", ";", ",", "?", "#", "[", "]", "/", "//", "./", "../", "/./",
	"ü", "ñ", "日本", "😀", "\u00a0", "\t", "key", "dir/", "plus+sign", "sp ace", "\x7f", "\xff", "^", "|",
	"{", "}", "\"", "<", ">", "\\", "`",
}

// randString joins 0..max random pieces.
func randString(r *rand.Rand, max int) string {
	var b strings.Builder
	for n := r.IntN(max + 1); n > 0; n-- {
		b.WriteString(keyPieces[r.IntN(len(keyPieces))])
	}
	return b.String()
}

// randQuery builds a raw query with 0..4 parameters (some repeated, some with empty values)
// encoded as url.Values.Encode does ('+' for space), the form both signers decode identically.
func randQuery(r *rand.Rand) string {
	var parts []string
	for n := r.IntN(5); n > 0; n-- {
		k := randString(r, 3)
		if k == "" {
			k = "k"
		}
		v := ""
		if r.IntN(3) > 0 {
			v = randString(r, 4)
		}
		parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
		if r.IntN(6) == 0 {
			parts = append(parts, url.QueryEscape(k)+"=") // repeated key, empty value
		}
	}
	return strings.Join(parts, "&")
}

// diffCase is one generated signing input.
type diffCase struct {
	key, rawQuery, host, region, payloadHash string
	header                                   http.Header
	creds                                    Credentials
	now                                      time.Time
	expires                                  time.Duration
}

func genCase(r *rand.Rand) diffCase {
	hosts := []string{"bucket.s3.amazonaws.com", "s3.eu-west-1.amazonaws.com", "localhost:9000", "127.0.0.1:7070", "minio.example.com"}
	regions := []string{"us-east-1", "eu-west-1", "ap-southeast-2", "auto"}
	c := diffCase{
		key:      "/" + randString(r, 8),
		rawQuery: randQuery(r),
		host:     hosts[r.IntN(len(hosts))],
		region:   regions[r.IntN(len(regions))],
		header:   http.Header{},
		creds: Credentials{
			AccessKeyID:     fmt.Sprintf("AKID%08X", r.Uint32()),
			SecretAccessKey: fmt.Sprintf("secret/%x+%x=", r.Uint64(), r.Uint32()),
		},
		now:         time.Date(2015+r.IntN(15), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), 0, time.UTC),
		payloadHash: UnsignedPayload,
		expires:     time.Duration(1+r.Int64N(int64(MaxPresignExpiry/time.Second))) * time.Second,
	}
	if r.IntN(2) == 0 {
		c.payloadHash = EmptyPayloadHash
	}
	if r.IntN(3) == 0 {
		c.creds.SessionToken = fmt.Sprintf("tok/%x+%x==", r.Uint64(), r.Uint64())
	}
	if r.IntN(2) == 0 {
		a := r.Int64N(1 << 40)
		c.header.Set("Range", fmt.Sprintf("bytes=%d-%d", a, a+r.Int64N(1<<23)))
	}
	if r.IntN(4) == 0 {
		c.header.Set("If-Match", fmt.Sprintf(`  "%x"   `, r.Uint64()))
	}
	if r.IntN(4) == 0 {
		c.header.Add("X-Amz-Meta-Note", "\t a   b\t\tc  ")
		c.header.Add("X-Amz-Meta-Note", " second ")
	}
	if r.IntN(4) == 0 {
		c.header.Set("User-Agent", "pget/test") // unsigned by both
	}
	return c
}

// ourRequest is the request as pget builds it: the decoded key in URL.Path.
func (c diffCase) ourRequest() *http.Request {
	return &http.Request{Method: http.MethodGet, Host: c.host, Header: c.header.Clone(),
		URL: &url.URL{Scheme: "https", Host: c.host, Path: c.key, RawQuery: c.rawQuery}}
}

// sdkRequest is the request as the SDK's S3 client hands it to the signer: the path already
// escaped once in RawPath (httpbinding.EscapePath, as the S3 serializers do) and
// DisableURIPathEscaping set, so the signer signs exactly the wire path. Leaving the escaping to
// the signer instead would encode the key twice, which S3 rejects.
func (c diffCase) sdkRequest() *http.Request {
	req := c.ourRequest()
	req.URL.RawPath = httpbinding.EscapePath(c.key, false)
	return req
}

// signatureRE matches the signature in an Authorization header or presigned URL.
var signatureRE = regexp.MustCompile(`Signature=[0-9a-f]+`)

// redact hides signatures so that failure messages never print one.
func redact(s string) string { return signatureRE.ReplaceAllString(s, "Signature=<redacted>") }

func TestDifferentialAgainstSDK(t *testing.T) {
	const n = 10000
	r := rand.New(rand.NewPCG(20261127, 1))
	sdk := sdkv4.NewSigner(func(o *sdkv4.SignerOptions) { o.DisableURIPathEscaping = true })
	ctx := context.Background()
	signers := map[string]*Signer{}
	for i := range n {
		c := genCase(r)
		s := signers[c.region]
		if s == nil {
			s = &Signer{Region: c.region}
			signers[c.region] = s
		}
		sdkCreds := aws.Credentials{AccessKeyID: c.creds.AccessKeyID, SecretAccessKey: c.creds.SecretAccessKey, SessionToken: c.creds.SessionToken}

		ours := c.ourRequest()
		if err := s.Sign(ours, c.creds, c.payloadHash, c.now); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		theirs := c.sdkRequest()
		theirs.Header.Set("X-Amz-Content-Sha256", c.payloadHash) // the S3 client adds it before signing
		if err := sdk.SignHTTP(ctx, sdkCreds, theirs, c.payloadHash, "s3", c.region, c.now); err != nil {
			t.Fatalf("case %d: sdk: %v", i, err)
		}
		if got, want := ours.Header.Get("Authorization"), theirs.Header.Get("Authorization"); got != want {
			t.Fatalf("case %d (key %q, query %q): Authorization differs\nours %s\nsdk  %s", i, c.key, c.rawQuery, redact(got), redact(want))
		}
		if got, want := ours.URL.EscapedPath(), theirs.URL.EscapedPath(); got != want {
			t.Fatalf("case %d: wire path %q, sdk %q", i, got, want)
		}
		if got, want := ours.URL.RawQuery, theirs.URL.RawQuery; got != want {
			t.Fatalf("case %d: wire query %q, sdk %q", i, got, want)
		}

		// Presigned URLs: the SDK reads the expiry from the request's query.
		u, err := s.Presign(c.ourRequest(), c.creds, c.expires, c.now)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		pre := c.sdkRequest()
		q := pre.URL.Query()
		q.Set("X-Amz-Expires", fmt.Sprint(int64(c.expires/time.Second)))
		pre.URL.RawQuery = q.Encode()
		want, _, err := sdk.PresignHTTP(ctx, sdkCreds, pre, UnsignedPayload, "s3", c.region, c.now)
		if err != nil {
			t.Fatalf("case %d: sdk presign: %v", i, err)
		}
		if u.String() != want {
			t.Fatalf("case %d (key %q, query %q): presigned URL differs\nours %s\nsdk  %s", i, c.key, c.rawQuery, redact(u.String()), redact(want))
		}
	}
}
