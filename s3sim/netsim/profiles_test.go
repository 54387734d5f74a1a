package netsim

import (
	"reflect"
	"testing"
	"time"
)

func TestNamed(t *testing.T) {
	if got, want := Names(), []string{"lan", "s3", "flaky", "slowtail"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	for _, name := range Names() {
		p, err := Named(name)
		if err != nil || p.Name != name {
			t.Errorf("Named(%q) = %+v, %v", name, p, err)
		}
		if p.BitFlip != 0 {
			t.Errorf("%s flips bits: named profiles must not corrupt data silently", name)
		}
	}
	if p, _ := Named("lan"); New(p).p.shapesResponses() {
		t.Error("lan shapes responses")
	}
	if p, _ := Named("flaky"); p.StallFor >= 20*time.Second || p.ConnRate != S3().ConnRate {
		t.Errorf("flaky: %+v, want s3's rates and a stall shorter than pget's 20s stall timeout", p)
	}
	_, err := Named("wan")
	if want := `unknown network profile "wan": use one of lan, s3, flaky, slowtail`; err == nil || err.Error() != want {
		t.Errorf("Named(wan) error %v, want %q", err, want)
	}
}

func TestParseProfile(t *testing.T) {
	s3 := S3()
	custom := s3
	custom.ConnRate, custom.SlowDown, custom.StallFor, custom.MaxConns = 50_000_000, 0.05, 1500*time.Millisecond, 4
	ok := []struct {
		in   string
		want Profile
	}{
		{"s3", s3},
		{"s3, conn-rate=50MB/s ,slowdown=0.05,stall-for=1.5s,max-conns=4", custom},
		{"ttfb=10ms,total-rate=1GiB,reset-after=64KiB,seed=-3,bitflip=1",
			Profile{TTFB: 10 * time.Millisecond, TotalRate: 1 << 30, ResetAfter: 64 << 10, Seed: -3, BitFlip: 1}},
		{"flaky,reset=1,reset-at=3MiB", func() Profile { p := Flaky(); p.Reset, p.ResetAt = 1, 3<<20; return p }()},
		{"", Profile{}},
	}
	for _, tc := range ok {
		got, err := ParseProfile(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseProfile(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	bad := map[string]string{
		"nope":             `unknown network profile "nope": use one of lan, s3, flaky, slowtail`,
		"s3,flaky":         `network profile "s3,flaky": "flaky" is not key=value; a name may come only first`,
		"s3,speed=1":       `network profile "s3,speed=1": unknown key "speed": use one of seed, ttfb, ttfb-jitter, conn-rate, total-rate, slow-share, slow-factor, max-conns, slowdown, internal-error, reset, reset-after, reset-at, stall, stall-for, truncate, bitflip`,
		"slowdown=2":       `network profile "slowdown=2": slowdown: "2" is not a share between 0 and 1`,
		"conn-rate=fast":   `network profile "conn-rate=fast": conn-rate: "fast" is not a size such as 80MB or 64KiB (0 = unlimited)`,
		"ttfb=5":           `network profile "ttfb=5": ttfb: "5" is not a duration such as 25ms`,
		"max-conns=-1":     `network profile "max-conns=-1": max-conns: "-1" is not a count such as 8 (0 = unlimited)`,
		"conn-rate=80XB/s": `network profile "conn-rate=80XB/s": conn-rate: "80XB/s" is not a size such as 80MB or 64KiB (0 = unlimited)`,
	}
	for in, want := range bad {
		if _, err := ParseProfile(in); err == nil || err.Error() != want {
			t.Errorf("ParseProfile(%q) error %v, want %q", in, err, want)
		}
	}
}

// TestSlowTailSeed keeps SlowTail's doc comment true.
func TestSlowTailSeed(t *testing.T) {
	p := SlowTail()
	var slow []uint64
	for k := range uint64(16) {
		if p.connIsSlow(k) {
			slow = append(slow, k)
		}
	}
	if want := []uint64{2, 9, 13}; !reflect.DeepEqual(slow, want) {
		t.Errorf("slow connections among the first 16: %v, want %v as documented", slow, want)
	}
}
