package tokens

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/vault"
)

// RevokeKind names how a provider revokes tokens.
type RevokeKind string

// The ways of revoking a token.
const (
	// RevokeNone: the provider cannot revoke a single token (Microsoft); disconnecting only
	// deletes it here.
	RevokeNone RevokeKind = ""
	// RevokeRFC7009: POST token=<refresh token>&token_type_hint=refresh_token to the URL with
	// the client's authentication (Google, Box, OpenID Connect servers).
	RevokeRFC7009 RevokeKind = "rfc7009"
	// RevokeBearer: POST to the URL with the access token as Bearer credentials and no body
	// (Dropbox's /2/auth/token/revoke).
	RevokeBearer RevokeKind = "bearer"
)

// Revocation says how and where a provider revokes tokens.
type Revocation struct {
	Kind RevokeKind
	URL  string
}

// Revoke asks the provider to revoke tok as r says, retrying 429 and 5xx answers like a
// refresh. An RFC 7009 revocation revokes the refresh token (and so the grant), or the access
// token if there is no refresh token; a Bearer one needs a valid access token.
func (m *Manager) Revoke(ctx context.Context, cfg *oauth2.Config, tok *oauth2.Token, r Revocation) error {
	var call func() error
	switch r.Kind {
	case RevokeNone:
		return nil
	case RevokeRFC7009:
		call = func() error { return m.revokeRFC7009(ctx, cfg, tok, r.URL) }
	case RevokeBearer:
		call = func() error { return m.revokeBearer(ctx, tok, r.URL) }
	default:
		return fmt.Errorf("revoke: unknown revocation kind %q", r.Kind)
	}
	if err := m.retry(ctx, call); err != nil {
		return fmt.Errorf("revoke: %w", err)
	}
	return nil
}

func (m *Manager) revokeRFC7009(ctx context.Context, cfg *oauth2.Config, tok *oauth2.Token, endpoint string) error {
	form := url.Values{}
	if tok.RefreshToken != "" {
		form.Set("token", tok.RefreshToken)
		form.Set("token_type_hint", "refresh_token")
	} else {
		form.Set("token", tok.AccessToken)
		form.Set("token_type_hint", "access_token")
	}
	inBody := cfg.ClientSecret == "" || cfg.Endpoint.AuthStyle == oauth2.AuthStyleInParams
	if inBody {
		form.Set("client_id", cfg.ClientID)
		if cfg.ClientSecret != "" {
			form.Set("client_secret", cfg.ClientSecret)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if !inBody {
		// RFC 6749 §2.3.1: form-encode both before Basic authentication.
		req.SetBasicAuth(url.QueryEscape(cfg.ClientID), url.QueryEscape(cfg.ClientSecret))
	}
	return m.do(req, deadTokenRFC7009)
}

// deadTokenRFC7009 reports whether an RFC 7009 endpoint answered that the token is not valid.
// RFC 7009 asks a server to answer 200 for a token it no longer knows, but Google answers 400
// invalid_token for one already revoked or expired (after the 7 days of an app in Testing,
// say), and Box likely the same: the grant is gone, which is what revoking wanted, so the
// revocation is done rather than pending for ever. invalid_grant is the same fact in token
// endpoint words. Any other 400 (invalid_client, invalid_request) is a real refusal.
func deadTokenRFC7009(status int, code string) bool {
	return status == http.StatusBadRequest && (code == "invalid_token" || code == "invalid_grant")
}

func (m *Manager) revokeBearer(ctx context.Context, tok *oauth2.Token, endpoint string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	// A token the provider no longer knows has nothing left to revoke. But a 401 for an
	// access token that merely expired (one the local clock still thought valid) says
	// nothing of the refresh token behind it, which lives on: revokeSource refreshes and
	// revokes again.
	return m.do(req, func(status int, code string) bool {
		return status == http.StatusUnauthorized && code != expiredAccessToken
	})
}

// expiredAccessToken is Dropbox's error tag for an access token past its expiry.
const expiredAccessToken = "expired_access_token"

// answerCode is the error code of a JSON error answer: RFC 6749's {"error": "code"}, or
// Dropbox's {"error": {".tag": "code"}}.
func answerCode(raw json.RawMessage) string {
	var code string
	if json.Unmarshal(raw, &code) == nil {
		return code
	}
	var tagged struct {
		Tag string `json:".tag"`
	}
	_ = json.Unmarshal(raw, &tagged)
	return tagged.Tag
}

// do sends req and turns a non-2xx answer into a *statusError, unless dead says the answer
// means the token is not valid any more: then there is nothing left to revoke.
func (m *Manager) do(req *http.Request, dead func(status int, code string) bool) error {
	resp, err := m.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	var e struct {
		Error       json.RawMessage `json:"error"`
		Description string          `json:"error_description"`
	}
	_ = json.Unmarshal(body, &e)
	code := answerCode(e.Error)
	if dead(resp.StatusCode, code) {
		return nil
	}
	return &statusError{resp: resp, code: code, descr: e.Description}
}

// Disconnect revokes the source's token at the provider, then deletes it from the keychain
// and deletes the source's row. If the revocation fails (offline, or the provider refuses),
// the source is marked revocation_pending, its token is kept, and the error wraps
// ErrRevocationPending and ErrOffline or ErrProvider; RetryPending tries again later, or
// Forget deletes it here without telling the provider.
func (m *Manager) Disconnect(ctx context.Context, sourceID int64, in Integration) error {
	unlock, err := m.lock(ctx, sourceID)
	if err != nil {
		return err
	}
	defer unlock()
	src, err := store.SourceByID(ctx, m.db, sourceID)
	if err != nil {
		return fmt.Errorf("disconnect source %d: %w", sourceID, err)
	}
	tok, err := Load(ctx, m.keychain, sourceID)
	switch {
	case errors.Is(err, vault.ErrNotFound):
		// Nothing on this computer to revoke.
	case err != nil:
		return fmt.Errorf("disconnect source %d: %w", sourceID, err)
	default:
		if err := m.revokeSource(ctx, src, in, tok); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("disconnect source %d: %w", sourceID, err)
			}
			_, detail, sentinel := classify(err, in.Revocation.URL)
			detail = "the provider has not confirmed the revocation yet: " + detail
			if err := store.UpdateSourceStatus(ctx, m.db, sourceID, store.StatusRevocationPending, detail, m.now()); err != nil {
				return fmt.Errorf("disconnect source %d: %w", sourceID, err)
			}
			m.log.Warn("revocation pending", "source", sourceID, "detail", detail)
			return fmt.Errorf("disconnect source %d: %w: %w: %w", sourceID, ErrRevocationPending, sentinel, err)
		}
	}
	return m.forget(ctx, sourceID)
}

