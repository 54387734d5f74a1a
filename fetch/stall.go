package fetch

import (
	"fmt"
	"sync/atomic"
	"time"
)

// watchdog cancels a request that has delivered no byte for d: a connection can stay open
// and silent forever, and only a fresh request gets it moving again. A nil watchdog (no stall
// timeout) never fires.
type watchdog struct {
	d   time.Duration
	t   timer
	hit atomic.Bool
}

// timer is the part of *time.Timer the watchdog uses; tests drive a fake one.
type timer interface {
	Reset(d time.Duration) bool
	Stop() bool
}

// afterFunc starts a timer like time.AfterFunc.
type afterFunc func(d time.Duration, f func()) timer

// realAfterFunc is time.AfterFunc.
func realAfterFunc(d time.Duration, f func()) timer { return time.AfterFunc(d, f) }

// startWatchdog arms a watchdog that calls cancel after d without a kick; d <= 0 gives nil.
func startWatchdog(d time.Duration, after afterFunc, cancel func()) *watchdog {
	if d <= 0 {
		return nil
	}
	w := &watchdog{d: d}
	w.t = after(d, func() {
		w.hit.Store(true)
		cancel()
	})
	return w
}

// kick restarts the countdown from d: bytes arrived.
func (w *watchdog) kick() {
	if w != nil {
		w.t.Reset(w.d)
	}
}

// stop disarms the watchdog (until the next kick).
func (w *watchdog) stop() {
	if w != nil {
		w.t.Stop()
	}
}

// fired reports whether the watchdog cancelled the request.
func (w *watchdog) fired() bool { return w != nil && w.hit.Load() }

// err describes the stall.
func (w *watchdog) err() error {
	return fmt.Errorf("%w: no byte received for %s", ErrStalled, w.d)
}
