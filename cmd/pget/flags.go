package main

import (
	"strings"
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

// flagSpec is what permuteArgs needs to know of the flags: which take a value (by every
// spelling, "-c", "--concurrency", "-concurrency") and the one-letter names ("cfqv...").
type flagSpec struct {
	takesValue map[string]bool
	short      string
}

func specOf(flags []cli.Flag) flagSpec {
	spec := flagSpec{takesValue: map[string]bool{}, short: "h"}
	for _, f := range flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			if len(n) == 1 && !strings.Contains(spec.short, n) {
				spec.short += n
			}
			if !isBool {
				spec.takesValue["-"+n] = true
				spec.takesValue["--"+n] = true
			}
		}
	}
	return spec
}

// permuteArgs puts every flag before the positional arguments, so flags may stand anywhere, as
// users of aws cli and s5cmd expect (urfave/cli v2 stops at the first positional argument):
// `pget s3://b/k out --force` and `pget --endpoint-url URL stat s3://b/k` both work. When the
// first positional argument names a command, the flags go after it, so the command parses them
// all and refuses any it does not take rather than ignoring them. A lone "--" ends the flags.
func permuteArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	all := append([]cli.Flag{}, app.Flags...)
	for _, c := range app.Commands {
		all = append(all, c.Flags...)
	}
	flags, positional := splitArgs(args[1:], specOf(all))
	out := []string{args[0]}
	if len(positional) > 0 && app.Command(positional[0]) != nil {
		out, positional = append(out, positional[0]), positional[1:]
	} else if wantsHelp(flags) {
		// Help shows the app's help; urfave would read SOURCE as a help topic.
		positional = nil
	}
	out = append(out, flags...)
	if len(positional) > 0 {
		out = append(append(out, "--"), positional...)
	}
	return out
}

// splitArgs separates flags (with their values) from positional arguments.
func splitArgs(args []string, spec flagSpec) (flags, positional []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return flags, append(positional, args[i+1:]...)
		case len(a) > 1 && a[0] == '-':
			flags = append(flags, a)
			if (spec.takesValue[a] || spec.takesValue[spec.lastShort(a)]) && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			positional = append(positional, a)
		}
	}
	return flags, positional
}

// lastShort is the last letter of combined short flags as a flag ("-qc" -> "-c"), the only one
// of them that may take the next argument as its value; "" when a is not combined short flags
// (a long flag written with one dash, such as -force, is in takesValue or is a bool).
func (spec flagSpec) lastShort(a string) string {
	if len(a) < 3 || a[1] == '-' || strings.Contains(a, "=") || spec.takesValue[a] {
		return ""
	}
	for _, r := range a[1:] {
		if !strings.ContainsRune(spec.short, r) {
			return ""
		}
	}
	return "-" + a[len(a)-1:]
}

func wantsHelp(flags []string) bool {
	for _, f := range flags {
		if f == "-h" || f == "--help" || f == "-help" {
			return true
		}
	}
	return false
}

// defaultRetries is how often a request is retried after a passing fault.
const defaultRetries = 10

// defaultStallTimeout is how long a request may deliver nothing before it is retried.
const defaultStallTimeout = 20 * time.Second

func versionFlag() cli.Flag {
	return &cli.BoolFlag{Name: "version", Category: catOutput, Usage: "print pget's version"}
}
