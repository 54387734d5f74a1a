package planner

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// sizeUnits maps a lower-cased unit suffix to its multiplier. The bare letters and the IEC
// names are powers of 1024 (as dd and most download tools read "8M"); the SI "KB" forms are
// powers of 1000.
var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
	"m": 1 << 20, "mib": 1 << 20, "mb": 1e6,
	"g": 1 << 30, "gib": 1 << 30, "gb": 1e9,
	"t": 1 << 40, "tib": 1 << 40, "tb": 1e12,
	"p": 1 << 50, "pib": 1 << 50, "pb": 1e15,
}

// ParseSize reads a size: plain bytes, or with a suffix K, KB, KiB, M, MB, MiB, G, GB, GiB, T,
// TB, TiB, P, PB, PiB (case-insensitive; K/M/G and KiB/MiB/GiB are powers of 1024, KB/MB/GB
// powers of 1000). A decimal such as 1.5MiB is accepted when it comes to a whole number of
// bytes.
func ParseSize(s string) (int64, error) {
	in := strings.TrimSpace(s)
	i := 0
	for i < len(in) && (in[i] >= '0' && in[i] <= '9' || in[i] == '.') {
		i++
	}
	num, unit := in[:i], strings.ToLower(strings.TrimSpace(in[i:]))
	mult, ok := sizeUnits[unit]
	if num == "" || !ok || strings.Count(num, ".") > 1 || num == "." {
		return 0, fmt.Errorf("size %q is not valid: want bytes with an optional unit, such as 1048576, 512KiB, 8MiB or 1G", s)
	}
	intPart, frac, _ := strings.Cut(num, ".")
	digits := intPart + frac
	v, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return 0, fmt.Errorf("size %q is not valid: want bytes with an optional unit, such as 1048576, 512KiB, 8MiB or 1G", s)
	}
	v.Mul(v, big.NewInt(mult))
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(frac))), nil)
	q, r := new(big.Int).QuoRem(v, den, new(big.Int))
	if r.Sign() != 0 {
		return 0, fmt.Errorf("size %q is not a whole number of bytes: use a smaller unit or fewer decimals", s)
	}
	if !q.IsInt64() {
		return 0, fmt.Errorf("size %q is too large: the most is %d bytes", s, int64(math.MaxInt64))
	}
	return q.Int64(), nil
}

// ParseSpan reads "FIRST-LAST" (inclusive, FIRST <= LAST), both plain byte offsets.
func ParseSpan(s string) (Span, error) {
	bad := func(why string) (Span, error) {
		return Span{}, fmt.Errorf("byte range %q is not valid: %s; want FIRST-LAST, inclusive byte offsets such as 0-1023", s, why)
	}
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return bad("no '-'")
	}
	first, err := parseOffset(a)
	if err != nil {
		return bad("FIRST " + err.Error())
	}
	last, err := parseOffset(b)
	if err != nil {
		return bad("LAST " + err.Error())
	}
	if last < first {
		return bad("LAST is before FIRST")
	}
	return Span{First: first, Last: last}, nil
}

// parseOffset reads a non-negative decimal offset. strconv alone would accept a sign.
func parseOffset(s string) (int64, error) {
	if s == "" {
		return 0, fmt.Errorf("is missing")
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a number", s)
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return v, nil
}
