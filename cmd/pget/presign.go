package main

import (
	"fmt"
	"net/http"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pget/pget/s3http"
	"github.com/pget/pget/sigv4"
)

func presignCommand() *cli.Command {
	return &cli.Command{
		Name:      "presign",
		Usage:     "print a presigned https URL that anyone can GET until it expires",
		ArgsUsage: "SOURCE",
		Flags: append(commonFlags(),
			&cli.DurationFlag{Name: "expires", Value: time.Hour, Usage: "lifetime of the URL, from 1s to 168h (7 days)"},
		),
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("presign takes one SOURCE, e.g. pget presign --expires 1h s3://bucket/key")
			}
			expires := c.Duration("expires")
			if expires < time.Second || expires > sigv4.MaxPresignExpiry {
				return usagef("--expires %s: want between 1s and 168h (7 days)", expires)
			}
			o := s3OptionsFrom(c)
			obj, err := o.open(c.Args().First())
			if err != nil {
				return err
			}
			if !obj.Loc.Signed() || obj.Client.Credentials == nil {
				return usagef("presign needs an s3:// or S3 https source and credentials")
			}
			// A HEAD first: it fails early on a missing object or bad keys, and it moves obj to
			// the bucket's real region, which the URL must be signed for.
			if _, err := statObject(c.Context, obj, retryPolicy{defaultRetries, defaultStallTimeout, c.App.ErrWriter}); err != nil {
				return withHint(err, o)
			}
			creds, err := obj.Client.Credentials(c.Context)
			if err != nil {
				return err
			}
			req, err := http.NewRequest(http.MethodGet, obj.Loc.URL().String(), nil)
			if err != nil {
				return err
			}
			req.URL = obj.Loc.URL()
			region := obj.Loc.Region
			if region == "" {
				region = s3http.DefaultRegion
			}
			u, err := (&sigv4.Signer{Region: region, Service: "s3"}).Presign(req, creds, expires, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintln(c.App.Writer, u.String())
			return nil
		},
	}
}
