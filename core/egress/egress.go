// Package egress is how core talks to providers: the one HTTP client that every call to a
// provider goes through (token exchange, refresh, revocation, discovery, who-am-I), and the
// check that a token a provider issues is one the app can use.
//
// A provider endpoint is not trusted to behave. The client follows no redirect: a token
// endpoint that answers 307 would have the client secret, the code and the PKCE verifier
// posted again to wherever it points, and x/oauth2's transport adds the bearer token to
// every request it sends, redirected ones included. Every call is bounded: connect, TLS
// handshake, response headers and the whole request each have a timeout, and an answer
// larger than the client accepts fails with ErrTooLarge instead of filling memory.
package egress

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Limits of the client New returns, unless its Config changes them.
const (
	// ConnectTimeout bounds opening a TCP connection to a provider.
	ConnectTimeout = 10 * time.Second
	// HandshakeTimeout bounds the TLS handshake, and ResponseHeaderTimeout the wait for the
	// answer's headers once the request is sent: a server that accepts and stays silent.
	HandshakeTimeout      = 10 * time.Second
	ResponseHeaderTimeout = 20 * time.Second
	// RequestTimeout bounds a whole call, reading the answer included.
	RequestTimeout = 30 * time.Second
	// MaxBody is the largest answer read from a provider: discovery documents, token and
	// who-am-I answers are a few kilobytes. It stays below the 1 MiB that x/oauth2 reads of
	// a token answer, so that a larger one fails here with ErrTooLarge instead of being cut
	// there and failing as JSON that does not parse.
	MaxBody = 512 << 10
	// maxHeader bounds the answer's headers.
	maxHeader = 64 << 10
)

var (
	// ErrRedirect means a provider answered with a redirect, which the client never follows.
	ErrRedirect = errors.New("the provider answered with a redirect, which the app does not follow; " +
		"enter the address the provider documents for this endpoint")
	// ErrTooLarge means a provider's answer was larger than the client accepts.
	ErrTooLarge = errors.New("the provider's answer is larger than the app accepts")
)

// Config changes the client New returns. The zero Config is the client for providers, with
// every limit above; a zero field keeps its default.
type Config struct {
	// Transport sends the requests instead of the client's own bounded transport; the
	// redirect refusal, the size limit and the request timeout still apply. Tests point it at
	// a test server.
	Transport http.RoundTripper
	// Timeout bounds a whole call; zero means RequestTimeout.
	Timeout time.Duration
	// MaxBody is the largest answer read, in bytes; zero means MaxBody.
	MaxBody int64
}

// New returns the client for calls to providers. Make each request with the caller's
// context (http.NewRequestWithContext, or x/oauth2's oauth2.HTTPClient context value): a
// cancel or deadline ends the call at once.
func New(cfg Config) *http.Client {
	if cfg.Timeout == 0 {
		cfg.Timeout = RequestTimeout
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = MaxBody
	}
	if cfg.Transport == nil {
		cfg.Transport = transport()
	}
	return &http.Client{
		Transport:     limited{next: cfg.Transport, max: cfg.MaxBody},
		CheckRedirect: refuseRedirect,
		Timeout:       cfg.Timeout,
	}
}

// transport is http.DefaultTransport's set-up with every wait bounded.
func transport() *http.Transport {
	d := &net.Dialer{Timeout: ConnectTimeout, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            d.DialContext,
		ForceAttemptHTTP2:      true,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    HandshakeTimeout,
		ResponseHeaderTimeout:  ResponseHeaderTimeout,
		ExpectContinueTimeout:  time.Second,
		IdleConnTimeout:        90 * time.Second,
		MaxIdleConns:           16,
		MaxResponseHeaderBytes: maxHeader,
	}
}

// refuseRedirect is the client's CheckRedirect: via[0] is the request made, req the one the
// provider asked for. Neither URL's query goes into the error: it may carry a code.
func refuseRedirect(req *http.Request, via []*http.Request) error {
	return fmt.Errorf("%s redirected to %s: %w", endpoint(via[0].URL), req.URL.Host, ErrRedirect)
}

// endpoint is u without its query, fragment and user information.
func endpoint(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}

// limited is a RoundTripper whose answers fail with ErrTooLarge past max bytes.
type limited struct {
	next http.RoundTripper
	max  int64
}

func (l limited) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	tooLarge := fmt.Errorf("answer of %s is larger than %d bytes: %w", endpoint(req.URL), l.max, ErrTooLarge)
	if resp.ContentLength > l.max {
		resp.Body.Close()
		return nil, tooLarge
	}
	resp.Body = &limitedBody{ReadCloser: resp.Body, left: l.max, tooLarge: tooLarge}
	return resp, nil
}

// limitedBody reads at most left bytes more, then fails with tooLarge if there is more.
type limitedBody struct {
	io.ReadCloser
	left     int64
	tooLarge error
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1] // one byte past the limit tells a body of exactly max from a longer one
	}
	n, err := b.ReadCloser.Read(p)
	if int64(n) > b.left {
		n = int(b.left)
		b.left = 0
		return n, b.tooLarge
	}
	b.left -= int64(n)
	return n, err
}
