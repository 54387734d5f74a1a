// Command pget downloads one object from Amazon S3 or any S3-compatible store as many parallel
// ranged GETs written in place, then fsyncs and renames it into place atomically.
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
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/urfave/cli/v2"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
	// A signal ends pget with 128 + its number: 130 for Ctrl-C, 143 for SIGTERM.
)

// version is set at build time with -ldflags "-X main.version=..."; otherwise it is the
// module's version when built by go install, else "devel".
var version = ""

// pgetVersion is the version --version prints.
func pgetVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

// run is main without the process exit, so tests can call it.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, caught, stop := notifyContext()
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
		// 128 + the signal's number, as shells report a process a signal stopped.
		return 128 + int(caught())
	default:
		return exitFailure
	}
}

// notifyContext is a context that ends on SIGINT or SIGTERM, and a function that says which
// signal ended it.
func notifyContext() (ctx context.Context, caught func() syscall.Signal, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	var got atomic.Int32
	go func() {
		select {
		case s := <-sigs:
			got.Store(int32(s.(syscall.Signal)))
			cancel()
		case <-ctx.Done():
		}
	}()
	caught = func() syscall.Signal {
		if s := got.Load(); s != 0 {
			return syscall.Signal(s)
		}
		return syscall.SIGINT
	}
	return ctx, caught, func() { signal.Stop(sigs); cancel() }
}

// usageError marks errors in what the user typed (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:      "pget",
		Usage:     "download an S3 object fast, as parallel ranged GETs written in place",
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

// onUsageError turns urfave's flag errors into one-line usage errors (exit 2) that say what to
// do, without the help text urfave would print.
func onUsageError(_ *cli.Context, err error, _ bool) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return usagef("unknown flag %s; see pget --help", name)
	}
	if strings.Contains(msg, "-stall-timeout") || strings.Contains(msg, "-expires") {
		msg += " (durations look like 90s, 5m or 1h30m)"
	}
	return usageError{msg + "; see pget --help"}
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
