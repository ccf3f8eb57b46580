package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/loopback"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/tokens"
	"github.com/medialake/connect/core/vault"
)

// ErrIntegrationDisabled means the integration exists but an administrator has not enabled
// it, so nobody can connect through it.
var ErrIntegrationDisabled = errors.New("the integration is disabled")

// ErrAccessNotGranted means the person signed in but withheld the access to files at the
// consent screen; an *AccessNotGrantedError says which.
var ErrAccessNotGranted = errors.New("the access to files was not granted")

// AccessNotGrantedError is a sign-in whose grant lacks the storage scopes the integration
// asked for (a person unticked Drive at Google's consent screen): without them every call
// to the files would fail, so no source is saved or changed.
type AccessNotGrantedError struct {
	// Access is what people call it: "Drive".
	Access string
	// Scopes are the scopes asked for and not granted.
	Scopes []string
}

func (e *AccessNotGrantedError) Error() string {
	return e.Access + " access was not granted (missing scopes: " + strings.Join(e.Scopes, " ") + ")"
}

// Is makes errors.Is(err, ErrAccessNotGranted) true.
func (e *AccessNotGrantedError) Is(target error) bool { return target == ErrAccessNotGranted }

// FlowStep is a stage of the browser sign-in that connects an account: loopback's one list
// of steps, re-exported so that the front ends need only core.
type FlowStep = loopback.Step

// The stages of a sign-in, in the order they happen. FlowBrowserFailed and FlowPasteRefused
// do not end the flow; FlowAccountIdentified and FlowFailed do.
const (
	// FlowListening: the callback listener is up; the event carries AuthURL and Deadline.
	FlowListening = loopback.StepListening
	// FlowBrowserOpened: the browser was asked to open AuthURL.
	FlowBrowserOpened = loopback.StepBrowserOpened
	// FlowBrowserFailed: no browser opened (Err says why); the person opens AuthURL by hand.
	FlowBrowserFailed = loopback.StepBrowserFailed
	// FlowPasteRefused: a pasted address is not this sign-in's callback (Err says why); the
	// flow asks for another.
	FlowPasteRefused = loopback.StepPasteRefused
	// FlowCallbackReceived: the provider's answer reached the listener.
	FlowCallbackReceived = loopback.StepCallbackReceived
	// FlowCodeExchanged: the provider issued a token.
	FlowCodeExchanged = loopback.StepCodeExchanged
	// FlowAccountIdentified: the provider said which account signed in (Account).
	FlowAccountIdentified = loopback.StepAccountIdentified
	// FlowFailed: the sign-in ended without a token; Err says why.
	FlowFailed = loopback.StepFailed
)

// FlowEvent reports a step of the sign-in. AuthURL carries the state and the PKCE challenge:
// no secret, fine to show and copy, but never log it.
type FlowEvent struct {
	Step     FlowStep
	At       time.Time
	AuthURL  string
	Deadline time.Time
	// Account labels the account, from FlowAccountIdentified on.
	Account string
	// Err says what went wrong, for FlowBrowserFailed, FlowPasteRefused and FlowFailed.
	Err error
}

// FlowHooks are the UI's part of a sign-in. All fields are optional.
type FlowHooks struct {
	// OpenURL opens the system browser: the one way a front end gives core its browser, so
	// that the GUI can run it on its UI goroutine. nil opens none (FlowBrowserFailed).
	OpenURL func(string) error
	// Progress is told each step. It is called from the flow's goroutines, one call at a time.
	Progress func(FlowEvent)
	// NoBrowser opens no browser: the caller shows AuthURL from the FlowListening event.
	NoBrowser bool
	// PastedURL, if set, is asked for the address the browser ended on, for a browser that
	// cannot reach this computer's listener (the command line's --no-browser). It is asked
	// again after a FlowPasteRefused event. It must return when its ctx ends; an error from
	// it stops the asking, while the listener keeps waiting until the deadline.
	PastedURL func(ctx context.Context) (string, error)
	// Timeout is how long the sign-in waits for the browser, which sets the Deadline of the
	// events; 0 means 5 minutes.
	Timeout time.Duration
}

// integration is an integration ready for a sign-in: its row, its provider resolved with the
// row's settings, and the client secret read from the keychain where its client type may
// send one.
type integration struct {
	row       store.Integration
	base      catalog.Provider // as the catalog has it
	provider  catalog.Provider // resolved: tenant, discovered or typed endpoints, scopes
	settings  catalog.Settings
	discovery *catalog.Discovery
}

