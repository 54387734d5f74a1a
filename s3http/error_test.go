package s3http

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
)

func TestErrorString(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{StatusCode: 404, Code: "NoSuchKey", Message: "The specified key does not exist.", Method: "GET", Resource: "s3://b/k"},
			"NoSuchKey: The specified key does not exist. (HTTP 404, GET s3://b/k)"},
		{Error{StatusCode: 404, Code: "NotFound", Method: "HEAD", Resource: "s3://b/k"},
			"NotFound (HTTP 404, HEAD s3://b/k)"},
		{Error{StatusCode: 500, Code: "InternalError", Message: "We encountered\n  an internal error.", Method: "GET", Resource: "s3://b/k"},
			"InternalError: We encountered an internal error. (HTTP 500, GET s3://b/k)"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestRetryable(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   string
		want   bool
	}{
		{500, "InternalError", true},
		{502, "BadGateway", true},
		{503, "SlowDown", true},
		{503, "ServiceUnavailable", true},
		{504, "GatewayTimeout", true},
		{507, "InsufficientStorage", true},
		{520, "HTTP520", true}, // a CDN in front of the store
		{599, "HTTP599", true},
		{501, "NotImplemented", false},
		{505, "HTTPVersionNotSupported", false},
		{429, "TooManyRequests", true},
		{408, "RequestTimeout", true},
		{400, "RequestTimeout", true},
		{400, "Throttling", true},
		{400, "ThrottlingException", true},
		{403, "AccessDenied", false},
		{403, "Forbidden", false},
		{403, "RequestTimeTooSkewed", false},
		{403, "SignatureDoesNotMatch", false},
		{404, "NoSuchKey", false},
		{404, "NotFound", false},
		{412, "PreconditionFailed", false},
		{416, "InvalidRange", false},
		{400, "AuthorizationHeaderMalformed", false},
		{301, "PermanentRedirect", false},
		{206, "ContentRangeMismatch", false},
		{200, "RangeNotHonored", false},
	} {
		e := &Error{StatusCode: tc.status, Code: tc.code}
		if got := e.Retryable(); got != tc.want {
			t.Errorf("Retryable(%d %s) = %v, want %v", tc.status, tc.code, got, tc.want)
		}
	}
}

func TestDoParsesXMLError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/missing":
			s3Error(w, 404, "NoSuchKey", "The specified key does not exist.", "REQ1", "")
		case "/malformed":
			s3Error(w, 400, "AuthorizationHeaderMalformed",
				"The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'", "REQ2", "eu-west-1")
		case "/html":
			w.WriteHeader(502)
			_, _ = w.Write([]byte("<html><body>Bad Gateway</body></html>"))
		case "/header-region":
			w.Header().Set("X-Amz-Bucket-Region", "ap-south-1")
			s3Error(w, 301, "PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint.", "REQ3", "")
		}
	}))
	defer srv.Close()
	c, _ := newClient(srv)
	for _, tc := range []struct {
		path string
		want Error
		text string
	}{
		{"/missing", Error{StatusCode: 404, Code: "NoSuchKey", Message: "The specified key does not exist.", RequestID: "REQ1"},
			"NoSuchKey: The specified key does not exist. (HTTP 404, GET " + srv.URL + "/missing)"},
		{"/malformed", Error{StatusCode: 400, Code: "AuthorizationHeaderMalformed",
			Message: "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'", RequestID: "REQ2", Region: "eu-west-1"},
			"AuthorizationHeaderMalformed: The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1' (HTTP 400, GET " + srv.URL + "/malformed)"},
		{"/html", Error{StatusCode: 502, Code: "BadGateway"}, "BadGateway (HTTP 502, GET " + srv.URL + "/html)"},
		{"/header-region", Error{StatusCode: 301, Code: "PermanentRedirect",
			Message: "The bucket you are attempting to access must be addressed using the specified endpoint.", RequestID: "REQ3", Region: "ap-south-1"},
			"PermanentRedirect: The bucket you are attempting to access must be addressed using the specified endpoint. (HTTP 301, GET " + srv.URL + "/header-region)"},
	} {
		resp, err := c.Do(context.Background(), "GET", directLoc(t, srv, tc.path), nil)
		var e *Error
		if resp != nil || !errors.As(err, &e) {
			t.Fatalf("%s: got %v, %v; want *Error", tc.path, resp, err)
		}
		tc.want.Method, tc.want.Resource = "GET", srv.URL+tc.path
		if !reflect.DeepEqual(*e, tc.want) {
			t.Errorf("%s: error = %+v\nwant %+v", tc.path, *e, tc.want)
		}
		if e.Error() != tc.text {
			t.Errorf("%s: Error() = %q\nwant %q", tc.path, e.Error(), tc.text)
		}
	}
}

func TestDoHeadErrorWithoutBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/404":
			w.Header().Set("X-Amz-Request-Id", "R404")
			w.WriteHeader(404)
		case "/403":
			w.WriteHeader(403)
		case "/301":
			w.Header().Set("X-Amz-Bucket-Region", "eu-central-1")
			w.WriteHeader(301)
		case "/412":
			w.WriteHeader(412)
		case "/503":
			w.WriteHeader(503)
		case "/304":
			w.WriteHeader(304)
		}
	}))
	defer srv.Close()
	c, _ := newClient(srv)
	for _, tc := range []struct {
		path, code, region string
		status             int
		retry              bool
	}{
		{"/404", "NotFound", "", 404, false},
		{"/403", "Forbidden", "", 403, false},
		{"/301", "PermanentRedirect", "eu-central-1", 301, false},
		{"/412", "PreconditionFailed", "", 412, false},
		{"/503", "ServiceUnavailable", "", 503, true},
	} {
		_, err := c.Do(context.Background(), "HEAD", directLoc(t, srv, tc.path), nil)
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("%s: err = %v, want *Error", tc.path, err)
		}
		if e.Code != tc.code || e.StatusCode != tc.status || e.Region != tc.region || e.Retryable() != tc.retry {
			t.Errorf("%s: got %+v (retryable %v), want code %s status %d region %q retryable %v",
				tc.path, *e, e.Retryable(), tc.code, tc.status, tc.region, tc.retry)
		}
	}
	_, err := c.Do(context.Background(), "HEAD", directLoc(t, srv, "/404"), nil)
	if want := "NotFound (HTTP 404, HEAD " + srv.URL + "/404)"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
	if err.(*Error).RequestID != "R404" {
		t.Errorf("RequestID = %q, want R404 from x-amz-request-id", err.(*Error).RequestID)
	}
	resp, err := c.Do(context.Background(), "HEAD", directLoc(t, srv, "/304"), nil)
	if err != nil || resp.StatusCode != 304 {
		t.Errorf("304: got %v, %v; want the response", resp, err)
	}
	if got := c.Requests.Load(); got != 7 {
		t.Errorf("Requests = %d, want 7", got)
	}
}
