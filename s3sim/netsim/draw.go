package netsim

import (
	"math/rand/v2"
	"time"
)

// Salts keep the connection and request streams of one seed independent of each other.
const (
	connSalt    = 0x636f6e6e65637469 // "connecti"
	requestSalt = 0x7265717565737473 // "requests"
)

// splitmix64 is the SplitMix64 finaliser: a counter in, a well-mixed 64-bit value out. It
// turns (seed, index) pairs into independent draws without any shared generator state.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// unit maps 64 random bits to [0, 1).
func unit(x uint64) float64 { return float64(x>>11) / (1 << 53) }

// connIsSlow decides the speed class of connection k: it depends only on the seed and k.
func (p Profile) connIsSlow(k uint64) bool {
	if p.SlowShare <= 0 {
		return false
	}
	return unit(splitmix64(splitmix64(uint64(p.Seed)^connSalt)+k)) < p.SlowShare
}

// plan is what request k will go through. Positions are fractions of the body, turned into
// byte offsets once the status and Content-Length are known.
type plan struct {
	jitter        time.Duration
	slowDown      bool
	internalError bool
	reset         bool
	resetAt       float64
	stall         bool
	stallAt       float64
	truncate      bool
	truncateAt    float64
	bitFlip       bool
	bitFlipAt     float64
}

// planFor draws request k's plan. It always draws the same values in the same order, so a
// request's plan depends only on the seed and k, never on the profile's other numbers changing
// which draw lands where.
func (p Profile) planFor(k uint64) plan {
	r := rand.New(rand.NewPCG(splitmix64(uint64(p.Seed)^requestSalt), splitmix64(k)))
	var pl plan
	pl.jitter = time.Duration(r.Float64() * float64(p.TTFBJitter))
	pl.slowDown = r.Float64() < p.SlowDown
	pl.internalError = r.Float64() < p.InternalError
	pl.reset, pl.resetAt = r.Float64() < p.Reset, r.Float64()
	pl.stall, pl.stallAt = r.Float64() < p.Stall, r.Float64()
	pl.truncate, pl.truncateAt = r.Float64() < p.Truncate, r.Float64()
	pl.bitFlip, pl.bitFlipAt = r.Float64() < p.BitFlip, r.Float64()
	if pl.slowDown {
		pl.internalError = false // one answer per request
	}
	return pl
}

// unknownSpan is the span positions are drawn over when a body has no Content-Length.
const unknownSpan = 1 << 20

// at turns a fraction into an offset in [0, span).
func at(frac float64, span int64) int64 {
	return min(int64(frac*float64(span)), span-1)
}

// offsets are the byte offsets of a body's faults; -1 means none.
type offsets struct {
	end      int64 // the body stops here (reset or truncate)
	endReset bool  // by a reset (RST) rather than a truncation (FIN)
	stall    int64
	bitFlip  int64 // bit offset
}

// offsetsFor places pl's body faults in a body of size bytes (-1 if unknown).
func (p Profile) offsetsFor(pl plan, size int64) offsets {
	o := offsets{end: -1, stall: -1, bitFlip: -1}
	span := size
	if size < 0 {
		span = unknownSpan
	}
	if span == 0 {
		return o
	}
	switch {
	case pl.reset && p.ResetAt > 0:
		// A fixed offset reproduces one exact failure (e.g. at byte 3,145,728); past the end
		// of the body the Write loop never reaches it, so nothing happens.
		o.end, o.endReset = p.ResetAt, true
	case pl.reset:
		rs := span
		if p.ResetAfter > 0 && p.ResetAfter < span {
			rs = p.ResetAfter
		}
		o.end, o.endReset = at(pl.resetAt, rs), true
	}
	if pl.truncate {
		if t := at(pl.truncateAt, span); o.end < 0 || t < o.end {
			o.end, o.endReset = t, false
		}
	}
	if pl.stall && p.StallFor > 0 {
		o.stall = at(pl.stallAt, span)
	}
	if pl.bitFlip {
		o.bitFlip = at(pl.bitFlipAt, span*8)
	}
	return o
}
