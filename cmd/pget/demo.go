package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/pget/pget/fetch"
	"github.com/pget/pget/planner"
	"github.com/pget/pget/s3sim"
	"github.com/pget/pget/s3sim/netsim"
)

func demoCommand() *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "download a generated object from the built-in S3 simulator, with pget's defaults and over one connection",
		Description: `Starts the S3 simulator on 127.0.0.1 with a realistic network, makes a generated object,
downloads it with pget's defaults and again over one connection, verifies both by SHA-256,
and prints the two side by side. Needs no network and no credentials; cleans up after itself.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "size", Value: "1GiB", Usage: "size of the generated object"},
			&cli.StringFlag{Name: "network", Value: "s3", Usage: "simulated network: " + fmt.Sprint(netsim.Names())},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress bars"},
		},
		Action: demoAction,
	}
}

// demoRun is one of the demo's downloads.
type demoRun struct {
	name        string
	concurrency int
	res         result
}

func demoAction(c *cli.Context) error {
	size, err := planner.ParseSize(c.String("size"))
	if err != nil || size < 0 {
		return usagef("--size %q: want a size such as 1GiB or 256MiB", c.String("size"))
	}
	profile, err := netsim.Named(c.String("network"))
	if err != nil {
		return usageError{err.Error()}
	}
	const bucket, key, seed = "demo", "generated.bin", 1
	sim := s3sim.New(s3sim.Options{Network: profile})
	sim.PutGenerated(bucket, key, size, seed)
	if err := sim.Start("127.0.0.1:0"); err != nil {
		return fmt.Errorf("starting the simulator: %w", err)
	}
	defer sim.Close()
	dir, err := os.MkdirTemp("", "pget-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	out := c.App.ErrWriter
	fmt.Fprintf(out, "pget demo: a %s generated object on a simulated %q S3 network at %s\n", humanBytes(size), profile.Name, sim.URL())
	want := generatedSHA256(seed, size)
	runs := []*demoRun{
		{name: fmt.Sprintf("pget (%d connections)", fetch.DefaultConcurrency), concurrency: fetch.DefaultConcurrency},
		{name: "one connection", concurrency: 1},
	}
	for i, r := range runs {
		fmt.Fprintf(out, "%s...\n", r.name)
		dest := filepath.Join(dir, fmt.Sprintf("copy%d.bin", i))
		r.res, err = download(c.Context, demoDownload(sim, bucket, key, dest, r.concurrency, c.Bool("quiet"), out))
		if err != nil {
			if c.Context.Err() != nil {
				return c.Context.Err() // the partial file goes with the demo's directory
			}
			return err
		}
		if got, err := fileSHA256(dest); err != nil || got != want {
			return fmt.Errorf("%s: verification failed: SHA-256 %s, want %s (%v)", r.name, got, want, err)
		}
		os.Remove(dest) // keep the demo's disk use to one copy
		fmt.Fprintf(out, "  %s in %.2fs, %s, verified\n", humanBytes(r.res.Bytes), r.res.Elapsed.Seconds(), rate(r.res.Bytes, r.res.Elapsed))
	}
	printDemo(c.App.Writer, runs, want)
	return nil
}

// demoDownload is a download with pget's defaults from the simulator.
func demoDownload(sim *s3sim.Server, bucket, key, dest string, concurrency int, quiet bool, out io.Writer) downloadOptions {
	return downloadOptions{
		S3: s3Options{
			EndpointURL: sim.URL(), Region: s3sim.DefaultRegion, MaxConns: concurrency,
			AccessKeyID: s3sim.DefaultAccessKeyID, SecretKey: s3sim.DefaultSecretAccessKey,
		},
		Source: "s3://" + bucket + "/" + key, Dest: dest,
		ChunkSize: planner.DefaultChunkSize, Concurrency: concurrency, Retries: defaultRetries,
		StallTimeout: defaultStallTimeout, Bar: !quiet, Progress: out,
	}
}

func printDemo(w io.Writer, runs []*demoRun, sum string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tsize\ttime\tspeed\trequests\tretries")
	for _, r := range runs {
		fmt.Fprintf(tw, "%s\t%s\t%.2fs\t%s\t%d\t%d\n", r.name, humanBytes(r.res.Bytes), r.res.Elapsed.Seconds(),
			rate(r.res.Bytes, r.res.Elapsed), r.res.Requests, r.res.Retries)
	}
	tw.Flush()
	if len(runs) == 2 && runs[0].res.Elapsed > 0 {
		fmt.Fprintf(w, "pget was %.1fx faster than one connection; both copies verified (SHA-256 %s)\n",
			runs[1].res.Elapsed.Seconds()/runs[0].res.Elapsed.Seconds(), sum)
	}
}

// generatedSHA256 hashes the simulator's generated object without storing it.
func generatedSHA256(seed, size int64) string {
	h := sha256.New()
	buf := make([]byte, 1<<20)
	for off := int64(0); off < size; {
		n := min(int64(len(buf)), size-off)
		s3sim.Generate(seed, off, buf[:n])
		h.Write(buf[:n])
		off += n
	}
	return hex.EncodeToString(h.Sum(nil))
}

func fileSHA256(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
