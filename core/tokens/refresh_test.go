package tokens_test

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/tokens"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/authtest"
)

func TestSaveLoad(t *testing.T) {
	kc := memKeychain()
	ctx := t.Context()
	want := (&oauth2.Token{AccessToken: "at", TokenType: "bearer", RefreshToken: "rt",
		Expiry: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}).WithExtra(map[string]any{"scope": "openid email"})
	if err := tokens.Save(ctx, kc, 7, want); err != nil {
		t.Fatal(err)
	}
	got, err := tokens.Load(ctx, kc, 7)
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken != want.AccessToken || got.TokenType != want.TokenType ||
		got.RefreshToken != want.RefreshToken || !got.Expiry.Equal(want.Expiry) || got.Extra("scope") != "openid email" {
		t.Errorf("Load = %+v scope %v, want %+v scope openid email", got, got.Extra("scope"), want)
	}
	if _, err := tokens.Load(ctx, kc, 8); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Load(missing): %v, want vault.ErrNotFound", err)
	}
	if err := kc.Set(ctx, vault.SourceTokenKey(9), redact.NewSecret("not json at all")); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Load(ctx, kc, 9); err == nil || strings.Contains(err.Error(), "not json") {
		t.Errorf("Load(garbage): %v, want an error that does not quote the entry", err)
	}
}

// TestRefreshInARow refreshes 1,000 times against a server that refuses a spent refresh
// token: every refresh must use the newest one, which the keychain holds before the token is
// handed out.
func TestRefreshInARow(t *testing.T) {
	const n = 1000
	f := newFixture(t, memKeychain())
	ctx := t.Context()
	id := f.connect(t)
	first := f.load(t, id)
	prev := first
	before := f.srv.TokenRequests()
	for i := range n {
		f.clock.Advance(2 * time.Hour) // every access token has expired
		tok, err := f.m.Token(ctx, id, f.cfg)
		if err != nil {
			t.Fatalf("refresh %d: %v", i+1, err)
		}
		if tok.AccessToken == prev.AccessToken || tok.RefreshToken == prev.RefreshToken {
			t.Fatalf("refresh %d: new access token %t, new refresh token %t; want both new",
				i+1, tok.AccessToken != prev.AccessToken, tok.RefreshToken != prev.RefreshToken)
		}
		if saved := f.load(t, id); saved.RefreshToken != tok.RefreshToken || saved.AccessToken != tok.AccessToken {
			t.Fatalf("refresh %d: the keychain does not hold the token handed out", i+1)
		}
		prev = tok
	}
	if got := f.srv.TokenRequests() - before; got != n {
		t.Errorf("token requests = %d, want %d", got, n)
	}
	src := f.source(t, id)
	if src.TokenVersion != n+1 || src.Status != store.StatusConnected || !src.LastRefreshAt.Equal(f.clock.Now()) {
		t.Errorf("source: version %d, status %s, last refresh %v; want %d, connected, %v",
			src.TokenVersion, src.Status, src.LastRefreshAt, n+1, f.clock.Now())
	}

	// The database never holds a token.
	for _, name := range []string{f.db.Path(), f.db.Path() + "-wal"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{first.RefreshToken, prev.AccessToken, prev.RefreshToken} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s contains a token", name)
			}
		}
	}

	// The premise: the server refuses a spent refresh token (and then revokes the grant).
	if _, err := f.refreshAt(ctx, first.RefreshToken); retrieveCode(err) != "invalid_grant" {
		t.Errorf("spent refresh token: %v, want invalid_grant: the server does not rotate strictly", err)
	}
}

// TestRefreshKeepsRefreshToken: a provider that sends no refresh token with a refreshed
// access token (Google, Dropbox) leaves the old one in use.
func TestRefreshKeepsRefreshToken(t *testing.T) {
	f := newFixture(t, memKeychain(), authtest.WithRotation(false))
	ctx := t.Context()
	id := f.connect(t)
	first := f.load(t, id)
	for i := range 2 {
		f.clock.Advance(2 * time.Hour)
		tok, err := f.m.Token(ctx, id, f.cfg)
		if err != nil {
			t.Fatalf("refresh %d: %v", i+1, err)
		}
		if tok.AccessToken == first.AccessToken {
			t.Errorf("refresh %d: access token not renewed", i+1)
		}
		if saved := f.load(t, id); saved.RefreshToken != first.RefreshToken || saved.Extra("scope") != first.Extra("scope") {
			t.Errorf("refresh %d: saved refresh token changed %t, scope %v; want unchanged, %v",
				i+1, saved.RefreshToken != first.RefreshToken, saved.Extra("scope"), first.Extra("scope"))
		}
	}
}

