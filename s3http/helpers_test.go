package s3http

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/pget/pget/endpoint"
)

// directLoc is a Location for a URL on srv, fetched as given (unsigned). Tests use it because
// it needs nothing from the endpoint and sigv4 packages.
func directLoc(t *testing.T, srv *httptest.Server, pathAndQuery string) endpoint.Location {
	t.Helper()
	u, err := url.Parse(srv.URL + pathAndQuery)
	if err != nil {
		t.Fatal(err)
	}
	return endpoint.Location{Direct: u}
}

// s3Loc is a Location for bucket "b", key "k" on srv, path style: signed when the client has
// credentials, and always treated as S3 (HEAD is a real HEAD).
func s3Loc(t *testing.T, srv *httptest.Server) endpoint.Location {
	t.Helper()
	ep, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return endpoint.Location{Bucket: "b", Key: "k", Endpoint: ep, PathStyle: true}
}

// newClient is a Client on srv's HTTP client that logs to the returned buffer.
func newClient(srv *httptest.Server) (*Client, *bytes.Buffer) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return &Client{HTTP: srv.Client(), Log: log}, &buf
}

// s3Error writes an S3 XML error answer.
func s3Error(w http.ResponseWriter, status int, code, msg, requestID, region string) {
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Amz-Request-Id", requestID)
	w.WriteHeader(status)
	body := `<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error><Code>" + code + "</Code><Message>" + msg +
		"</Message><RequestId>" + requestID + "</RequestId>"
	if region != "" {
		body += "<Region>" + region + "</Region>"
	}
	body += "<HostId>h0st</HostId></Error>"
	_, _ = w.Write([]byte(body))
}
