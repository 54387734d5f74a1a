package netsim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Units of the profiles' rates (decimal, as network speeds are quoted).
const (
	kB = 1000
	mB = 1000 * kB
	gB = 1000 * mB
)

// Lan is no shaping at all: loopback speed, no latency, no faults.
func Lan() Profile { return Profile{Name: "lan"} }

// S3 is one S3 prefix seen from an EC2 instance in the same region: 25ms to the first byte plus
// up to 20ms of jitter, 80 MB/s per connection (S3 gives one connection roughly 50-100 MB/s)
// and 1.25 GB/s in all (a 10 Gbit/s instance). One connection moves 1 GiB in about 13s; sixteen
// in about 1s, if the machine keeps up.
func S3() Profile {
	return Profile{Name: "s3", TTFB: 25 * time.Millisecond, TTFBJitter: 20 * time.Millisecond,
		ConnRate: 80 * mB, TotalRate: 1250 * mB}
}

// Flaky is S3 with faults, per GET: 3% SlowDown (503), 1% InternalError (500), 2% reset (TCP
// RST) at a uniform point of the body, 1% truncated body, 1% stall of 2s mid-body (shorter than
// pget's default stall timeout, so it only slows a range down; lower --stall-timeout to see the
// timeout act). No bit flips: they corrupt data silently unless checksums are verified.
func Flaky() Profile {
	p := S3()
	p.Name = "flaky"
	p.SlowDown, p.InternalError = 0.03, 0.01
	p.Reset, p.Truncate = 0.02, 0.01
	p.Stall, p.StallFor = 0.01, 2*time.Second
	return p
}

// SlowTail is S3 where 5% of connections run at a tenth of the speed (8 MB/s): the straggler
// that a downloader must not wait on. With its Seed (0), connections 2, 9 and 13 of the first 16
// are slow, so a 16-connection download meets the tail.
func SlowTail() Profile {
	p := S3()
	p.Name = "slowtail"
	p.SlowShare, p.SlowFactor = 0.05, 0.1
	return p
}

// named maps the profile names to their constructors, in Names order.
var named = [...]struct {
	name string
	new  func() Profile
}{{"lan", Lan}, {"s3", S3}, {"flaky", Flaky}, {"slowtail", SlowTail}}

// Names lists the named profiles: lan, s3, flaky, slowtail.
func Names() []string {
	names := make([]string, len(named))
	for i, p := range named {
		names[i] = p.name
	}
	return names
}

// Named returns a named profile: "lan" (no shaping), "s3" (one S3 prefix seen from EC2: ~30ms
// first byte, ~80 MB/s per connection), "flaky" (s3 plus faults), "slowtail" (a few very slow
// connections). See Lan, S3, Flaky and SlowTail for the numbers.
func Named(name string) (Profile, error) {
	for _, p := range named {
		if p.name == name {
			return p.new(), nil
		}
	}
	return Profile{}, fmt.Errorf("unknown network profile %q: use one of %s", name, strings.Join(Names(), ", "))
}

// ParseProfile reads a profile from a string for the command line: an optional name, then
// key=value overrides, comma separated, e.g. "s3,conn-rate=50MB,slowdown=0.05" or
// "max-conns=4,ttfb=10ms". Rates and sizes take B, kB, MB, GB, KiB, MiB, GiB (and an optional
// "/s"); durations are Go durations; shares are 0..1. The keys are those of ProfileKeys.
func ParseProfile(s string) (Profile, error) {
	var p Profile
	parts := strings.Split(s, ",")
	if first := strings.TrimSpace(parts[0]); first != "" && !strings.Contains(first, "=") {
		var err error
		if p, err = Named(first); err != nil {
			return Profile{}, err
		}
		parts = parts[1:]
	}
	for _, kv := range parts {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		key, val, ok := strings.Cut(kv, "=")
		if !ok {
			return Profile{}, fmt.Errorf("network profile %q: %q is not key=value; a name may come only first", s, kv)
		}
		set, ok := profileKeys[strings.TrimSpace(key)]
		if !ok {
			return Profile{}, fmt.Errorf("network profile %q: unknown key %q: use one of %s", s, key, strings.Join(ProfileKeys(), ", "))
		}
		if err := set(&p, strings.TrimSpace(val)); err != nil {
			return Profile{}, fmt.Errorf("network profile %q: %s: %v", s, key, err)
		}
	}
	return p, nil
}