// resolveRow reads what a sign-in with a saved row needs: the client secret (a keychain
// read, skipped for a client type that must send none, such as Microsoft's public client,
// whatever the keychain holds) and, for Custom OpenID Connect, the provider's discovery
// document (a network call). A use-case that checked the row signs in with that very row.
func (a *App) resolveRow(ctx context.Context, row store.Integration) (integration, error) {
	base, err := catalog.Lookup(catalog.ID(row.Provider))
	if err != nil {
		return integration{}, fmt.Errorf("integration %s: %w", row.Name, err)
	}
	in := integration{row: row, base: base, settings: rowSettings(base, row)}
	if base.SecretFor(in.settings.ClientType) != catalog.SecretForbidden {
		sec, err := a.keychain.Get(ctx, vault.IntegrationSecretKey(row.ID))
		switch {
		case errors.Is(err, vault.ErrNotFound):
			// A public client; Resolve refuses it where the provider requires a secret.
		case err != nil:
			return integration{}, fmt.Errorf("client secret of %s: %w", row.Name, err)
		default:
			in.settings.ClientSecret = sec
		}
	}
	if h, ok := a.host(base.ID); ok {
		if in.settings.Issuer, err = h.issuer(ctx); err != nil {
			return integration{}, fmt.Errorf("integration %s: %w", row.Name, err)
		}
	}
	if base.ID == catalog.OIDC {
		d, err := catalog.Discover(ctx, a.httpClient, in.settings.Issuer)
		if err != nil {
			return integration{}, fmt.Errorf("integration %s: %w", row.Name, err)
		}
		in.discovery = &d
	}
	if in.provider, err = catalog.Resolve(base, in.settings, in.discovery); err != nil {
		return integration{}, fmt.Errorf("integration %s: %w", row.Name, err)
	}
	return in, nil
}

// config is the integration's x/oauth2 configuration for redirectURL ("" to refresh or
// revoke) and the provider's extra authorization parameters, from the provider that
// resolveRow resolved: a flow resolves its integration once.
func (in integration) config(redirectURL string) (*oauth2.Config, []oauth2.AuthCodeOption) {
	return in.provider.OAuth2(in.settings, redirectURL)
}

// displayName names the provider for people: the preset's name (Google Drive), or for a
// custom integration the name the administrator gave it, which says more than "Custom
// OpenID Connect".
func (in integration) displayName() string {
	if in.base.ID == catalog.OIDC || in.base.ID == catalog.OAuth2 {
		return in.row.Name
	}
	return in.provider.Name
}

// lifecycle is the integration as core/tokens needs it to refresh and revoke.
func (in integration) lifecycle() tokens.Integration {
	cfg, _ := in.config("")
	kind := tokens.RevokeNone
	switch in.provider.Revocation.Kind {
	case catalog.RevokeRFC7009:
		kind = tokens.RevokeRFC7009
	case catalog.RevokeBearer:
		kind = tokens.RevokeBearer
	}
	return tokens.Integration{
		Config:       cfg,
		IdleLifetime: in.provider.RefreshIdle,
		Revocation:   tokens.Revocation{Kind: kind, URL: in.provider.Revocation.URL},
	}
}

// flowResult is what a sign-in yields: the token, the account it belongs to and the scopes
// granted.
type flowResult struct {
	token   *oauth2.Token
	account catalog.Account
	scopes  []string
}

// runFlow signs in at the integration's provider through the browser (RFC 8252 loopback
// redirect, PKCE) and identifies the account. It saves nothing. Errors name the provider.
func (a *App) runFlow(ctx context.Context, in integration, hooks FlowHooks) (flowResult, error) {
	ev := &flowEvents{now: a.now, progress: hooks.Progress}
	fail := func(err error) (flowResult, error) {
		err = fmt.Errorf("sign in at %s: %w", in.displayName(), err)
		ev.emit(FlowEvent{Step: FlowFailed, Err: err})
		return flowResult{}, err
	}
	cfg, extra := in.config("")
	f, err := loopback.Start(ctx, a.loopbackConfig(in, cfg, extra, hooks.Timeout, ev.emit))
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	if h, ok := a.host(in.base.ID); ok {
		if err := h.begin(ctx, f.AuthURL()); err != nil {
			return fail(err)
		}
		defer h.end(f.AuthURL())
	}
	ev.listening(f.AuthURL(), f.Deadline())
	if !hooks.NoBrowser {
		// The browser gets the start address: its arguments are readable by other users.
		openBrowser(hooks.OpenURL, f.StartURL(), ev.emit)
	}
	if hooks.PastedURL != nil {
		stop := readPastes(ctx, f, hooks.PastedURL, ev.emit)
		defer stop()
	}
	tok, err := f.Wait(ctx)
	if err != nil {
		return fail(err)
	}
	scopes := cfg.Scopes
	if granted, _ := tok.Extra("scope").(string); granted != "" {
		scopes = strings.Fields(granted)
	}
	if missing := in.provider.MissingStorage(cfg.Scopes, scopes); len(missing) > 0 {
		a.dropToken(ctx, in, tok)
		return fail(&AccessNotGrantedError{Access: in.provider.Storage.Name, Scopes: missing})
	}
	account, err := a.identify(ctx, tok, in.provider.WhoAmI)
	if err != nil {
		a.dropToken(ctx, in, tok)
		return fail(fmt.Errorf("the provider issued a token, but the account that signed in is unknown: %w", err))
	}
	ev.emit(FlowEvent{Step: FlowAccountIdentified, Account: account.Label})
	return flowResult{token: tok, account: account, scopes: scopes}, nil
}

