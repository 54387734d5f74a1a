package s3http

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

// TransportOptions shape the shared transport.
type TransportOptions struct {
	// CABundle is a PEM file of extra root certificates (--ca-bundle or AWS_CA_BUNDLE).
	CABundle string
	// MaxConnsPerHost sizes the idle pool; set it to at least the download concurrency.
	MaxConnsPerHost int
}

// Idle pool floors: enough for the default download concurrency per host, and for a few
// hosts (a region redirect, a proxy) in total.
const (
	minIdlePerHost = 16
	minIdleTotal   = 100
)

// NewTransport returns the one transport pget uses: keep-alive, no transparent gzip, idle
// connections per host >= MaxConnsPerHost, system roots plus CABundle, proxies from the
// environment.
//
// It speaks HTTP/1.1 only. Over HTTP/2 every range of a parallel download would share one TCP
// connection, and so one congestion window and one loss-recovery stream; with HTTP/1.1 each
// range gets its own connection, which is what spreads a download over many flows and is how
// S3 itself scales throughput. Active connections are not capped here: the download pool
// bounds concurrency.
//
// There is no response-header timeout: a stalled request is fetch's to detect and cancel,
// with a limit the user chose.
func NewTransport(o TransportOptions) (*http.Transport, error) {
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.CABundle != "" {
		pool, err := loadCABundle(o.CABundle)
		if err != nil {
			return nil, err
		}
		tlsConf.RootCAs = pool
	}
	perHost := max(o.MaxConnsPerHost, minIdlePerHost)
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   10 * time.Second,
		DisableCompression:    true, // the bytes and Content-Length must be the object's own
		MaxIdleConns:          max(perHost, minIdleTotal),
		MaxIdleConnsPerHost:   perHost,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 0,
		ExpectContinueTimeout: 1 * time.Second,
		ForceAttemptHTTP2:     false,
		Protocols:             protocols,
	}, nil
}

// loadCABundle returns the system roots plus the certificates in the PEM file at path.
func loadCABundle(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read CA bundle: %w; check the --ca-bundle or AWS_CA_BUNDLE path", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA bundle %s holds no PEM certificates; give a file of -----BEGIN CERTIFICATE----- blocks", path)
	}
	return pool, nil
}

// DrainClose reads what is left of body (up to 256 KiB) and closes it. net/http reuses a
// keep-alive connection only once its body was read to the end; a short remainder is cheaper
// to read than a new TCP and TLS handshake, a long one is not worth waiting for.
func DrainClose(body io.ReadCloser) {
	if body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 256<<10))
	_ = body.Close()
}
