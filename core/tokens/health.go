package tokens

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/store"
)

// Retries of a provider call that answered 429 or 5xx.
const (
	// MaxAttempts bounds the calls made for one refresh or revocation.
	MaxAttempts = 3
	// MaxRetryAfter is the longest Retry-After honoured; a provider that asks for more is
	// reported at once rather than waited for.
	MaxRetryAfter = 2 * time.Minute
)

// statusError is a provider's non-2xx answer to a call other than the token endpoint's.
type statusError struct {
	resp        *http.Response
	code, descr string
}

func (e *statusError) Error() string {
	s := "provider answered " + e.resp.Status
	if e.code != "" {
		s += ": " + e.code
	}
	if e.descr != "" {
		s += ": " + e.descr
	}
	return s
}

// retrieveError is an *oauth2.RetrieveError whose message leaves out the response body:
// an error page without an RFC 6749 error code (a proxy's, a firewall's) may echo the
// request, refresh token and client secret included, and the message reaches the activity
// log, the log and the person. errors.As still finds the *oauth2.RetrieveError.
type retrieveError struct{ re *oauth2.RetrieveError }

func (e *retrieveError) Error() string {
	s := "oauth2: token endpoint answered"
	if e.re.Response != nil {
		s += " " + e.re.Response.Status
	}
	if e.re.ErrorCode != "" {
		s += fmt.Sprintf(": %q", e.re.ErrorCode)
	}
	if e.re.ErrorDescription != "" {
		s += fmt.Sprintf(" %q", e.re.ErrorDescription)
	}
	return s
}

func (e *retrieveError) Unwrap() error { return e.re }

// hideBody returns err with an *oauth2.RetrieveError in it replaced by a *retrieveError.
func hideBody(err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return err
	}
	return &retrieveError{re: re}
}

// response returns the HTTP response of a provider's error answer, or nil.
func response(err error) *http.Response {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.Response
	}
	var se *statusError
	if errors.As(err, &se) {
		return se.resp
	}
	return nil
}

// retry runs call up to MaxAttempts times while it fails with 429 or 5xx, waiting between
// attempts as long as the provider's Retry-After says, else 1 s, 2 s, ….
func (m *Manager) retry(ctx context.Context, call func() error) error {
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil {
			return nil
		}
		resp := response(err)
		if resp == nil || attempt == MaxAttempts ||
			(resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500) {
			return err
		}
		wait := time.Duration(attempt) * time.Second
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), m.now()); ok {
			wait = d
		}
		if wait > MaxRetryAfter {
			return fmt.Errorf("%w (asked to retry after %s)", err, wait)
		}
		if err := m.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date relative to now.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}

// classify turns a failed provider call into the source's status, a detail for people and
// one of the package's sentinels.
func classify(err error, endpoint string) (status, detail string, sentinel error) {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.ErrorCode == "invalid_grant" {
		detail := re.ErrorDescription
		if detail == "" {
			detail = "the provider no longer accepts the refresh token (invalid_grant)"
		}
		return store.StatusNeedsReconnect, detail, ErrNeedsReconnect
	}
	if Unreachable(err) {
		host := endpoint
		if u, perr := url.Parse(endpoint); perr == nil && u.Host != "" {
			host = u.Host
		}
		return store.StatusOffline, "cannot reach " + host, ErrOffline
	}
	if resp := response(err); resp != nil {
		detail := "the provider answered " + resp.Status
		code, descr := errorCode(err)
		if code != "" {
			detail += ": " + code
		}
		if descr != "" {
			detail += ": " + descr
		}
		return store.StatusError, detail, ErrProvider
	}
	return store.StatusError, err.Error(), ErrProvider
}

// errorCode returns the RFC 6749 error code and description of a provider's answer.
func errorCode(err error) (code, description string) {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode, re.ErrorDescription
	}
	var se *statusError
	if errors.As(err, &se) {
		return se.code, se.descr
	}
	return "", ""
}

// Unreachable reports whether err means a server could not be reached at all: no route, no
// DNS answer, connection refused or reset, no answer in time. A certificate that does not
// verify is not unreachable: it is reported as an error.
func Unreachable(err error) bool {
	var cert *tls.CertificateVerificationError
	if errors.As(err, &cert) {
		return false
	}
	var op *net.OpError
	var dns *net.DNSError
	var ue *url.Error
	switch {
	case errors.As(err, &op), errors.As(err, &dns):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true // the connection closed before an answer
	case errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &ue) && ue.Timeout():
		return true
	}
	return false
}
