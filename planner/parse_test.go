package planner

import "testing"

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"0", 0},
		{"1048576", 1048576},
		{"100B", 100},
		{"512KiB", 512 << 10},
		{"512k", 512 << 10},
		{"2KB", 2000},
		{"2kb", 2000},
		{"8MiB", 8 << 20},
		{"8M", 8 << 20},
		{"8MB", 8_000_000},
		{"1G", 1 << 30},
		{"1gib", 1 << 30},
		{"1GB", 1_000_000_000},
		{"2T", 2 << 40},
		{"1TB", 1_000_000_000_000},
		{"1.5MiB", 1572864},
		{"0.5K", 512},
		{" 8 MiB ", 8 << 20},
		{"9223372036854775807", 9223372036854775807},
		{"8191P", 8191 << 50},
	} {
		got, err := ParseSize(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestParseSizeErrors(t *testing.T) {
	const form = ": want bytes with an optional unit, such as 1048576, 512KiB, 8MiB or 1G"
	for _, tc := range []struct{ in, want string }{
		{"", `size "" is not valid` + form},
		{"-5", `size "-5" is not valid` + form},
		{"+5", `size "+5" is not valid` + form},
		{"abc", `size "abc" is not valid` + form},
		{"8XB", `size "8XB" is not valid` + form},
		{"1e3", `size "1e3" is not valid` + form},
		{"1.2.3M", `size "1.2.3M" is not valid` + form},
		{".", `size "." is not valid` + form},
		{"MiB", `size "MiB" is not valid` + form},
		{"1.1B", `size "1.1B" is not a whole number of bytes: use a smaller unit or fewer decimals`},
		{"0.3K", `size "0.3K" is not a whole number of bytes: use a smaller unit or fewer decimals`},
		{"9223372036854775808", `size "9223372036854775808" is too large: the most is 9223372036854775807 bytes`},
		{"8192P", `size "8192P" is too large: the most is 9223372036854775807 bytes`},
	} {
		_, err := ParseSize(tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("ParseSize(%q) error = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestParseSpan(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Span
	}{
		{"40-2000", Span{40, 2000}},
		{"0-0", Span{0, 0}},
		{" 7-7 ", Span{7, 7}},
		{"0-9223372036854775806", Span{0, 9223372036854775806}},
	} {
		got, err := ParseSpan(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseSpan(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	const form = "; want FIRST-LAST, inclusive byte offsets such as 0-1023"
	for _, tc := range []struct{ in, want string }{
		{"40", `byte range "40" is not valid: no '-'` + form},
		{"-500", `byte range "-500" is not valid: FIRST is missing` + form},
		{"500-", `byte range "500-" is not valid: LAST is missing` + form},
		{"5-4", `byte range "5-4" is not valid: LAST is before FIRST` + form},
		{"a-4", `byte range "a-4" is not valid: FIRST "a" is not a number` + form},
		{"1-+4", `byte range "1-+4" is not valid: LAST "+4" is not a number` + form},
		{"1-2-3", `byte range "1-2-3" is not valid: LAST "2-3" is not a number` + form},
		{"0-99999999999999999999", `byte range "0-99999999999999999999" is not valid: LAST "99999999999999999999" is too large` + form},
	} {
		_, err := ParseSpan(tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("ParseSpan(%q) error = %v, want %q", tc.in, err, tc.want)
		}
	}
}
