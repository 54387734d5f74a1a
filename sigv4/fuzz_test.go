package sigv4

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// checkEncoded fails unless s holds only unreserved bytes, '/' and upper-case %XX escapes.
func checkEncoded(t *testing.T, s string) {
	t.Helper()
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case unreserved(c) || c == '/':
		case c == '%' && i+2 < len(s) && strings.IndexByte(upperHex, s[i+1]) >= 0 && strings.IndexByte(upperHex, s[i+2]) >= 0:
			i += 2
		default:
			t.Fatalf("encoded output %q has byte %q at %d outside the canonical alphabet", s, c, i)
		}
	}
}

func FuzzEncodePath(f *testing.F) {
	for _, p := range []string{"", "/", "/a//b", "/x/./y", "/../a/..", "/sp ace", "/plus+sign", "/ünï", "/%41",
		"/=&?#[]@:;,!'()*$", "a/b", "//", "/.", "/..", "\xff\x00/\x7f", "/😀/~-._"} {
		f.Add(p, false)
		f.Add(p, true)
	}
	f.Fuzz(func(t *testing.T, p string, normalize bool) {
		out := EncodePath(p, normalize)
		if again := EncodePath(p, normalize); again != out {
			t.Fatalf("EncodePath(%q) not deterministic: %q then %q", p, out, again)
		}
		checkEncoded(t, out)
		dec, err := url.PathUnescape(out)
		if err != nil {
			t.Fatalf("EncodePath(%q) = %q does not decode: %v", p, out, err)
		}
		if !normalize {
			if p != "" && dec != p {
				t.Fatalf("EncodePath(%q) = %q decodes to %q", p, out, dec)
			}
			return
		}
		if !strings.HasPrefix(out, "/") {
			t.Fatalf("normalised %q = %q does not start with /", p, out)
		}
		segs := strings.Split(out, "/")
		for i, s := range segs[1:] {
			if s == "." || s == ".." || s == "" && i+1 < len(segs)-1 {
				t.Fatalf("normalised %q = %q keeps segment %q", p, out, s)
			}
		}
		if EncodePath(dec, true) != out {
			t.Fatalf("normalising %q twice changed it: %q then %q", p, out, EncodePath(dec, true))
		}
	})
}

func FuzzCanonicalRequest(f *testing.F) {
	f.Add("GET", "/a//b", "b=2&a=1&a=&lifecycle", "Range", " bytes=0-9 ", false)
	f.Add("PUT", "/x/./y/../z", "k=%zz&+=+&X-Amz-Signature=1", "X-Amz-Meta-A", "a   b\tc", true)
	f.Add("GET", "", "%E1%88%B4=bar&~=1&%7C=2", "my-header", "", false)
	f.Add("", "/k", "", "Range", "bytes=0-0", false)
	f.Fuzz(func(t *testing.T, method, path, rawQuery, hname, hvalue string, normalize bool) {
		req := &http.Request{Method: method, Host: "h.example", URL: &url.URL{Path: path, RawQuery: rawQuery},
			Header: http.Header{hname: {hvalue, hvalue}}}
		names := []string{"host", strings.ToLower(hname)}
		cr := CanonicalRequest(req, names, UnsignedPayload, normalize)
		if again := CanonicalRequest(req, names, UnsignedPayload, normalize); again != cr {
			t.Fatal("CanonicalRequest is not deterministic")
		}
		if method == "" {
			method = http.MethodGet // as net/http sends it
		}
		if !strings.HasPrefix(cr, method+"\n"+EncodePath(path, normalize)+"\n") {
			t.Fatal("canonical request does not start with method and EncodePath(path)")
		}
		if !strings.HasSuffix(cr, "\n"+UnsignedPayload) {
			t.Fatal("canonical request does not end with the payload hash")
		}
		query := strings.SplitN(strings.TrimPrefix(cr, method+"\n"), "\n", 3)[1]
		if canonicalQuery(query) != query {
			t.Fatalf("canonical query %q is not a fixed point of canonicalQuery", query)
		}
		for _, kv := range strings.Split(query, "&") {
			if query == "" {
				break
			}
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "X-Amz-Signature" {
				t.Fatalf("canonical query %q has pair %q", query, kv)
			}
			checkEncoded(t, k)
			checkEncoded(t, v)
		}
	})
}
