package sigv4

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// suiteDir holds AWS's SigV4 test suite (aws-c-auth layout), relative to this package.
const suiteDir = "../testdata/sigv4/aws-signing-test-suite/v4"

// suiteContext is a case's context.json.
type suiteContext struct {
	Credentials struct {
		AccessKeyID     string `json:"access_key_id"`
		SecretAccessKey string `json:"secret_access_key"`
		Token           string `json:"token"`
	} `json:"credentials"`
	Expiration       int64     `json:"expiration_in_seconds"`
	Normalize        bool      `json:"normalize"`
	Region           string    `json:"region"`
	Service          string    `json:"service"`
	SignBody         bool      `json:"sign_body"`
	Timestamp        time.Time `json:"timestamp"`
	OmitSessionToken bool      `json:"omit_session_token"`
}

// suiteCase is one loaded case folder.
type suiteCase struct {
	dir  string
	ctx  suiteContext
	body []byte
}

func (c suiteCase) read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newRequest parses request.txt into an *http.Request the way a Go client would hold it: the
// request-line path is the decoded path (URL.Path), Host goes to req.Host, Content-Length to
// req.ContentLength, folded header lines are joined to the previous value.
func (c suiteCase) newRequest(t *testing.T) *http.Request {
	t.Helper()
	raw := c.read(t, "request.txt")
	head, body, _ := strings.Cut(raw, "\n\n")
	lines := strings.Split(head, "\n")
	method, rest, _ := strings.Cut(lines[0], " ")
	target := strings.TrimSuffix(rest, " HTTP/1.1")
	p, q, _ := strings.Cut(target, "?")
	req := &http.Request{
		Method: method,
		URL:    &url.URL{Scheme: "https", Path: p, RawQuery: q},
		Header: make(http.Header),
		Body:   http.NoBody,
	}
	var names []string
	var values []string
	for _, l := range lines[1:] {
		if l == "" {
			continue
		}
		if l[0] == ' ' || l[0] == '\t' {
			values[len(values)-1] += l
			continue
		}
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("bad header line %q", l)
		}
		names, values = append(names, k), append(values, v)
	}
	for i, k := range names {
		switch strings.ToLower(k) {
		case "host":
			req.Host = values[i]
			req.URL.Host = values[i]
		case "content-length":
			n, err := strconv.ParseInt(values[i], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = n
			req.Body = io.NopCloser(strings.NewReader(body))
		default:
			req.Header.Add(k, values[i])
		}
	}
	return req
}

