// Package loopback runs the OAuth 2.0 authorization code flow for a native app through the
// system browser and a one-shot HTTP listener on 127.0.0.1 (RFC 8252), with PKCE (RFC 7636),
// a fresh state and the iss check of RFC 9207.
//
// Nothing here logs: the code, the state, the verifier and the token never leave the flow
// except as the returned token.
package loopback

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/egress"
)

// CallbackPath is the path of the redirect URI; the full URI is http://127.0.0.1:PORT/callback.
const CallbackPath = "/callback"

const (
	defaultHost    = "127.0.0.1"
	defaultTimeout = 5 * time.Minute
	// exchangeTimeout bounds the one token request; some providers' codes live only 30 s anyway.
	exchangeTimeout = 30 * time.Second
	// connTimeout and maxHeaderBytes keep an idle, slow or oversized request from holding a
	// connection while the flow waits.
	connTimeout    = 10 * time.Second
	maxHeaderBytes = 16 << 10
	stateBytes     = 32 // 256 bits
)

// wsaeaddrinuse is Windows' "address already in use"; syscall.EADDRINUSE does not match it there.
const wsaeaddrinuse = syscall.Errno(10048)

// Step is a stage of the flow, reported through Config.Progress for the connect dialog.
type Step int

const (
	// StepListening: the callback listener is bound; AuthURL and RedirectURL are valid.
	StepListening Step = iota
	// StepBrowserOpened: Config.OpenURL returned without error.
	StepBrowserOpened
	// StepBrowserFailed: Config.OpenURL failed; the user must open AuthURL by hand.
	StepBrowserFailed
	// StepCallbackReceived: the provider's answer arrived (a code or an error).
	StepCallbackReceived
	// StepCodeExchanged: the token endpoint returned a token.
	StepCodeExchanged
)

// String names the step for logs and tests.
func (s Step) String() string {
	switch s {
	case StepListening:
		return "listening"
	case StepBrowserOpened:
		return "browser opened"
	case StepBrowserFailed:
		return "browser failed"
	case StepCallbackReceived:
		return "callback received"
	case StepCodeExchanged:
		return "code exchanged"
	}
	return "step " + strconv.Itoa(int(s))
}

// Config describes one flow. Only OAuth2 is required.
type Config struct {
	// OAuth2 holds the client and the endpoints; its RedirectURL is ignored and set by the flow.
	// Set Endpoint.AuthStyle explicitly: auto-detection may send a second token request.
	OAuth2 *oauth2.Config
	// Port is the fixed callback port for providers that compare redirect URIs exactly; 0 takes
	// any free port.
	Port int
	// RedirectHost is the host of the redirect URI: "127.0.0.1" (the default) or "localhost"
	// for providers that only accept that. The listener is bound to 127.0.0.1 either way.
	RedirectHost string
	// AuthParams are the provider's extra authorization parameters (access_type=offline, ...).
	AuthParams []oauth2.AuthCodeOption
	// Provider names the provider in the errors the person sees, e.g. "access was denied at
	// Google Drive"; "" reads "the provider".
	Provider string
	// Issuer is the expected iss of the callback (RFC 9207). When set, a callback that carries
	// another iss is refused; a callback without iss is accepted, since not every server sends it.
	Issuer string
	// Timeout is how long the flow waits for the browser; 0 means 5 minutes.
	Timeout time.Duration
	// HTTPClient makes the token request; nil means egress.New().
	HTTPClient *http.Client
	// OpenURL opens the authorization URL in the system browser; nil opens nothing and the
	// caller shows AuthURL. Its error does not end the flow: the user can still copy the link.
	OpenURL func(string) error
	// Progress, if set, is told each step. It is called from Start's and Wait's goroutines.
	Progress func(Step)
	// Now is the clock for Deadline; nil means time.Now.
	Now func() time.Time
}

func (c Config) timeout() time.Duration {
	if c.Timeout <= 0 {
		return defaultTimeout
	}
	return c.Timeout
}