// revokeSource revokes tok of src; the caller holds the source's lock.
func (m *Manager) revokeSource(ctx context.Context, src store.Source, in Integration, tok *oauth2.Token) error {
	if in.Revocation.Kind == RevokeBearer && !m.valid(tok) {
		if src.Status == store.StatusNeedsReconnect {
			return nil // the grant is dead already
		}
		fresh, err := m.refresh(ctx, src.ID, in.Config, tok)
		if errors.Is(err, ErrNeedsReconnect) {
			return nil
		}
		if err != nil {
			return err
		}
		tok = fresh
	}
	err := m.Revoke(ctx, in.Config, tok, in.Revocation)
	var se *statusError
	if in.Revocation.Kind == RevokeBearer && errors.As(err, &se) && se.code == expiredAccessToken {
		fresh, rerr := m.refresh(ctx, src.ID, in.Config, tok)
		if errors.Is(rerr, ErrNeedsReconnect) {
			return nil // the refresh token is dead too
		}
		if rerr != nil {
			return rerr
		}
		err = m.Revoke(ctx, in.Config, fresh, in.Revocation)
	}
	return err
}

// Forget deletes the source's token from the keychain and the source's row without telling
// the provider ("Forget on this computer"); the facade records that the provider was not told.
func (m *Manager) Forget(ctx context.Context, sourceID int64) error {
	unlock, err := m.lock(ctx, sourceID)
	if err != nil {
		return err
	}
	defer unlock()
	return m.forget(ctx, sourceID)
}

// forget deletes the keychain entry first: a crash between the two deletes leaves a row
// without a token, which shows as needs reconnect, rather than a secret nobody sees.
// The lock file stays: removing it while another process waits on it would let a third take
// a second lock on a new file of the same name.
func (m *Manager) forget(ctx context.Context, id int64) error {
	err := m.keychain.Delete(ctx, vault.SourceTokenKey(id))
	if err != nil && !errors.Is(err, vault.ErrNotFound) {
		return fmt.Errorf("forget source %d: %w", id, err)
	}
	if err := store.DeleteSource(ctx, m.db, id); err != nil {
		return fmt.Errorf("forget source %d: %w", id, err)
	}
	return nil
}
