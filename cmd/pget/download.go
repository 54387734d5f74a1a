package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pget/pget/assemble"
	"github.com/pget/pget/fetch"
	"github.com/pget/pget/planner"
	"github.com/pget/pget/s3http"
)

// downloadOptions are the settings of one download.
type downloadOptions struct {
	S3           s3Options
	Source       string
	Dest         string
	ChunkSize    int64
	Concurrency  int
	Retries      int
	StallTimeout time.Duration
	Span         *planner.Span
	Force        bool
	Bar          bool      // show a progress bar on Progress when it is a terminal
	Progress     io.Writer // where the bar goes
	Notices      io.Writer // where retries of the HEAD are announced; nil: nowhere
}

// result is what a finished download reports in its summary.
type result struct {
	Dest     string
	Bytes    int64
	Elapsed  time.Duration
	Requests int64
	Retries  int64
}

func downloadAction(c *cli.Context) error {
	if c.Bool("version") {
		fmt.Fprintf(c.App.Writer, "pget version %s\n", pgetVersion())
		return nil
	}
	opts, err := downloadOptionsFrom(c)
	if err != nil {
		return err
	}
	res, err := download(c.Context, opts)
	if err != nil {
		return withHint(err, opts.S3)
	}
	if !c.Bool("quiet") {
		fmt.Fprintln(c.App.ErrWriter, summaryLine(res))
	}
	return nil
}

func downloadOptionsFrom(c *cli.Context) (downloadOptions, error) {
	args := c.Args().Slice()
	switch {
	case len(args) == 0:
		return downloadOptions{}, usagef("missing SOURCE: try pget s3://bucket/key, or pget --help")
	case len(args) > 2:
		return downloadOptions{}, usagef("too many arguments %q: want SOURCE [DEST]", args[2:])
	}
	o := downloadOptions{
		S3: s3OptionsFrom(c), Source: args[0],
		Concurrency: c.Int("concurrency"), Retries: c.Int("retries"), StallTimeout: c.Duration("stall-timeout"),
		Force: c.Bool("force"), Bar: !c.Bool("quiet") && !c.Bool("no-progress"), Progress: c.App.ErrWriter,
	}
	if !c.Bool("quiet") {
		o.Notices = c.App.ErrWriter
	}
	if len(args) == 2 {
		o.Dest = args[1]
	}
	var err error
	if o.ChunkSize, err = planner.ParseSize(c.String("chunk-size")); err != nil || o.ChunkSize <= 0 {
		return o, usagef("--chunk-size %q: want a positive size such as 8MiB, 512KiB or 1G", c.String("chunk-size"))
	}
	if o.Concurrency < 1 {
		return o, usagef("--concurrency must be at least 1, not %d", o.Concurrency)
	}
	if o.Retries < 0 {
		return o, usagef("--retries must be 0 or more, not %d", o.Retries)
	}
	if s := c.String("range"); s != "" {
		span, err := planner.ParseSpan(s)
		if err != nil {
			return o, usageError{"--range: " + err.Error()}
		}
		o.Span = &span
	}
	o.S3.MaxConns = o.Concurrency
	return o, nil
}

// download runs one whole download: plan, fetch, assemble.
func download(ctx context.Context, o downloadOptions) (result, error) {
	start := time.Now()
	obj, err := o.S3.open(o.Source)
	if err != nil {
		return result{}, err
	}
	dest, err := assemble.Destination(o.Dest, objectName(obj))
	if err != nil {
		return result{}, usageError{err.Error()}
	}
	// Refuse before any request, so a mistake costs nothing; Create checks again.
	if _, err := os.Lstat(dest); err == nil && !o.Force {
		return result{}, fmt.Errorf("%s already exists; use --force to replace it", dest)
	}
	info, err := statObject(ctx, obj, retryPolicy{o.Retries, o.StallTimeout, o.Notices})
	if err != nil {
		return result{}, err
	}
	plan, err := planner.New(info, o.Span, o.ChunkSize)
	if err != nil {
		return result{}, err
	}
	stats, err := fetchPlan(ctx, o, obj, plan, dest)
	if err != nil {
		return result{}, err
	}
	return result{
		Dest: dest, Bytes: stats.Bytes, Elapsed: time.Since(start),
		Requests: obj.Client.Requests.Load(), Retries: stats.Retries,
	}, nil
}