func TestTokenValid(t *testing.T) {
	f := newFixture(t, memKeychain())
	ctx := t.Context()
	id := f.connect(t)
	saved := f.load(t, id)
	before := f.srv.TokenRequests()

	tok, err := f.m.Token(ctx, id, f.cfg)
	if err != nil || tok.AccessToken != saved.AccessToken {
		t.Fatalf("Token: same token %t, %v; want the saved one", err == nil && tok.AccessToken == saved.AccessToken, err)
	}
	// Within the expiry margin the token counts as expired.
	f.clock.Advance(saved.Expiry.Sub(f.clock.Now()) - tokens.ExpiryMargin + time.Second)
	if tok, err = f.m.Token(ctx, id, f.cfg); err != nil || tok.AccessToken == saved.AccessToken {
		t.Fatalf("Token near expiry: renewed %t, %v; want a new token", err == nil && tok.AccessToken != saved.AccessToken, err)
	}
	if tok, err = f.m.Refresh(ctx, id, f.cfg); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if got := f.srv.TokenRequests() - before; got != 2 {
		t.Errorf("token requests = %d, want 2 (one when near expiry, one forced)", got)
	}

	// Through an HTTP client.
	_, _, _, userinfo, _ := f.srv.Endpoints()
	resp, err := oauth2.NewClient(ctx, f.m.TokenSource(ctx, id, f.cfg)).Get(userinfo)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("userinfo through TokenSource: status %d, want 200", resp.StatusCode)
	}
}

// TestRefreshHealth: each answer of the token endpoint sets the source's status.
func TestRefreshHealth(t *testing.T) {
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	retryAfter := func(v string) http.Header { return http.Header{"Retry-After": {v}} }
	const busy = `{"error":"temporarily_unavailable"}`
	type failure struct {
		status int
		body   string
		header http.Header
	}
	tests := []struct {
		name       string
		failures   []failure
		wantErr    error
		wantStatus string
		wantDetail string // contained in the status detail
		wantSleeps []time.Duration
		wantCalls  int
	}{
		{
			name:       "invalid_grant",
			failures:   []failure{{400, `{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`, jsonHeader}},
			wantErr:    tokens.ErrNeedsReconnect,
			wantStatus: store.StatusNeedsReconnect,
			wantDetail: "Token has been expired or revoked.",
			wantCalls:  1,
		},
		{
			name:       "429 with Retry-After in seconds",
			failures:   []failure{{429, busy, retryAfter("7")}},
			wantStatus: store.StatusConnected,
			wantSleeps: []time.Duration{7 * time.Second},
			wantCalls:  2,
		},
		{
			name:       "503 with Retry-After as a date",
			failures:   []failure{{503, busy, retryAfter("DATE+30s")}},
			wantStatus: store.StatusConnected,
			wantSleeps: []time.Duration{30 * time.Second},
			wantCalls:  2,
		},
		{
			name:       "500 then success",
			failures:   []failure{{500, "oops", nil}},
			wantStatus: store.StatusConnected,
			wantSleeps: []time.Duration{time.Second},
			wantCalls:  2,
		},
		{
			name:       "500 three times",
			failures:   []failure{{500, "oops", nil}, {502, "oops", nil}, {500, "oops", nil}},
			wantErr:    tokens.ErrProvider,
			wantStatus: store.StatusError,
			wantDetail: "500 Internal Server Error",
			wantSleeps: []time.Duration{time.Second, 2 * time.Second},
			wantCalls:  3,
		},
		{
			name:       "429 asking for too long a wait",
			failures:   []failure{{429, busy, retryAfter("3600")}},
			wantErr:    tokens.ErrProvider,
			wantStatus: store.StatusError,
			wantDetail: "429 Too Many Requests",
			wantCalls:  1,
		},
		{
			name:       "invalid_client",
			failures:   []failure{{401, `{"error":"invalid_client","error_description":"Client authentication failed."}`, jsonHeader}},
			wantErr:    tokens.ErrProvider,
			wantStatus: store.StatusError,
			wantDetail: "invalid_client: Client authentication failed.",
			wantCalls:  1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, memKeychain())
			ctx := t.Context()
			id := f.connect(t)
			saved := f.load(t, id)
			version := f.source(t, id).TokenVersion
			f.clock.Advance(2 * time.Hour)
			for _, fl := range tt.failures {
				h := fl.header.Clone()
				if v := h.Get("Retry-After"); strings.HasPrefix(v, "DATE+") {
					d, _ := time.ParseDuration(strings.TrimPrefix(v, "DATE+"))
					h.Set("Retry-After", f.clock.Now().Add(d).UTC().Format(http.TimeFormat))
				}
				f.srv.FailNextToken(fl.status, fl.body, h)
			}
			before := f.srv.TokenRequests()

			tok, err := f.m.Token(ctx, id, f.cfg)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("Token: %v, want success", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("Token: %v, want %v", err, tt.wantErr)
			}
			if got := f.srv.TokenRequests() - before; got != tt.wantCalls {
				t.Errorf("token requests = %d, want %d", got, tt.wantCalls)
			}
			if got := f.sleeps.Got(); !slices.Equal(got, tt.wantSleeps) {
				t.Errorf("sleeps = %v, want %v", got, tt.wantSleeps)
			}
			src := f.source(t, id)
			if src.Status != tt.wantStatus || !strings.Contains(src.StatusDetail, tt.wantDetail) {
				t.Errorf("status = %s %q, want %s containing %q", src.Status, src.StatusDetail, tt.wantStatus, tt.wantDetail)
			}
			if tt.wantErr != nil {
				// A failure loses nothing: the token and its version stay as they were.
				if kept := f.load(t, id); kept.RefreshToken != saved.RefreshToken || src.TokenVersion != version {
					t.Errorf("after failure: refresh token kept %t, version %d; want kept, %d",
						kept.RefreshToken == saved.RefreshToken, src.TokenVersion, version)
				}
				return
			}
			if tok.AccessToken == saved.AccessToken || src.TokenVersion != version+1 || src.StatusDetail != "" {
				t.Errorf("after success: renewed %t, version %d, detail %q; want renewed, %d, empty",
					tok.AccessToken != saved.AccessToken, src.TokenVersion, src.StatusDetail, version+1)
			}
		})
	}
}