func loadSuite(t *testing.T) []suiteCase {
	t.Helper()
	entries, err := os.ReadDir(suiteDir)
	if err != nil {
		t.Fatalf("read test suite: %v", err)
	}
	var cases []suiteCase
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		c := suiteCase{dir: filepath.Join(suiteDir, e.Name())}
		b, err := os.ReadFile(filepath.Join(c.dir, "context.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &c.ctx); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		raw, err := os.ReadFile(filepath.Join(c.dir, "request.txt"))
		if err != nil {
			t.Fatal(err)
		}
		_, body, _ := strings.Cut(string(raw), "\n\n")
		c.body = []byte(body)
		cases = append(cases, c)
	}
	if len(cases) != 38 {
		t.Fatalf("found %d cases in %s, want 38", len(cases), suiteDir)
	}
	return cases
}

// sha256Hex is the hex SHA-256 of b.
func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// signedRequestHeaders returns the header lines (after the request line, before the blank line)
// of a *-signed-request.txt file as name → values, lower-case names.
func signedRequestHeaders(t *testing.T, raw string) (string, map[string][]string) {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	sc.Scan()
	line := sc.Text()
	h := map[string][]string{}
	for sc.Scan() && sc.Text() != "" {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok {
			h[strings.ToLower(k)] = append(h[strings.ToLower(k)], v)
		}
	}
	return line, h
}

func TestAWSSuite(t *testing.T) {
	for _, c := range loadSuite(t) {
		t.Run(filepath.Base(c.dir), func(t *testing.T) {
			cx := c.ctx
			creds := Credentials{AccessKeyID: cx.Credentials.AccessKeyID, SecretAccessKey: cx.Credentials.SecretAccessKey}
			if !cx.OmitSessionToken {
				creds.SessionToken = cx.Credentials.Token
			}
			payloadHash := sha256Hex(c.body)
			s := &Signer{Region: cx.Region, Service: cx.Service, Normalize: cx.Normalize, OmitContentHash: !cx.SignBody}
			scope := Scope(cx.Timestamp, cx.Region, cx.Service)

			t.Run("header", func(t *testing.T) {
				req := c.newRequest(t)
				if err := s.Sign(req, creds, payloadHash, cx.Timestamp); err != nil {
					t.Fatal(err)
				}
				if cx.OmitSessionToken {
					req.Header.Set("X-Amz-Security-Token", cx.Credentials.Token)
				}
				auth := parseAuthorization(t, req.Header.Get("Authorization"))
				cr := CanonicalRequest(req, strings.Split(auth["SignedHeaders"], ";"), payloadHash, cx.Normalize)
				checkSteps(t, c, "header", cr, StringToSign(cx.Timestamp, scope, cr), auth["Signature"])
				t.Run("signed-request", func(t *testing.T) {
					_, want := signedRequestHeaders(t, c.read(t, "header-signed-request.txt"))
					for _, k := range []string{"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"} {
						if got := req.Header.Values(k); strings.Join(got, "\n") != strings.Join(want[k], "\n") {
							t.Errorf("%s header = %q, want %q", k, got, want[k])
						}
					}
				})
			})

			t.Run("query", func(t *testing.T) {
				req := c.newRequest(t)
				exp := time.Duration(cx.Expiration) * time.Second
				u, err := s.PresignHash(req, creds, payloadHash, exp, cx.Timestamp)
				if err != nil {
					t.Fatal(err)
				}
				q := u.Query()
				if cx.OmitSessionToken {
					q.Set("X-Amz-Security-Token", cx.Credentials.Token)
				}
				signed := req.Clone(req.Context())
				signed.URL = u
				cr := CanonicalRequest(signed, strings.Split(q.Get("X-Amz-SignedHeaders"), ";"), payloadHash, cx.Normalize)
				checkSteps(t, c, "query", cr, StringToSign(cx.Timestamp, scope, cr), q.Get("X-Amz-Signature"))
				t.Run("signed-request", func(t *testing.T) {
					line, _ := signedRequestHeaders(t, c.read(t, "query-signed-request.txt"))
					target := strings.TrimSuffix(strings.SplitN(line, " ", 2)[1], " HTTP/1.1")
					_, rawQuery, _ := strings.Cut(target, "?")
					want, err := url.ParseQuery(rawQuery)
					if err != nil {
						t.Fatal(err)
					}
					if got := q.Encode(); got != want.Encode() {
						t.Errorf("presigned query =\n%s\nwant\n%s", got, want.Encode())
					}
				})
			})
		})
	}
}

// checkSteps compares the three SigV4 steps against the case's files, each in its own subtest so
// that a failure names the step that is wrong.
func checkSteps(t *testing.T, c suiteCase, form, cr, sts, sig string) {
	t.Helper()
	steps := []struct{ name, got, file string }{
		{"canonical-request", cr, form + "-canonical-request.txt"},
		{"string-to-sign", sts, form + "-string-to-sign.txt"},
		{"signature", sig, form + "-signature.txt"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if want := c.read(t, st.file); st.got != want {
				t.Errorf("got\n%s\nwant\n%s", st.got, want)
			}
		})
	}
}

// parseAuthorization splits an Authorization header into Credential, SignedHeaders and
// Signature, failing on any other shape.
func parseAuthorization(t *testing.T, h string) map[string]string {
	t.Helper()
	rest, ok := strings.CutPrefix(h, Algorithm+" ")
	if !ok {
		t.Fatalf("Authorization does not start with %s", Algorithm)
	}
	m := map[string]string{}
	for _, part := range strings.Split(rest, ", ") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			t.Fatalf("malformed Authorization part %q", k)
		}
		m[k] = v
	}
	if len(m) != 3 || m["Credential"] == "" || m["SignedHeaders"] == "" || m["Signature"] == "" {
		t.Fatalf("Authorization has fields %v, want Credential, SignedHeaders, Signature", len(m))
	}
	return m
}
