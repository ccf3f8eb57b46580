package tokens_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/tokens"
	"github.com/medialake/connect/core/vault"
)

const day = 24 * time.Hour

func TestExpiresIfUnused(t *testing.T) {
	last := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		idle time.Duration
		want time.Time
	}{
		{"Box", 60 * day, last.Add(60 * day)},
		{"Microsoft", 90 * day, last.Add(90 * day)},
		{"never", 0, time.Time{}},
	}
	for _, tt := range tests {
		if got := tokens.ExpiresIfUnused(tt.idle, last); !got.Equal(tt.want) {
			t.Errorf("%s: ExpiresIfUnused = %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := tokens.ExpiresIfUnused(60*day, time.Time{}); !got.IsZero() {
		t.Errorf("never refreshed: ExpiresIfUnused = %v, want zero", got)
	}
}

func TestKeepAliveDue(t *testing.T) {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		idle        time.Duration
		lastRefresh time.Time
		created     time.Time
		want        bool
	}{
		{"Box, refreshed 39 days ago", 60 * day, now.Add(-39 * day), now.Add(-100 * day), false},
		{"Box, refreshed 41 days ago", 60 * day, now.Add(-41 * day), now.Add(-100 * day), true},
		{"Box, already idled out", 60 * day, now.Add(-61 * day), now.Add(-100 * day), true},
		{"never idles out", 0, now.Add(-400 * day), now.Add(-400 * day), false},
		{"never refreshed, created 50 days ago", 60 * day, time.Time{}, now.Add(-50 * day), true},
		{"never refreshed, created yesterday", 60 * day, time.Time{}, now.Add(-day), false},
	}
	for _, tt := range tests {
		src := store.Source{LastRefreshAt: tt.lastRefresh, CreatedAt: tt.created}
		if got := tokens.KeepAliveDue(src, tt.idle, now); got != tt.want {
			t.Errorf("%s: KeepAliveDue = %t, want %t", tt.name, got, tt.want)
		}
	}
}