// Flow is one running authorization: a listener waiting for the browser's callback.
// End it with Wait or CompleteFromURL, and always Close it.
type Flow struct {
	oauth      oauth2.Config // a copy, with RedirectURL set
	httpClient *http.Client
	provider   string
	issuer     string
	progress   func(Step)

	hostPort    string // the Host the callback must carry, e.g. 127.0.0.1:51234
	redirectURL string
	authURL     string
	state       string
	verifier    string
	deadline    time.Time

	srv       *http.Server
	ln        net.Listener
	serveDone chan struct{}
	conns     sync.WaitGroup
	stopOnce  sync.Once

	mu    sync.Mutex
	timer *time.Timer
	ended bool
	res   result
	done  chan struct{} // closed when the flow stops accepting callbacks

	finishOnce sync.Once
	token      *oauth2.Token
	err        error
}

// result is how the flow ended: a code to exchange, or an error.
type result struct {
	code     string
	err      error
	callback bool // an answer came from the provider (code or error=)
}

// Start binds the callback listener on 127.0.0.1, prepares the authorization URL with PKCE and a
// fresh state, starts the deadline and opens the browser through cfg.OpenURL. A busy fixed port
// returns ErrPortBusy before the browser opens.
func Start(ctx context.Context, cfg Config) (*Flow, error) {
	if cfg.OAuth2 == nil || cfg.OAuth2.Endpoint.AuthURL == "" || cfg.OAuth2.Endpoint.TokenURL == "" {
		return nil, errors.New("start sign-in: oauth2 config with authorization and token endpoints required")
	}
	host := cfg.RedirectHost
	if host == "" {
		host = defaultHost
	}
	if host != defaultHost && host != "localhost" {
		return nil, fmt.Errorf("start sign-in: redirect host %q: want 127.0.0.1 or localhost", host)
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("start sign-in: port %d out of range", cfg.Port)
	}

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp4", net.JoinHostPort(defaultHost, strconv.Itoa(cfg.Port)))
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, wsaeaddrinuse) {
			return nil, fmt.Errorf("listen on 127.0.0.1:%d: %w", cfg.Port, ErrPortBusy)
		}
		return nil, fmt.Errorf("listen on 127.0.0.1:%d: %w", cfg.Port, err)
	}
	port := ln.Addr().(*net.TCPAddr).Port

	f, err := newFlow(cfg, host, port)
	if err != nil {
		ln.Close()
		return nil, err
	}
	f.ln = ln
	f.srv = &http.Server{
		Handler:           http.HandlerFunc(f.serveHTTP),
		ReadHeaderTimeout: connTimeout,
		ReadTimeout:       connTimeout,
		WriteTimeout:      connTimeout,
		IdleTimeout:       connTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		// The server's own complaints (bad requests, timeouts) are noise, and a log is no
		// place for anything near a callback.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	// Counting the connections lets stop wait for every one of them, so no goroutine of the
	// flow outlives Wait or Close.
	f.srv.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			f.conns.Add(1)
		case http.StateClosed, http.StateHijacked:
			f.conns.Done()
		}
	}
	f.serveDone = make(chan struct{})
	go func() {
		defer close(f.serveDone)
		_ = f.srv.Serve(ln)
	}()
	// The lock keeps the timer's own stop from reading f.timer before it is set.
	f.mu.Lock()
	f.timer = time.AfterFunc(cfg.timeout(), func() {
		f.end(result{err: ErrTimeout})
		f.stop()
	})
	f.mu.Unlock()
	f.report(StepListening)

	if cfg.OpenURL != nil {
		if err := cfg.OpenURL(f.authURL); err != nil {
			f.report(StepBrowserFailed)
		} else {
			f.report(StepBrowserOpened)
		}
	}
	return f, nil
}

