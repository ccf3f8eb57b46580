// Package loopback runs the OAuth 2.0 authorization code flow for a native app through the
// system browser and a one-shot HTTP listener on 127.0.0.1, and on ::1 as well where the
// redirect URI says localhost (RFC 8252), with PKCE (RFC 7636), a fresh state and the iss check
// of RFC 9207.
//
// Nothing here logs: the code, the state, the verifier and the token never leave the flow
// except as the returned token.
package loopback

import (
	"cmp"
	"context"
	"crypto/rand"
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

// Step is a stage of a browser sign-in, the one list of them: the flow reports the stages of
// its listener and its token request through Config.Progress, and core, which re-exports the
// type as core.FlowStep, reports the others (the browser, pasted addresses, the account, the
// end) to the front ends.
type Step int

// The stages, in the order they happen. StepBrowserFailed and StepPasteRefused do not end the
// sign-in; StepAccountIdentified and StepFailed do.
const (
	// StepListening: the callback listener is bound; AuthURL and RedirectURL are valid.
	StepListening Step = iota
	// StepBrowserOpened: the browser was asked to open AuthURL (core's step, as the browser
	// is core's to open).
	StepBrowserOpened
	// StepBrowserFailed: no browser opened; the user must open AuthURL by hand.
	StepBrowserFailed
	// StepPasteRefused: a pasted address is not this sign-in's callback; another is asked for.
	StepPasteRefused
	// StepCallbackReceived: the provider's answer arrived (a code or an error).
	StepCallbackReceived
	// StepCodeExchanged: the token endpoint returned a token.
	StepCodeExchanged
	// StepAccountIdentified: the provider said which account signed in (core's step).
	StepAccountIdentified
	// StepFailed: the sign-in ended without a token (core's step).
	StepFailed
	// StepIPv6Unavailable: the redirect host is localhost but this machine has no IPv6, so
	// only 127.0.0.1 is held. Reported once, before StepListening.
	StepIPv6Unavailable
)

// stepNames names the steps for logs, tests and the test report.
var stepNames = map[Step]string{
	StepListening:         "listening",
	StepBrowserOpened:     "browser opened",
	StepBrowserFailed:     "browser failed",
	StepPasteRefused:      "paste refused",
	StepCallbackReceived:  "callback received",
	StepCodeExchanged:     "code exchanged",
	StepAccountIdentified: "account identified",
	StepFailed:            "failed",
	StepIPv6Unavailable:   "no IPv6 loopback",
}

// String names the step for logs and tests.
func (s Step) String() string {
	if name, ok := stepNames[s]; ok {
		return name
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
	// for providers that only accept that. The listener is bound to 127.0.0.1 either way, and
	// for localhost to ::1 on the same port as well, since a browser may send it there.
	RedirectHost string
	// AuthParams are the provider's extra authorization parameters (access_type=offline, ...).
	AuthParams []oauth2.AuthCodeOption
	// Provider names the provider in the errors the person sees, e.g. "access was denied at
	// Google Drive"; "" reads "the provider".
	Provider string
	// Issuer is the expected iss of the callback (RFC 9207). When set, a callback that carries
	// another iss is refused; a callback without iss is accepted unless RequireIssuer is set,
	// since not every server sends it.
	Issuer string
	// RequireIssuer refuses a callback without iss, for a provider whose discovery document
	// says it sends one (authorization_response_iss_parameter_supported, RFC 9207 section 2.4).
	// It needs Issuer.
	RequireIssuer bool
	// Timeout is how long the flow waits for the browser; 0 means 5 minutes.
	Timeout time.Duration
	// HTTPClient makes the token request; nil means egress.New(egress.Config{}).
	HTTPClient *http.Client
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
	requireIss bool
	progress   func(Step)

	hostPort    string // the Host the callback must carry, e.g. 127.0.0.1:51234
	redirectURL string
	authURL     string
	startKey    string // the one-time key of StartURL
	state       string
	verifier    string
	deadline    time.Time

	srv      *http.Server
	ln       net.Listener // on 127.0.0.1
	ln6      net.Listener // on ::1 where the redirect host is localhost and IPv6 exists; else nil
	serving  sync.WaitGroup
	conns    sync.WaitGroup
	stopOnce sync.Once

	mu      sync.Mutex
	started bool // StartURL has been visited
	timer   *time.Timer
	ended   bool // the flow's outcome is decided: it accepts no other callback
	res     result
	done    chan struct{} // closed once the outcome is decided and its page, if any, is sent

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

// Start binds the callback listener on 127.0.0.1 (and on ::1 where the redirect host is
// localhost), prepares the authorization URL with PKCE and a fresh state and starts the
// deadline. It opens no browser: the caller (core, the one place that does) opens AuthURL once
// Start has returned, so a port that another program holds (ErrPortBusy) fails before any
// browser opens.
func Start(ctx context.Context, cfg Config) (*Flow, error) {
	host, err := cfg.redirectHost()
	if err != nil {
		return nil, err
	}
	lns, err := listen(ctx, cfg, host)
	if err != nil {
		return nil, err
	}
	f, err := newFlow(cfg, host, lns.port())
	if err != nil {
		lns.close()
		return nil, err
	}
	f.serve(lns)
	// The lock keeps the timer's own stop from reading f.timer before it is set.
	f.mu.Lock()
	f.timer = time.AfterFunc(cfg.timeout(), func() {
		f.end(result{err: ErrTimeout})
		f.stop()
	})
	f.mu.Unlock()
	if lns.noIPv6 {
		f.report(StepIPv6Unavailable)
	}
	f.report(StepListening)
	return f, nil
}

// redirectHost checks the configuration and returns the redirect URI's host.
func (c Config) redirectHost() (string, error) {
	if c.OAuth2 == nil || c.OAuth2.Endpoint.AuthURL == "" || c.OAuth2.Endpoint.TokenURL == "" {
		return "", errors.New("start sign-in: oauth2 config with authorization and token endpoints required")
	}
	host := c.RedirectHost
	if host == "" {
		host = defaultHost
	}
	if host != defaultHost && host != "localhost" {
		return "", fmt.Errorf("start sign-in: redirect host %q: want 127.0.0.1 or localhost", host)
	}
	if c.Port < 0 || c.Port > 65535 {
		return "", fmt.Errorf("start sign-in: port %d out of range", c.Port)
	}
	if c.RequireIssuer && c.Issuer == "" {
		return "", errors.New("start sign-in: an issuer is required to check the callback's iss")
	}
	return host, nil
}

// serve answers callbacks on every listener with one server, so both addresses get the same
// checks and close together.
func (f *Flow) serve(lns listeners) {
	f.ln, f.ln6 = lns.v4, lns.v6
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
	for _, ln := range lns.all() {
		f.serving.Add(1)
		go func() {
			defer f.serving.Done()
			_ = f.srv.Serve(ln)
		}()
	}
}

// newFlow builds the flow's secrets and URLs for a listener on port; it starts nothing.
func newFlow(cfg Config, host string, port int) (*Flow, error) {
	state, err := randomState()
	if err != nil {
		return nil, err
	}
	startKey, err := randomState()
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
		requireIss: cfg.RequireIssuer,
		progress:   cfg.Progress,
		hostPort:   net.JoinHostPort(host, strconv.Itoa(port)),
		state:      state,
		startKey:   startKey,
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

// end decides the flow's outcome and releases it at once; only the first call counts.
func (f *Flow) end(res result) bool {
	if !f.claim(res) {
		return false
	}
	f.release()
	return true
}

// claim records res as the flow's outcome unless another one was recorded first; from then on
// the flow accepts no callback. The caller that claimed must call release.
func (f *Flow) claim(res result) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended {
		return false
	}
	f.ended, f.res = true, res
	return true
}

// release lets Wait and stop go on with the claimed outcome.
func (f *Flow) release() { close(f.done) }

// stop closes the listeners and every connection, and waits for the server and the
// connections' goroutines to finish. Every caller has ended the flow first, so done is
// closed, or is about to be once the handler that claimed the outcome has sent its page.
func (f *Flow) stop() {
	f.stopOnce.Do(func() {
		f.mu.Lock()
		if f.timer != nil {
			f.timer.Stop()
		}
		f.mu.Unlock()
		<-f.done
		if f.srv != nil {
			_ = f.srv.Close()
			f.serving.Wait()
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
	xctx = context.WithValue(xctx, oauth2.HTTPClient, cmp.Or(f.httpClient, egress.New(egress.Config{})))
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
