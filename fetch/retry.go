package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"
)

// classify says whether err, which ended an attempt, is worth another attempt. ctx is the
// range's context: once it is done, the run is over and its error is what counts.
func classify(ctx context.Context, wd *watchdog, cause error) (retry bool, err error) {
	if cerr := ctx.Err(); cerr != nil {
		return false, cerr
	}
	if wd.fired() {
		return true, wd.err()
	}
	return retryable(cause), cause
}

// retryable reports whether err is worth another attempt: the error's own say when it has one,
// else yes for network trouble and bodies that end early, no for anything else.
func retryable(err error) bool {
	var r Retryable
	if errors.As(err, &r) {
		return r.Retryable()
	}
	switch {
	case errors.Is(err, context.Canceled):
		// Not our context (classify checked that): someone chose to stop this request.
		return false
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, ErrStalled):
		return true
	case permanentNetError(err):
		return false
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// permanentNetError reports network errors that come back the same on every attempt: a
// certificate that does not verify, a host name that does not exist, a server that does not
// speak TLS. *url.Error is a net.Error whatever it wraps, so without this they would be retried
// with backoff for minutes.
func permanentNetError(err error) bool {
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var badHost x509.HostnameError
	var invalid x509.CertificateInvalidError
	var record tls.RecordHeaderError
	var dnsErr *net.DNSError
	return errors.As(err, &certErr) || errors.As(err, &unknownCA) || errors.As(err, &badHost) ||
		errors.As(err, &invalid) || errors.As(err, &record) || errors.As(err, &dnsErr) && dnsErr.IsNotFound ||
		// net/http says this in an error of no type of its own.
		strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}

// jitter draws backoff delays from one source shared by the workers of a run.
type jitter struct {
	mu  sync.Mutex
	rnd *rand.Rand
}

// backoff is the delay before retry number attempt (from 1): uniform in [0, cap] where cap
// doubles from base with each retry up to max ("full jitter", so that workers that failed
// together do not come back together).
func (j *jitter) backoff(attempt int, base, max time.Duration) time.Duration {
	c := backoffCap(attempt, base, max)
	j.mu.Lock()
	defer j.mu.Unlock()
	return time.Duration(j.rnd.Int64N(int64(c) + 1))
}

// backoffCap is min(max, base*2^(attempt-1)), without overflowing.
func backoffCap(attempt int, base, max time.Duration) time.Duration {
	c := base
	for i := 1; i < attempt && c < max; i++ {
		c *= 2
	}
	if c > max || c <= 0 {
		return max
	}
	return c
}

// sleep waits d or until ctx ends, whichever is first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