// newFlow builds the flow's secrets and URLs for a listener on port; it starts nothing.
func newFlow(cfg Config, host string, port int) (*Flow, error) {
	state, err := randomState()
	if err != nil {
		return nil, err
	}
	now := time.Now
	if cfg.Now != nil {
		now = cfg.Now
	}
	f := &Flow{
		oauth:      *cfg.OAuth2,
		httpClient: cfg.HTTPClient,
		provider:   cfg.Provider,
		issuer:     cfg.Issuer,
		progress:   cfg.Progress,
		hostPort:   net.JoinHostPort(host, strconv.Itoa(port)),
		state:      state,
		verifier:   oauth2.GenerateVerifier(),
		deadline:   now().Add(cfg.timeout()),
		done:       make(chan struct{}),
	}
	f.redirectURL = "http://" + f.hostPort + CallbackPath
	f.oauth.RedirectURL = f.redirectURL
	opts := append([]oauth2.AuthCodeOption{}, cfg.AuthParams...)
	opts = append(opts, oauth2.S256ChallengeOption(f.verifier))
	f.authURL = f.oauth.AuthCodeURL(f.state, opts...)
	return f, nil
}

func randomState() (string, error) {
	b := make([]byte, stateBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// AuthURL is the address to open in the browser. It carries the state and the PKCE challenge
// and may be shown to the user (with a Copy button); it holds no secret.
func (f *Flow) AuthURL() string { return f.authURL }

// RedirectURL is the flow's redirect URI, http://127.0.0.1:PORT/callback.
func (f *Flow) RedirectURL() string { return f.redirectURL }

// Deadline is when the flow times out, for showing the time left.
func (f *Flow) Deadline() time.Time { return f.deadline }

// Wait returns after the first valid callback and the code exchange, a provider error, ctx's
// cancellation or the timeout. The listener is closed before it returns. Calling it again, or
// concurrently with CompleteFromURL, returns the same outcome; the code is exchanged once.
func (f *Flow) Wait(ctx context.Context) (*oauth2.Token, error) {
	select {
	case <-f.done:
	case <-ctx.Done():
		f.end(result{err: fmt.Errorf("%w: %w", ErrCanceled, ctx.Err())})
	}
	f.stop()
	return f.finish(ctx)
}

// CompleteFromURL ends the flow with the address the browser ended on, pasted by the user on a
// machine whose browser cannot reach this listener. It applies the callback's checks. When the
// address is not this flow's callback (ErrNotCallback) or lacks its state (ErrStateMismatch),
// it returns that error and the flow keeps waiting; otherwise it returns what Wait returns.
func (f *Flow) CompleteFromURL(ctx context.Context, pasted string) (*oauth2.Token, error) {
	u, err := url.Parse(strings.TrimSpace(pasted))
	if err != nil || u.Scheme != "http" || !strings.EqualFold(u.Host, f.hostPort) || u.Path != CallbackPath {
		return nil, ErrNotCallback
	}
	ended, err := f.deliver(u.RawQuery)
	if !ended && !errors.Is(err, errFinished) {
		return nil, err
	}
	f.stop()
	return f.finish(ctx)
}

// Close ends the flow if it is still waiting and closes the listener. It is safe to call more
// than once and after Wait.
func (f *Flow) Close() error {
	f.end(result{err: ErrCanceled})
	f.stop()
	return nil
}

// serveHTTP is the callback handler. Only GET /callback with the redirect URI's Host and this
// flow's state ends the flow; anything else gets a static refusal and the flow keeps waiting.
func (f *Flow) serveHTTP(w http.ResponseWriter, r *http.Request) {
	// The Host check stops DNS rebinding: a web page that points its own name at 127.0.0.1
	// reaches this port, but with its name in Host.
	if !strings.EqualFold(r.Host, f.hostPort) {
		writeText(w, http.StatusBadRequest, badRequestText)
		return
	}
	if r.URL.Path != CallbackPath {
		writeText(w, http.StatusNotFound, notFoundText)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeText(w, http.StatusMethodNotAllowed, methodText)
		return
	}
	ended, err := f.deliver(r.URL.RawQuery)
	switch {
	case ended && err == nil:
		writeHTML(w, http.StatusOK, successPage)
	case ended:
		writeHTML(w, http.StatusBadRequest, failurePage)
	case errors.Is(err, errFinished):
		writeText(w, http.StatusGone, finishedText)
	default:
		writeText(w, http.StatusBadRequest, badRequestText)
	}
}

// deliver checks a callback's query. With this flow's state it ends the flow (ended is true)
// with the code, or with the provider's error or an issuer mismatch as err. Otherwise the flow
// keeps waiting and err says why the query was refused.
func (f *Flow) deliver(rawQuery string) (ended bool, err error) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return false, ErrNotCallback
	}
	if s := q["state"]; len(s) != 1 || subtle.ConstantTimeCompare([]byte(s[0]), []byte(f.state)) != 1 {
		return false, ErrStateMismatch
	}
	for _, k := range []string{"code", "error", "error_description", "error_uri", "iss"} {
		if len(q[k]) > 1 { // RFC 6749 section 3.1: no parameter more than once
			return false, ErrNotCallback
		}
	}

	res := result{callback: true}
	switch {
	case q.Has("iss") && f.issuer != "" && q.Get("iss") != f.issuer:
		res.err = ErrIssuerMismatch
	case q.Get("error") != "":
		res.err = &ProviderError{Provider: f.provider, Code: q.Get("error"), Description: q.Get("error_description"), URI: q.Get("error_uri")}
	case q.Get("code") != "":
		res.code = q.Get("code")
	default:
		return false, ErrNotCallback
	}
	if !f.end(res) {
		return false, errFinished
	}
	return true, res.err
}