// fetchPlan fetches plan into a partial file beside dest and, once every byte is there, moves
// it into place.
func fetchPlan(ctx context.Context, o downloadOptions, obj *s3http.Object, plan planner.Plan, dest string) (fetch.Stats, error) {
	file, err := assemble.Create(dest, plan.Length, assemble.Options{Force: o.Force})
	if err != nil {
		return fetch.Stats{}, err
	}
	defer file.Close()
	bar := newProgress(o.Progress, filepath.Base(dest), plan.Length, o.Bar)
	src := fetch.SourceFunc(func(ctx context.Context, off, n int64) (io.ReadCloser, error) {
		return obj.GetRange(ctx, off, n, plan.Object.ETag)
	})
	stats, err := fetch.Run(ctx, plan, src, file, fetch.Options{
		Concurrency: o.Concurrency, Retries: o.Retries, StallTimeout: o.StallTimeout,
		Progress: bar.Add, OnRetry: retryLogger(obj.Client.Log),
	})
	bar.Finish(err == nil)
	if err != nil {
		return stats, fetchError(ctx, err, file)
	}
	// Like aws s3 cp, the file carries the object's Last-Modified; set before the rename so the
	// file never appears with another time.
	if lm := plan.Object.LastModified; !lm.IsZero() {
		if err := os.Chtimes(file.PartialPath(), time.Time{}, lm); err != nil {
			return stats, err
		}
	}
	return stats, file.Commit()
}

// fetchError explains a failed fetch and where its bytes are.
func fetchError(ctx context.Context, err error, file *assemble.File) error {
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted; the partial download is kept in %s", file.PartialPath())
	}
	return err
}

// retryPolicy is how patient statObject is, and where it says that it is waiting.
type retryPolicy struct {
	retries int
	stall   time.Duration
	notices io.Writer // nil: wait silently
}

// statObject sends the planning HEAD with the same patience as the ranged GETs: S3 may answer
// a HEAD with 503 SlowDown too, and a server that never answers must not hang pget. Since
// nothing else is on the screen yet, each retry is announced, so a wait is never silent.
func statObject(ctx context.Context, obj *s3http.Object, p retryPolicy) (planner.Object, error) {
	var info planner.Object
	logRetry := retryLogger(obj.Client.Log)
	onRetry := func(r planner.Range, attempt int, err error) {
		if logRetry != nil {
			logRetry(r, attempt, err)
		}
		if p.notices != nil {
			fmt.Fprintf(p.notices, "pget: %s; retrying (%d of %d)\n", oneLine(err.Error()), attempt, p.retries)
		}
	}
	err := fetch.Retry(ctx, fetch.Options{Retries: p.retries, StallTimeout: p.stall, OnRetry: onRetry},
		func(ctx context.Context) (err error) {
			info, err = planner.Stat(ctx, obj)
			return err
		})
	return info, err
}

// retryLogger logs each retry at Debug level (-v), with the error that caused it; nil without a
// logger.
func retryLogger(log *slog.Logger) func(planner.Range, int, error) {
	if log == nil {
		return nil
	}
	return func(r planner.Range, attempt int, err error) {
		var what any = r.Index
		if r.Index == fetch.OneOffIndex {
			what = "head"
		}
		log.Debug("retry", "range", what, "attempt", attempt, "after", err.Error())
	}
}

// objectName is the name the object would have as a file: the key, or the path of a direct URL.
func objectName(obj *s3http.Object) string {
	if obj.Loc.Direct != nil {
		return obj.Loc.Direct.Path
	}
	return obj.Loc.Key
}
