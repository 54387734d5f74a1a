package s3sim

import (
	"encoding/xml"
	"net/url"
	"reflect"
	"testing"
)

// listPage is the parsed ListObjectsV2 answer.
type listPage struct {
	Name                  string
	KeyCount              int
	MaxKeys               int
	IsTruncated           bool
	NextContinuationToken string
	Contents              []struct {
		Key          string
		Size         int64
		ETag         string
		StorageClass string
	}
	CommonPrefixes []struct{ Prefix string }
}

func list(t *testing.T, base string, params url.Values) listPage {
	t.Helper()
	params.Set("list-type", "2")
	resp, body := do(t, sign(t, newReq(t, "GET", base+"/b?"+params.Encode(), nil), nil))
	if resp.StatusCode != 200 {
		t.Fatalf("list: %d %s", resp.StatusCode, body)
	}
	var p listPage
	if err := xml.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// listAll pages through a listing and returns keys and prefixes in order.
func listAll(t *testing.T, base string, params url.Values) (keys, prefixes []string, pages int) {
	for {
		p := list(t, base, params)
		pages++
		for _, c := range p.Contents {
			keys = append(keys, c.Key)
		}
		for _, c := range p.CommonPrefixes {
			prefixes = append(prefixes, c.Prefix)
		}
		if p.KeyCount != len(p.Contents)+len(p.CommonPrefixes) {
			t.Fatalf("KeyCount %d for %d entries", p.KeyCount, len(p.Contents)+len(p.CommonPrefixes))
		}
		if !p.IsTruncated {
			return keys, prefixes, pages
		}
		params.Set("continuation-token", p.NextContinuationToken)
	}
}

func TestListObjectsV2(t *testing.T) {
	s, base := newTest(t, Options{})
	for _, k := range []string{"a/1", "a/2", "a/3", "b", "c/x/1", "c/y", "d"} {
		s.PutBytes("b", k, []byte(k))
	}
	s.PutBytes("b", "gone", nil)
	do(t, sign(t, newReq(t, "DELETE", base+"/b/gone", nil), nil))

	keys, prefixes, pages := listAll(t, base, url.Values{"max-keys": {"2"}})
	if want := []string{"a/1", "a/2", "a/3", "b", "c/x/1", "c/y", "d"}; !reflect.DeepEqual(keys, want) || prefixes != nil || pages != 4 {
		t.Fatalf("flat listing %v %v in %d pages", keys, prefixes, pages)
	}
	keys, prefixes, pages = listAll(t, base, url.Values{"max-keys": {"1"}, "delimiter": {"/"}})
	if !reflect.DeepEqual(keys, []string{"b", "d"}) || !reflect.DeepEqual(prefixes, []string{"a/", "c/"}) || pages != 4 {
		t.Fatalf("delimited listing %v %v in %d pages", keys, prefixes, pages)
	}
	keys, prefixes, _ = listAll(t, base, url.Values{"prefix": {"c/"}, "delimiter": {"/"}})
	if !reflect.DeepEqual(keys, []string{"c/y"}) || !reflect.DeepEqual(prefixes, []string{"c/x/"}) {
		t.Fatalf("prefix listing %v %v", keys, prefixes)
	}
	keys, _, _ = listAll(t, base, url.Values{"start-after": {"b"}})
	if !reflect.DeepEqual(keys, []string{"c/x/1", "c/y", "d"}) {
		t.Fatalf("start-after listing %v", keys)
	}
	p := list(t, base, url.Values{"prefix": {"b"}})
	if len(p.Contents) != 1 || p.Contents[0].Size != 1 || p.Contents[0].ETag != quotedMD5([]byte("b")) || p.Contents[0].StorageClass != "STANDARD" || p.Name != "b" || p.MaxKeys != 1000 {
		t.Fatalf("entry %+v", p)
	}
	resp, body := do(t, sign(t, newReq(t, "GET", base+"/b?list-type=2&max-keys=x", nil), nil))
	wantError(t, resp, body, 400, "InvalidArgument")
	resp, body = do(t, sign(t, newReq(t, "GET", base+"/nob?list-type=2", nil), nil))
	wantError(t, resp, body, 404, "NoSuchBucket")
}

func TestListObjectsV1AndEncoding(t *testing.T) {
	s, base := newTest(t, Options{})
	for _, k := range []string{"a b/1", "a b/2", "c"} {
		s.PutBytes("b", k, nil)
	}
	resp, body := do(t, sign(t, newReq(t, "GET", base+"/b?delimiter=%2F&max-keys=1", nil), nil))
	var p struct {
		IsTruncated    bool
		NextMarker     string
		CommonPrefixes []struct{ Prefix string }
	}
	if err := xml.Unmarshal(body, &p); err != nil || resp.StatusCode != 200 || !p.IsTruncated || p.NextMarker != "a b/" || len(p.CommonPrefixes) != 1 {
		t.Fatalf("V1 page 1: %d %s", resp.StatusCode, body)
	}
	resp, body = do(t, sign(t, newReq(t, "GET", base+"/b?delimiter=%2F&marker=a%20b%2F", nil), nil))
	var p2 struct {
		IsTruncated bool
		Contents    []struct{ Key string }
	}
	if err := xml.Unmarshal(body, &p2); err != nil || p2.IsTruncated || len(p2.Contents) != 1 || p2.Contents[0].Key != "c" {
		t.Fatalf("V1 page 2: %d %s", resp.StatusCode, body)
	}
	page := list(t, base, url.Values{"encoding-type": {"url"}, "prefix": {"a b/"}})
	if len(page.Contents) != 2 || page.Contents[0].Key != "a+b/1" {
		t.Fatalf("url-encoded keys %+v", page.Contents)
	}
}