// end records how the flow ended and stops it accepting callbacks; only the first call counts.
func (f *Flow) end(res result) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended {
		return false
	}
	f.ended, f.res = true, res
	close(f.done)
	return true
}

// stop closes the listener and every connection, and waits for the server and the
// connections' goroutines to finish.
func (f *Flow) stop() {
	f.stopOnce.Do(func() {
		f.mu.Lock()
		if f.timer != nil {
			f.timer.Stop()
		}
		f.mu.Unlock()
		if f.srv != nil {
			_ = f.srv.Close()
			<-f.serveDone
			f.conns.Wait()
		}
	})
}

// finish exchanges the code once the flow has ended; every caller gets the same outcome.
func (f *Flow) finish(ctx context.Context) (*oauth2.Token, error) {
	f.finishOnce.Do(func() {
		f.mu.Lock()
		res := f.res
		f.res.code = "" // the code is used once and not kept
		f.mu.Unlock()

		if res.callback {
			f.report(StepCallbackReceived)
		}
		if res.err != nil {
			f.err = res.err
			return
		}
		f.token, f.err = f.exchange(ctx, res.code)
		if f.err == nil {
			f.report(StepCodeExchanged)
		}
	})
	return f.token, f.err
}

// exchange trades the code for a token with the verifier and the same redirect URI.
func (f *Flow) exchange(ctx context.Context, code string) (*oauth2.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCanceled, err)
	}
	xctx, cancel := context.WithTimeout(ctx, exchangeTimeout)
	defer cancel()
	xctx = context.WithValue(xctx, oauth2.HTTPClient, cmp.Or(f.httpClient, egress.New()))
	tok, err := f.oauth.Exchange(xctx, code, oauth2.VerifierOption(f.verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		switch {
		case errors.As(err, &re):
			return nil, fmt.Errorf("exchange code: %w", newExchangeError(re))
		case ctx.Err() != nil:
			return nil, fmt.Errorf("%w: %w", ErrCanceled, ctx.Err())
		}
		return nil, fmt.Errorf("exchange code: %w", err)
	}
	if err := egress.CheckBearer(tok); err != nil {
		return nil, fmt.Errorf("exchange code: %w", err)
	}
	return tok, nil
}

func (f *Flow) report(s Step) {
	if f.progress != nil {
		f.progress(s)
	}
}
