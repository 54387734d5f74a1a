package netsim

import (
	"sync"
	"time"
)

// Pacing granularity. A write is cut into slices; each slice reserves its bytes from the
// buckets and the writer sleeps until they are paid for. Slices are sized to about sliceTime of
// the rate, so that at 100 MB/s the writer sleeps every few milliseconds rather than every few
// microseconds, and waits shorter than minSleep are not slept at all but left as debt for the
// next slice to pay: timers are coarse, and the debt keeps the average rate exact anyway.
const (
	sliceTime = 4 * time.Millisecond
	minSlice  = 16 << 10
	maxSlice  = 256 << 10
	minSleep  = time.Millisecond
)

// sliceSize is the slice for a rate in bytes/s.
func sliceSize(rate float64) int {
	return int(min(max(rate*sliceTime.Seconds(), minSlice), maxSlice))
}

// bucket is a token bucket that may go into debt: reserve always takes the tokens and says how
// long the caller must wait for them, so concurrent writers queue up fairly and an overslept
// timer is made up for (up to burst) instead of lost.
type bucket struct {
	rate  float64 // tokens (bytes) per second
	burst float64 // most tokens kept

	mu     sync.Mutex
	tokens float64
	last   time.Time // when tokens was last brought up to date; zero before the first use
}

// newBucket returns a full bucket for rate bytes/s holding up to two slices.
func newBucket(rate float64, slice int) *bucket {
	return &bucket{rate: rate, burst: 2 * float64(slice), tokens: 2 * float64(slice)}
}

// reserve takes n tokens at now and returns how long to wait until they exist.
func (b *bucket) reserve(now time.Time, n int) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last.IsZero() {
		b.last = now
	}
	if now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+b.rate*now.Sub(b.last).Seconds())
		b.last = now
	}
	b.tokens -= float64(n)
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.rate * float64(time.Second))
}
