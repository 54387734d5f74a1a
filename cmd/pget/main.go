// Command pget downloads one object from Amazon S3 or any S3-compatible store as many parallel
// ranged GETs written in place, then verifies and renames it into place atomically.
//
//	pget [flags] SOURCE [DEST]
//	pget stat SOURCE
//	pget presign SOURCE --expires 1h
//	pget demo
//
// This file holds the command-line surface: commands, flags, exit codes. The work itself is
// in download.go (the wiring of planner, fetch and assemble) and the files named after each
// command.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

// run is main without the process exit, so tests can call it.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	app := newApp(stdout, stderr)
	err := app.RunContext(ctx, permuteArgs(app, args))
	if err == nil {
		return exitOK
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		err = errors.New("interrupted")
	}
	fmt.Fprintf(stderr, "pget: %s\n", oneLine(err.Error()))
	var ue usageError
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case ctx.Err() != nil:
		return exitInterrupted
	default:
		return exitFailure
	}
}

// usageError marks errors in what the user typed (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:      "pget",
		Usage:     "download an S3 object fast, in parallel ranges, resumable and verified",
		UsageText: "pget [flags] SOURCE [DEST]\npget stat SOURCE\npget presign [--expires 1h] SOURCE\npget demo",
		Description: `SOURCE is s3://bucket/key, an S3 https URL (https://bucket.s3.REGION.amazonaws.com/key or
https://s3.REGION.amazonaws.com/bucket/key), or a presigned or plain https URL.
DEST is a file or a directory; omitted, the key's base name in the current directory.

Examples:
  pget s3://my-bucket/models/weights.bin
  pget -c 32 --chunk-size 16MiB s3://my-bucket/big.tar ./downloads/
  pget --endpoint-url http://127.0.0.1:7070 s3://bucket/key out.bin
  pget --range 0-1048575 s3://my-bucket/big.tar head.bin
  pget --no-sign-request s3://public-bucket/data.csv
  pget stat s3://my-bucket/big.tar
  pget presign --expires 1h s3://my-bucket/big.tar
  pget demo`,
		// -v is --verbose here, as in curl and aria2, so --version is our own flag, not urfave's
		// (which would also claim -v).
		HideVersion:     true,
		Writer:          stdout,
		ErrWriter:       stderr,
		Flags:           append(append(downloadFlags(), commonFlags()...), versionFlag()),
		Action:          downloadAction,
		HideHelpCommand: true,
		// -qf means -q -f, as in other Unix tools.
		UseShortOptionHandling: true,
		Commands:               commands(),
		// Errors are printed once, by run; urfave must not print or exit on its own.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError:   onUsageError,
	}
}

// commands are the subcommands; they report flag errors the way the app does.
func commands() []*cli.Command {
	cmds := []*cli.Command{statCommand(), presignCommand(), demoCommand()}
	for _, c := range cmds {
		c.OnUsageError = onUsageError
		c.UseShortOptionHandling = true
	}
	return cmds
}

// onUsageError turns urfave's flag errors into one-line usage errors (exit 2), without the
// help text urfave would print.
func onUsageError(_ *cli.Context, err error, _ bool) error {
	return usageError{err.Error()}
}

// oneLine keeps an error to one line so it never floods the terminal.
func oneLine(s string) string {
	for i, r := range s {
		if r == '\n' || r == '\r' {
			return s[:i]
		}
	}
	return s
}