// flowEvents tells a sign-in's steps to FlowHooks.Progress, one call at a time, each with
// the time and, once listening, the authorization URL and the deadline.
type flowEvents struct {
	now      func() time.Time
	progress func(FlowEvent)
	mu       sync.Mutex
	base     FlowEvent // AuthURL and Deadline, once listening
}

func (e *flowEvents) emit(ev FlowEvent) {
	if e.progress == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ev.At, ev.AuthURL, ev.Deadline = e.now(), e.base.AuthURL, e.base.Deadline
	e.progress(ev)
}

// listening records the flow's authorization URL and deadline, and tells FlowListening.
func (e *flowEvents) listening(authURL string, deadline time.Time) {
	e.mu.Lock()
	e.base = FlowEvent{AuthURL: authURL, Deadline: deadline}
	e.mu.Unlock()
	e.emit(FlowEvent{Step: FlowListening})
}

// openBrowser opens authURL with open, the front end's browser, and tells how it went; a
// browser that does not open leaves the person the link to open by hand.
func openBrowser(open func(string) error, authURL string, emit func(FlowEvent)) {
	if open == nil {
		emit(FlowEvent{Step: FlowBrowserFailed, Err: errors.New("no browser configured")})
		return
	}
	if err := open(authURL); err != nil {
		emit(FlowEvent{Step: FlowBrowserFailed, Err: err})
		return
	}
	emit(FlowEvent{Step: FlowBrowserOpened})
}

// readPastes asks pasted for the address the browser ended on until one ends the flow,
// telling each refused one; stop ends the asking and waits for it.
func readPastes(ctx context.Context, f *loopback.Flow, pasted func(context.Context) (string, error),
	emit func(FlowEvent)) (stop func()) {
	pctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			addr, err := pasted(pctx)
			if err != nil {
				return
			}
			_, err = f.CompleteFromURL(ctx, addr)
			if !errors.Is(err, loopback.ErrNotCallback) && !errors.Is(err, loopback.ErrStateMismatch) {
				return // the flow ended; Wait returns the same outcome
			}
			emit(FlowEvent{Step: FlowPasteRefused, Err: err})
		}
	}()
	return func() { cancel(); <-done }
}

// loopbackConfig is the browser flow's configuration for the integration; emit is told the
// flow's steps that a person sees.
func (a *App) loopbackConfig(in integration, cfg *oauth2.Config, extra []oauth2.AuthCodeOption,
	timeout time.Duration, emit func(FlowEvent)) loopback.Config {
	return loopback.Config{
		OAuth2:       cfg,
		Port:         in.provider.ListenPort(in.settings),
		RedirectHost: in.provider.Redirect.Host,
		Provider:     in.displayName(),
		AuthParams:   extra,
		Issuer:       in.provider.Issuer,
		// RFC 9207 section 2.4: where the discovery document promises iss, its absence is
		// refused, or a mix-up attack could simply leave it out.
		RequireIssuer: in.discovery != nil && in.discovery.AuthorizationResponseIssParameterSupported,
		Timeout:       timeout,
		HTTPClient:    a.httpClient,
		Now:           a.now,
		Progress: func(s FlowStep) {
			switch s {
			case loopback.StepIPv6Unavailable:
				a.log.Warn("sign-in: this computer has no IPv6 loopback; the callback port is held on 127.0.0.1 only",
					"integration", in.row.ID)
			case FlowCallbackReceived, FlowCodeExchanged:
				emit(FlowEvent{Step: s})
			}
		},
	}
}

// enabledIntegration resolves a saved integration that may be used to sign in now: enabled,
// its client type chosen.
func (a *App) enabledIntegration(ctx context.Context, id string) (integration, error) {
	row, err := a.savedRow(ctx, id)
	if err != nil {
		return integration{}, err
	}
	if !row.Enabled {
		return integration{}, fmt.Errorf("%s: %w", row.Name, ErrIntegrationDisabled)
	}
	if p, err := catalog.Lookup(catalog.ID(row.Provider)); err == nil && clientTypeMissing(p, row) {
		return integration{}, fmt.Errorf("%s: %w", row.Name, ErrClientTypeMissing)
	}
	return a.resolveRow(ctx, row)
}

// savedRow reads a saved integration's row; an id that names none (an unsaved preset too) is
// ErrUnknownIntegration.
func (a *App) savedRow(ctx context.Context, id string) (store.Integration, error) {
	row, err := store.IntegrationByID(ctx, a.db, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Integration{}, fmt.Errorf("integration %q: %w", id, ErrUnknownIntegration)
	}
	return row, err
}

// identify asks the provider which account tok belongs to. An account without a label is
// labelled with its subject.
func (a *App) identify(ctx context.Context, tok *oauth2.Token, w catalog.WhoAmI) (catalog.Account, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// A static token source: the token is used as issued. cfg.Client would refresh a
	// short-lived one, spending the refresh token and keeping the rotated one to itself.
	client := oauth2.NewClient(context.WithValue(ctx, oauth2.HTTPClient, a.httpClient), oauth2.StaticTokenSource(tok))
	acct, err := catalog.Identify(ctx, client, w)
	if err != nil {
		return catalog.Account{}, err
	}
	if acct.Label == "" {
		acct.Label = acct.Subject
	}
	return acct, nil
}
