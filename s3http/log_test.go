package s3http

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pget/pget/endpoint"
	"github.com/pget/pget/sigv4"
)

const (
	testSecret    = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	testToken     = "FQoGZXIvYXdzEBYaDTOKENSECRET"
	testSignature = "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024"
)

// secrets are strings that must never appear in a log line or error.
var secrets = []string{testSecret, testToken, testSignature, "Authorization", "Signature=" + testSignature[:8]}

func checkNoSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range secrets {
		if strings.Contains(s, secret) {
			t.Errorf("%s holds secret %q: %s", what, secret, s)
		}
	}
}

func TestLogLineRedactsPresignedURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Range", "bytes 0-9/1000")
		w.WriteHeader(http.StatusPartialContent)
		_, _ = w.Write(objectBytes[:10])
	}))
	defer srv.Close()
	c, buf := newClient(srv)
	q := "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261127%2Fus-east-1%2Fs3%2Faws4_request" +
		"&X-Amz-Security-Token=" + testToken + "&X-Amz-Signature=" + testSignature
	o := &Object{Client: c, Loc: directLoc(t, srv, "/b/k?"+q)}
	body, err := o.GetRange(context.Background(), 0, 10, "")
	if err != nil {
		t.Fatal(err)
	}
	DrainClose(body)
	line := buf.String()
	checkNoSecrets(t, "log", line)
	if strings.Count(line, "\n") != 1 {
		t.Errorf("want exactly one log line, got %q", line)
	}
	for _, want := range []string{
		"level=DEBUG", "msg=\"s3 request\"", "method=GET",
		"url=\"" + srv.URL + "/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-Security-Token=REDACTED&X-Amz-Signature=REDACTED\"",
		`range="bytes=0-9"`, "status=206", " ms=",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("log line lacks %q: %s", want, line)
		}
	}
}

func TestTransportErrorRedactsPresignedURL(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	c, buf := newClient(srv)
	loc := directLoc(t, srv, "/b/k?X-Amz-Signature="+testSignature+"&X-Amz-Security-Token="+testToken)
	srv.Close() // nothing listens any more: the request fails in the transport
	_, err := c.Do(context.Background(), "GET", loc, nil)
	if err == nil {
		t.Fatal("request to a closed server succeeded")
	}
	checkNoSecrets(t, "error", err.Error())
	checkNoSecrets(t, "log", buf.String())
	var ue *url.Error
	if !errors.As(err, &ue) || !strings.Contains(ue.URL, "X-Amz-Signature=REDACTED") {
		t.Errorf("err = %v, want a *url.Error with the signature redacted", err)
	}
	if !strings.Contains(buf.String(), "error=") {
		t.Errorf("log line lacks the error: %s", buf.String())
	}
}

// TestSignedRequestLog needs endpoint and sigv4: the request really carries an Authorization
// header and a session token, and neither may reach the log.
func TestSignedRequestLog(t *testing.T) {
	var auth, token string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, token = r.Header.Get("Authorization"), r.Header.Get("X-Amz-Security-Token")
		s3Error(w, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.", "R1", "")
	}))
	defer srv.Close()
	c, buf := newClient(srv)
	c.Credentials = func(context.Context) (sigv4.Credentials, error) {
		return sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: testSecret, SessionToken: testToken}, nil
	}
	c.Now = func() time.Time { return time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC) }
	ep, _ := url.Parse(srv.URL)
	func() {
		loc := endpoint.Location{Bucket: "b", Key: "dir/a key+1", Region: "eu-west-1", Endpoint: ep, PathStyle: true}
		_, err := c.Do(context.Background(), "GET", loc, http.Header{"Range": {"bytes=0-9"}})
		if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/eu-west-1/s3/aws4_request") || token != testToken {
			t.Errorf("request was not signed for eu-west-1 with the token: Authorization %q", auth)
		}
		want := "SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. (HTTP 403, GET s3://b/dir/a key+1)"
		if err == nil || err.Error() != want {
			t.Errorf("err = %v, want %q", err, want)
		}
		checkNoSecrets(t, "log", buf.String())
		checkNoSecrets(t, "error", err.Error())
		// The signature really sent, not only the fixed test strings, must stay out too.
		_, sig, _ := strings.Cut(auth, "Signature=")
		if len(sig) != 64 || strings.Contains(buf.String(), sig[:16]) || strings.Contains(err.Error(), sig[:16]) {
			t.Errorf("signature %q missing from the request, or found in the log or error", sig)
		}
		if !strings.Contains(buf.String(), "status=403") || !strings.Contains(buf.String(), `range="bytes=0-9"`) {
			t.Errorf("log line lacks status or range: %s", buf.String())
		}
	}()
}
