package main

import (
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pget/pget/fetch"
)

// Flag categories, so --help groups them.
const (
	catS3       = "S3 and credentials"
	catDownload = "Download"
	catOutput   = "Output"
)

// commonFlags are the flags every command that talks to S3 takes.
func commonFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "endpoint-url", Category: catS3, Usage: "S3-compatible endpoint, e.g. http://127.0.0.1:7070 (env AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)"},
		&cli.StringFlag{Name: "region", Category: catS3, Usage: "region of the bucket (else the https URL's, AWS_REGION, AWS_DEFAULT_REGION, the profile's; learned from S3 when wrong)"},
		&cli.StringFlag{Name: "profile", Category: catS3, Usage: "profile in ~/.aws/credentials and ~/.aws/config (env AWS_PROFILE)"},
		&cli.StringFlag{Name: "version-id", Category: catS3, Usage: "a version of the object other than the current one (versioned buckets)"},
		&cli.BoolFlag{Name: "path-style", Category: catS3, Usage: "address the bucket in the path (https://host/bucket/key) instead of the host name"},
		&cli.StringFlag{Name: "request-payer", Category: catS3, Usage: "\"requester\" to download from a Requester Pays bucket, agreeing to pay for the transfer"},
		&cli.BoolFlag{Name: "no-sign-request", Category: catS3, Usage: "send unsigned requests, for public buckets"},
		&cli.StringFlag{Name: "access-key-id", Category: catS3, Usage: "access key id (prefer env AWS_ACCESS_KEY_ID: flags show in the process list)"},
		&cli.StringFlag{Name: "secret-access-key", Category: catS3, Usage: "secret access key (prefer env AWS_SECRET_ACCESS_KEY)"},
		&cli.StringFlag{Name: "session-token", Category: catS3, Usage: "session token for temporary credentials (prefer env AWS_SESSION_TOKEN)"},
		&cli.StringFlag{Name: "ca-bundle", Category: catS3, Usage: "PEM file of extra CA certificates to trust", EnvVars: []string{"AWS_CA_BUNDLE"}},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Category: catOutput, Usage: "log every request (method, range, status, time) to stderr; secrets are never shown"},
	}
}

// downloadFlags are the flags of the download itself.
func downloadFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "chunk-size", Category: catDownload, Value: "8MiB", Usage: "bytes per ranged GET: 512KiB, 8MiB, 1G or plain bytes"},
		&cli.IntFlag{Name: "concurrency", Aliases: []string{"c"}, Category: catDownload, Value: fetch.DefaultConcurrency, Usage: "ranged GETs in flight at once"},
		&cli.IntFlag{Name: "retries", Category: catDownload, Value: defaultRetries, Usage: "retries per range after a network error, reset, 5xx, 429 or SlowDown"},
		&cli.DurationFlag{Name: "stall-timeout", Category: catDownload, Value: defaultStallTimeout, Usage: "retry a request that delivers no byte for this long"},
		&cli.StringFlag{Name: "range", Category: catDownload, Usage: "download only bytes FIRST-LAST of the object (inclusive, like HTTP) into DEST"},
		&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Category: catOutput, Usage: "replace DEST if it exists"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Category: catOutput, Usage: "no progress bar and no summary"},
		&cli.BoolFlag{Name: "no-progress", Category: catOutput, Usage: "no progress bar, but the summary line (as aws s3 cp --no-progress)"},
	}
}

// valueFlags returns the names (with dashes) of the flags that take a value, for permuteArgs.
func valueFlags(flags []cli.Flag) map[string]bool {
	m := map[string]bool{}
	for _, f := range flags {
		if _, isBool := f.(*cli.BoolFlag); isBool {
			continue
		}
		for _, n := range f.Names() {
			if len(n) == 1 {
				m["-"+n] = true
			} else {
				m["--"+n] = true
			}
			m["-"+n] = true
		}
	}
	return m
}

// permuteArgs moves flags written after the positional arguments in front of them, so
// `pget s3://b/k out --force` works as users of aws cli and s5cmd expect (urfave/cli v2 stops at
// the first positional argument). A lone "--" ends flag parsing as usual.
func permuteArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	flags := app.Flags
	rest := args[1:]
	for _, c := range app.Commands {
		if len(rest) > 0 && (rest[0] == c.Name || c.HasName(rest[0])) {
			flags = append(append([]cli.Flag{}, flags...), c.Flags...)
			return append([]string{args[0], rest[0]}, permute(rest[1:], valueFlags(flags))...)
		}
	}
	return append([]string{args[0]}, permute(rest, valueFlags(flags))...)
}

func permute(args []string, takesValue map[string]bool) []string {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			positional = append(positional, args[i+1:]...)
			i = len(args)
		case len(a) > 1 && a[0] == '-' && a != "-":
			flags = append(flags, a)
			if takesValue[a] && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			positional = append(positional, a)
		}
	}
	if len(positional) == 0 {
		return flags
	}
	return append(append(flags, "--"), positional...)
}

// defaultRetries is how often a request is retried after a passing fault.
const defaultRetries = 10

// defaultStallTimeout is how long a request may deliver nothing before it is retried.
const defaultStallTimeout = 20 * time.Second

func versionFlag() cli.Flag {
	return &cli.BoolFlag{Name: "version", Category: catOutput, Usage: "print pget's version"}
}