// TestDisconnect revokes at the provider, or, offline, leaves the source pending until
// a later Disconnect gets through (the facade's upkeep retries it); Forget deletes without
// telling the provider.
func TestDisconnect(t *testing.T) {
	f := newFixture(t, memKeychain())
	ctx := t.Context()
	_, _, revokeURL, _, _ := f.srv.Endpoints()
	in := tokens.Integration{Config: f.cfg, Revocation: tokens.Revocation{Kind: tokens.RevokeRFC7009, URL: revokeURL}}

	gone := func(t *testing.T, id int64) {
		t.Helper()
		if _, err := store.SourceByID(ctx, f.db, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("source row: %v, want ErrNotFound", err)
		}
		if _, err := tokens.Load(ctx, f.kc, id); !errors.Is(err, vault.ErrNotFound) {
			t.Errorf("keychain entry: %v, want vault.ErrNotFound", err)
		}
	}

	t.Run("online", func(t *testing.T) {
		id := f.connect(t)
		tok := f.load(t, id)
		before := f.srv.RevokeRequests()
		if err := f.m.Disconnect(ctx, id, in); err != nil {
			t.Fatalf("Disconnect: %v", err)
		}
		if got := f.srv.RevokeRequests() - before; got != 1 {
			t.Errorf("revoke requests = %d, want 1", got)
		}
		gone(t, id)
		if _, err := f.refreshAt(ctx, tok.RefreshToken); retrieveCode(err) != "invalid_grant" {
			t.Errorf("revoked refresh token: %v, want invalid_grant", err)
		}
	})

	t.Run("offline, then retried", func(t *testing.T) {
		id := f.connect(t)
		tok := f.load(t, id)
		f.srv.Stop()
		err := f.m.Disconnect(ctx, id, in)
		if !errors.Is(err, tokens.ErrRevocationPending) || !errors.Is(err, tokens.ErrOffline) {
			t.Fatalf("Disconnect offline: %v, want ErrRevocationPending and ErrOffline", err)
		}
		if src := f.source(t, id); src.Status != store.StatusRevocationPending {
			t.Errorf("status = %s, want revocation_pending", src.Status)
		}
		if kept := f.load(t, id); kept.RefreshToken != tok.RefreshToken {
			t.Errorf("the token was not kept while the revocation is pending")
		}
		if _, err := f.m.Token(ctx, id, f.cfg); !errors.Is(err, tokens.ErrRevocationPending) {
			t.Errorf("Token of a disconnected source: %v, want ErrRevocationPending", err)
		}
		if err := f.m.Disconnect(ctx, id, in); !errors.Is(err, tokens.ErrOffline) {
			t.Errorf("retry while still offline: %v, want ErrOffline", err)
		}
		if src := f.source(t, id); src.Status != store.StatusRevocationPending {
			t.Errorf("after a retry offline: status %s, want revocation_pending", src.Status)
		}

		f.srv.Start()
		before := f.srv.RevokeRequests()
		if err := f.m.Disconnect(ctx, id, in); err != nil {
			t.Fatalf("retry once online: %v", err)
		}
		if got := f.srv.RevokeRequests() - before; got != 1 {
			t.Errorf("revoke requests = %d, want 1", got)
		}
		gone(t, id)
		if _, err := f.refreshAt(ctx, tok.RefreshToken); retrieveCode(err) != "invalid_grant" {
			t.Errorf("revoked refresh token: %v, want invalid_grant", err)
		}
	})

	t.Run("provider refuses the client", func(t *testing.T) {
		id := f.connect(t)
		bad := *f.cfg
		bad.ClientSecret = "wrong"
		err := f.m.Disconnect(ctx, id, tokens.Integration{Config: &bad, Revocation: in.Revocation})
		if !errors.Is(err, tokens.ErrRevocationPending) || !errors.Is(err, tokens.ErrProvider) {
			t.Fatalf("Disconnect: %v, want ErrRevocationPending and ErrProvider", err)
		}
		if src := f.source(t, id); src.Status != store.StatusRevocationPending || src.StatusDetail == "" {
			t.Errorf("status = %s %q, want revocation_pending with a detail", src.Status, src.StatusDetail)
		}
		if err := f.m.Forget(ctx, id); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("forget", func(t *testing.T) {
		id := f.connect(t)
		tok := f.load(t, id)
		before := f.srv.RevokeRequests()
		if err := f.m.Forget(ctx, id); err != nil {
			t.Fatalf("Forget: %v", err)
		}
		gone(t, id)
		if got := f.srv.RevokeRequests() - before; got != 0 {
			t.Errorf("revoke requests = %d, want 0", got)
		}
		// The provider was not told: the grant still works.
		if _, err := f.refreshAt(ctx, tok.RefreshToken); err != nil {
			t.Errorf("refresh token after Forget: %v, want it still valid", err)
		}
	})

	t.Run("provider without revocation", func(t *testing.T) {
		id := f.connect(t)
		before := f.srv.RevokeRequests()
		if err := f.m.Disconnect(ctx, id, tokens.Integration{Config: f.cfg}); err != nil {
			t.Fatalf("Disconnect: %v", err)
		}
		if got := f.srv.RevokeRequests() - before; got != 0 {
			t.Errorf("revoke requests = %d, want 0", got)
		}
		gone(t, id)
	})

	t.Run("bearer revocation with an expired access token", func(t *testing.T) {
		id := f.connect(t)
		// Dropbox's call: POST with the access token as Bearer credentials. Only the shape
		// of the request is checked here; the server stands for that one endpoint.
		var mu sync.Mutex
		var method, auth string
		dropbox := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			method, auth = r.Method, r.Header.Get("Authorization")
		}))
		defer dropbox.Close()
		f.clock.Advance(2 * time.Hour) // the saved access token has expired: it is refreshed first
		bearer := tokens.Integration{Config: f.cfg, Revocation: tokens.Revocation{Kind: tokens.RevokeBearer, URL: dropbox.URL}}
		if err := f.m.Disconnect(ctx, id, bearer); err != nil {
			t.Fatalf("Disconnect: %v", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if method != http.MethodPost || len(auth) < len("Bearer x") || auth[:7] != "Bearer " {
			t.Fatalf("request: %s with Authorization %t, want POST with Bearer", method, auth != "")
		}
		if status := f.userinfo(t, auth[7:]); status != http.StatusOK {
			t.Errorf("the Bearer token sent was not a valid access token: userinfo status %d", status)
		}
		gone(t, id)
	})

	t.Run("bearer revocation refused as expired_access_token", func(t *testing.T) {
		id := f.connect(t)
		// Dropbox answers 401 expired_access_token for an access token whose lifetime ended
		// early by its clock: the refresh token behind it lives on, so the revocation is not
		// done until a fresh access token is revoked.
		var mu sync.Mutex
		var seen []string
		dropbox := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, r.Header.Get("Authorization"))
			if len(seen) == 1 {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write([]byte(`{"error_summary": "expired_access_token/..", "error": {".tag": "expired_access_token"}}`))
			}
		}))
		defer dropbox.Close()
		bearer := tokens.Integration{Config: f.cfg, Revocation: tokens.Revocation{Kind: tokens.RevokeBearer, URL: dropbox.URL}}
		if err := f.m.Disconnect(ctx, id, bearer); err != nil {
			t.Fatalf("Disconnect: %v", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(seen) != 2 || seen[0] == seen[1] {
			t.Fatalf("revocation calls = %d (the same token twice: %t); want a second one with a refreshed access token", len(seen), len(seen) == 2)
		}
		if status := f.userinfo(t, strings.TrimPrefix(seen[1], "Bearer ")); status != http.StatusOK {
			t.Errorf("the second call's token was not a valid access token: userinfo status %d", status)
		}
		gone(t, id)
	})
}