// ProfileKeys lists the keys ParseProfile knows.
func ProfileKeys() []string {
	return []string{"seed", "ttfb", "ttfb-jitter", "conn-rate", "total-rate", "slow-share", "slow-factor",
		"max-conns", "slowdown", "internal-error", "reset", "reset-after", "reset-at", "stall", "stall-for", "truncate", "bitflip"}
}

// profileKeys sets one field of a profile from text.
var profileKeys = map[string]func(p *Profile, v string) error{
	"seed":           func(p *Profile, v string) error { return parseInt(v, &p.Seed) },
	"ttfb":           func(p *Profile, v string) error { return parseDuration(v, &p.TTFB) },
	"ttfb-jitter":    func(p *Profile, v string) error { return parseDuration(v, &p.TTFBJitter) },
	"conn-rate":      func(p *Profile, v string) error { return parseBytes(v, &p.ConnRate) },
	"total-rate":     func(p *Profile, v string) error { return parseBytes(v, &p.TotalRate) },
	"slow-share":     func(p *Profile, v string) error { return parseShare(v, &p.SlowShare) },
	"slow-factor":    func(p *Profile, v string) error { return parseShare(v, &p.SlowFactor) },
	"max-conns":      func(p *Profile, v string) error { return parseCount(v, &p.MaxConns) },
	"slowdown":       func(p *Profile, v string) error { return parseShare(v, &p.SlowDown) },
	"internal-error": func(p *Profile, v string) error { return parseShare(v, &p.InternalError) },
	"reset":          func(p *Profile, v string) error { return parseShare(v, &p.Reset) },
	"reset-after":    func(p *Profile, v string) error { return parseBytes(v, &p.ResetAfter) },
	"reset-at":       func(p *Profile, v string) error { return parseBytes(v, &p.ResetAt) },
	"stall":          func(p *Profile, v string) error { return parseShare(v, &p.Stall) },
	"stall-for":      func(p *Profile, v string) error { return parseDuration(v, &p.StallFor) },
	"truncate":       func(p *Profile, v string) error { return parseShare(v, &p.Truncate) },
	"bitflip":        func(p *Profile, v string) error { return parseShare(v, &p.BitFlip) },
}

// parseInt reads a signed integer (a seed).
func parseInt(v string, dst *int64) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not an integer", v)
	}
	*dst = n
	return nil
}

// parseCount reads a non-negative count (0 = unlimited).
func parseCount(v string, dst *int) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return fmt.Errorf("%q is not a count such as 8 (0 = unlimited)", v)
	}
	*dst = n
	return nil
}

// parseDuration reads a non-negative Go duration.
func parseDuration(v string, dst *time.Duration) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return fmt.Errorf("%q is not a duration such as 25ms", v)
	}
	*dst = d
	return nil
}

// parseShare reads a probability or a fraction, 0..1.
func parseShare(v string, dst *float64) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 1 {
		return fmt.Errorf("%q is not a share between 0 and 1", v)
	}
	*dst = f
	return nil
}

// byteUnits are the size suffixes parseBytes knows, lower case.
var byteUnits = map[string]float64{"": 1, "b": 1, "kb": kB, "mb": mB, "gb": gB,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30}

// parseBytes reads a size or a rate with an optional decimal or binary unit and "/s".
func parseBytes(v string, dst *int64) error {
	s := strings.TrimSuffix(strings.ToLower(v), "/s")
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(s)
	}
	f, err := strconv.ParseFloat(s[:i], 64)
	unit, ok := byteUnits[strings.TrimSpace(s[i:])]
	if err != nil || !ok || f*unit > math.MaxInt64 {
		return fmt.Errorf("%q is not a size such as 80MB or 64KiB (0 = unlimited)", v)
	}
	*dst = int64(f * unit)
	return nil
}
