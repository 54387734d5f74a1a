package credentials

import (
	"fmt"
	"reflect"
	"testing"
)

func sprintAll(v any) string { return fmt.Sprintf("%v %+v %#v %s", v, v, v, v) }

func TestParseINI(t *testing.T) {
	in := "\xef\xbb\xbf# comment\r\n; comment\r\n[default]\r\nRegion = us-east-1\r\n" +
		"output:json\n" +
		"value_with_hash = a#b ; c\n" +
		"empty =\n" +
		"s3 =\n\tmax_concurrent_requests = 10\n\n  region = nested\n" +
		"[ profile x ]\nkey=v=w\n" +
		"[default]\nlater = yes\n"
	got, err := parseINI([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := iniFile{
		"default": {"region": "us-east-1", "output": "json", "value_with_hash": "a#b ; c", "empty": "",
			"s3": "\nmax_concurrent_requests = 10\nregion = nested", "later": "yes"},
		"profile x": {"key": "v=w"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
}

func TestParseINIErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"key = before section\n", "line 1: a key comes before any [section] header"},
		{"[default]\n\nno delimiter here\n", `line 3: expected "key = value" or "[section]"`},
		{"[default\n", "line 1: a section header must end with ']'"},
		{"[ ]\n", "line 1: empty section name"},
		{"[a]\n= value\n", `line 2: expected "key = value" or "[section]"`},
	} {
		_, err := parseINI([]byte(tc.in))
		if err == nil || err.Error() != tc.want {
			t.Errorf("parseINI(%q) error = %v, want %s", tc.in, err, tc.want)
		}
	}
}
