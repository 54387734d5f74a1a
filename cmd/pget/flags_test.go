package main

import (
	"io"
	"strings"
	"testing"
)

// TestPermuteArgs pins how flags written anywhere are put where urfave/cli reads them.
func TestPermuteArgs(t *testing.T) {
	app := newApp(io.Discard, io.Discard)
	for _, tc := range []struct{ in, want string }{
		{"pget s3://b/k out --force", "pget --force -- s3://b/k out"},
		{"pget -c 4 s3://b/k", "pget -c 4 -- s3://b/k"},
		{"pget s3://b/k -qc 4", "pget -qc 4 -- s3://b/k"},
		{"pget --chunk-size 1MiB s3://b/k --range 0-9 out", "pget --chunk-size 1MiB --range 0-9 -- s3://b/k out"},
		{"pget --endpoint-url http://h stat s3://b/k", "pget stat --endpoint-url http://h -- s3://b/k"},
		{"pget presign s3://b/k --expires 1h", "pget presign --expires 1h -- s3://b/k"},
		{"pget -- -dash-key out", "pget -- -dash-key out"},
		{"pget s3://b/k -", "pget -- s3://b/k -"},
		{"pget s3://b/k -h", "pget -h"},
		{"pget -force s3://b/k", "pget -force -- s3://b/k"},
		{"pget", "pget"},
	} {
		if got := strings.Join(permuteArgs(app, strings.Fields(tc.in)), " "); got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}