// TestNeedsReconnect: once the provider refused the refresh token, no more refreshes are sent
// until a reconnect replaces the token.
func TestNeedsReconnect(t *testing.T) {
	f := newFixture(t, memKeychain())
	ctx := t.Context()
	id := f.connect(t)
	f.clock.Advance(2 * time.Hour)
	f.srv.FailNextToken(400, `{"error":"invalid_grant"}`, http.Header{"Content-Type": {"application/json"}})
	if _, err := f.m.Token(ctx, id, f.cfg); !errors.Is(err, tokens.ErrNeedsReconnect) {
		t.Fatalf("Token: %v, want ErrNeedsReconnect", err)
	}
	if src := f.source(t, id); src.StatusDetail == "" {
		t.Errorf("needs_reconnect without a detail")
	}
	before := f.srv.TokenRequests()
	if _, err := f.m.Refresh(ctx, id, f.cfg); !errors.Is(err, tokens.ErrNeedsReconnect) {
		t.Errorf("Refresh after invalid_grant: %v, want ErrNeedsReconnect", err)
	}
	if got := f.srv.TokenRequests() - before; got != 0 {
		t.Errorf("token requests after invalid_grant = %d, want 0", got)
	}

	if err := reconnect(ctx, f.m, f.db, id, f.authorize(t)); err != nil {
		t.Fatal(err)
	}
	if src := f.source(t, id); src.Status != store.StatusConnected || src.StatusDetail != "" {
		t.Errorf("after a reconnect: status %s %q, want connected", src.Status, src.StatusDetail)
	}
	if _, err := f.m.Refresh(ctx, id, f.cfg); err != nil {
		t.Errorf("Refresh after a reconnect: %v", err)
	}
}

// TestNoTokenInKeychain: a source whose keychain entry is gone needs reconnecting.
func TestNoTokenInKeychain(t *testing.T) {
	f := newFixture(t, memKeychain())
	id := f.connect(t)
	if err := f.kc.Delete(t.Context(), vault.SourceTokenKey(id)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Token(t.Context(), id, f.cfg); !errors.Is(err, tokens.ErrNeedsReconnect) {
		t.Errorf("Token: %v, want ErrNeedsReconnect", err)
	}
	if src := f.source(t, id); src.Status != store.StatusNeedsReconnect {
		t.Errorf("status = %s, want needs_reconnect", src.Status)
	}
}

// TestOfflineThenConnected: with the server stopped the source is offline and nothing else
// changes; when the server is back, the next refresh makes it connected again.
func TestOfflineThenConnected(t *testing.T) {
	f := newFixture(t, memKeychain())
	ctx := t.Context()
	id := f.connect(t)
	saved := f.load(t, id)
	before := f.source(t, id)
	f.clock.Advance(2 * time.Hour)

	f.srv.Stop()
	_, err := f.m.Token(ctx, id, f.cfg)
	if !errors.Is(err, tokens.ErrOffline) {
		t.Fatalf("Token with the server stopped: %v, want ErrOffline", err)
	}
	src := f.source(t, id)
	if src.Status != store.StatusOffline || src.TokenVersion != before.TokenVersion ||
		!src.LastRefreshAt.Equal(before.LastRefreshAt) || !src.TokenExpiry.Equal(before.TokenExpiry) {
		t.Errorf("offline: status %s, version %d, last refresh %v, expiry %v; want offline, %d, %v, %v",
			src.Status, src.TokenVersion, src.LastRefreshAt, src.TokenExpiry,
			before.TokenVersion, before.LastRefreshAt, before.TokenExpiry)
	}
	if kept := f.load(t, id); kept.RefreshToken != saved.RefreshToken || kept.AccessToken != saved.AccessToken {
		t.Errorf("offline: keychain token changed")
	}
	if got := f.sleeps.Got(); len(got) != 0 {
		t.Errorf("offline: slept %v, want no retry", got)
	}

	f.srv.Start()
	if _, err := f.m.Token(ctx, id, f.cfg); err != nil {
		t.Fatalf("Token with the server back: %v", err)
	}
	if src := f.source(t, id); src.Status != store.StatusConnected || src.StatusDetail != "" {
		t.Errorf("back online: status %s %q, want connected", src.Status, src.StatusDetail)
	}
}
