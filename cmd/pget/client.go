package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/pget/pget/credentials"
	"github.com/pget/pget/endpoint"
	"github.com/pget/pget/s3http"
	"github.com/pget/pget/sigv4"
)

// s3Options are the settings that say where an object is and how to reach it.
type s3Options struct {
	EndpointURL  string
	Region       string
	Profile      string
	PathStyle    bool
	VersionID    string
	RequestPayer string
	NoSign       bool
	AccessKeyID  string
	SecretKey    string
	SessionToken string
	CABundle     string
	Verbose      bool
	MaxConns     int
	Getenv       func(string) string // nil: os.Getenv
	LogTo        io.Writer           // where -v lines go
}

func s3OptionsFrom(c *cli.Context) s3Options {
	return s3Options{
		EndpointURL:  c.String("endpoint-url"),
		Region:       c.String("region"),
		Profile:      c.String("profile"),
		PathStyle:    c.Bool("path-style"),
		VersionID:    c.String("version-id"),
		RequestPayer: c.String("request-payer"),
		NoSign:       c.Bool("no-sign-request"),
		AccessKeyID:  c.String("access-key-id"),
		SecretKey:    c.String("secret-access-key"),
		SessionToken: c.String("session-token"),
		CABundle:     c.String("ca-bundle"),
		Verbose:      c.Bool("verbose"),
		LogTo:        c.App.ErrWriter,
	}
}

func (o s3Options) getenv(k string) string {
	if o.Getenv != nil {
		return o.Getenv(k)
	}
	return os.Getenv(k)
}

// open resolves source into an object ready for requests: its location (region from the flag,
// the environment or the profile) and a client with credentials, unless the request is unsigned.
func (o s3Options) open(source string) (*s3http.Object, error) {
	if o.RequestPayer != "" && o.RequestPayer != "requester" {
		return nil, usagef("--request-payer %q: the only value is \"requester\"", o.RequestPayer)
	}
	chain := credentials.NewChain(credentials.Options{
		AccessKeyID: o.AccessKeyID, SecretAccessKey: o.SecretKey, SessionToken: o.SessionToken,
		Profile: o.Profile, Getenv: o.Getenv,
	})
	// --region wins over a region named in an https URL; the environment and the profile only
	// fill in when neither names one.
	loc, err := endpoint.Parse(source, endpoint.Options{
		EndpointURL: o.EndpointURL, Region: o.Region, PathStyle: o.PathStyle, Getenv: o.Getenv,
	})
	if err != nil {
		return nil, usageError{err.Error()}
	}
	if o.VersionID != "" {
		if !loc.Signed() {
			return nil, usagef("--version-id needs an s3:// or S3 https source; put versionId in the URL itself")
		}
		loc.VersionID = o.VersionID
	}
	if loc.Region == "" {
		if loc.Region, err = o.region(chain); err != nil {
			return nil, err
		}
	}
	client, err := o.client()
	if err != nil {
		return nil, err
	}
	if o.RequestPayer != "" {
		client.Header = http.Header{"X-Amz-Request-Payer": {o.RequestPayer}}
	}
	if loc.Signed() && !o.NoSign {
		// Fail now, with the chain's one-line explanation, rather than on the first request.
		if _, err := chain.Retrieve(context.Background()); err != nil {
			return nil, err
		}
		client.Credentials = func(ctx context.Context) (sigv4.Credentials, error) {
			c, err := chain.Retrieve(ctx)
			return sigv4.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}, err
		}
	}
	return &s3http.Object{Client: client, Loc: loc}, nil
}

// region picks the first of AWS_REGION, AWS_DEFAULT_REGION and the profile's region.
func (o s3Options) region(chain *credentials.Chain) (string, error) {
	for _, r := range []string{o.getenv("AWS_REGION"), o.getenv("AWS_DEFAULT_REGION")} {
		if r != "" {
			return r, nil
		}
	}
	return chain.Region()
}

// client builds the one HTTP client of the run.
func (o s3Options) client() (*s3http.Client, error) {
	maxConns := o.MaxConns
	if maxConns < 1 {
		maxConns = 1
	}
	tr, err := s3http.NewTransport(s3http.TransportOptions{CABundle: o.CABundle, MaxConnsPerHost: maxConns})
	if err != nil {
		return nil, err
	}
	c := &s3http.Client{HTTP: &http.Client{Transport: tr}}
	if o.Verbose {
		c.Log = slog.New(slog.NewTextHandler(o.LogTo, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return c, nil
}
