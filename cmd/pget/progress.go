package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows bytes, MB/s and ETA on a terminal, and nothing elsewhere. Add is called from
// many goroutines; the bar does its own locking.
type progress struct {
	bar *progressbar.ProgressBar
	w   io.Writer
}

// newProgress returns a bar on w, labelled name, when show is set and w is a terminal.
func newProgress(w io.Writer, name string, total int64, show bool) *progress {
	if !show || w == nil || !isTerminal(w) {
		return &progress{}
	}
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(name),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionUseIECUnits(true), // MiB and GiB, as the summary
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionUseANSICodes(true),
	)
	return &progress{bar: bar, w: w}
}

// Add counts n more bytes.
func (p *progress) Add(n int) {
	if p.bar != nil {
		_ = p.bar.Add(n)
	}
}

// Finish clears the bar (on success) or leaves it where it stopped.
func (p *progress) Finish(ok bool) {
	if p.bar == nil {
		return
	}
	if ok {
		_ = p.bar.Finish()
		return
	}
	_ = p.bar.Exit()
	fmt.Fprintln(p.w)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// summaryLine is the one line printed after a download.
func summaryLine(r result) string {
	secs := r.Elapsed.Seconds()
	return fmt.Sprintf("%s: %s in %.2fs, %s, %d requests, %d retries",
		r.Dest, humanBytes(r.Bytes), secs, rate(r.Bytes, r.Elapsed), r.Requests, r.Retries)
}

// rate is bytes per second in MB/s (10^6), the unit network tools report.
func rate(n int64, d time.Duration) string {
	if d <= 0 {
		return "- MB/s"
	}
	return fmt.Sprintf("%.1f MB/s", float64(n)/d.Seconds()/1e6)
}

// humanBytes writes n in binary units: 1.00 GiB.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.2f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
