package main

import (
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pget/pget/planner"
)

func statCommand() *cli.Command {
	return &cli.Command{
		Name:      "stat",
		Usage:     "show an object's size, ETag, Last-Modified, type, checksums and parts",
		ArgsUsage: "SOURCE",
		Flags: append(commonFlags(),
			&cli.IntFlag{Name: "retries", Value: defaultRetries, Usage: "retries after a network error, 5xx, 429 or SlowDown"},
			&cli.DurationFlag{Name: "stall-timeout", Value: defaultStallTimeout, Usage: "retry a request that gets no answer for this long"},
		),
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("stat takes one SOURCE, e.g. pget stat s3://bucket/key")
			}
			o := s3OptionsFrom(c)
			obj, err := o.open(c.Args().First())
			if err != nil {
				return err
			}
			info, err := statObject(c.Context, obj, retryPolicy{c.Int("retries"), c.Duration("stall-timeout"), c.App.ErrWriter})
			if err != nil {
				return withHint(err, o)
			}
			printStat(c.App.Writer, obj.Loc.String(), info)
			return nil
		},
	}
}

// printStat writes one "name: value" line per known property, aligned.
func printStat(w io.Writer, name string, o planner.Object) {
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-20s %s\n", k+":", v)
		}
	}
	line("object", name)
	line("size", fmt.Sprintf("%d (%s)", o.Size, humanBytes(o.Size)))
	line("etag", o.ETag)
	if !o.LastModified.IsZero() {
		line("last-modified", o.LastModified.UTC().Format(time.RFC3339))
	}
	line("content-type", o.ContentType)
	line("version-id", o.VersionID)
	if o.PartsCount > 0 {
		line("parts", fmt.Sprint(o.PartsCount))
	}
	algs := make([]string, 0, len(o.Checksums))
	for alg := range o.Checksums {
		algs = append(algs, alg)
	}
	sort.Strings(algs)
	for _, alg := range algs {
		v := o.Checksums[alg]
		if o.ChecksumType != "" {
			v += " (" + o.ChecksumType + ")"
		}
		line("checksum-"+lower(alg), v)
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
