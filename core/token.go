package core

import (
	"context"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
	"golang.org/x/oauth2"
)

// AccessToken returns a valid access token of the source for a script, refreshed first when
// it is about to expire (Admin, or Write for the owner). Every access token core hands out
// comes through here or ScriptToken, and the source's token manager (handOut), so a rotated
// refresh token is in the keychain before the access token leaves. A refused refresh token is
// ErrNeedsReconnect; an unreachable provider is ErrOffline and marks the source offline. The
// activity log records that a token was handed out, never the token. It works through a
// disabled integration too: disabling refuses new connections only.
func (a *App) AccessToken(ctx context.Context, s *access.Session, sourceID int64) (redact.Secret, error) {
	u, src, err := a.authorizeSource(ctx, s, access.SourceToken, sourceID)
	if err != nil {
		return redact.Secret{}, err
	}
	label := sourceLabel(src)
	tok, err := a.handOut(ctx, src)
	if err != nil {
		a.note(ctx, u.Name, access.SourceToken, label, store.OutcomeFailed, err.Error())
		return redact.Secret{}, sourceError("get an access token of", src, err)
	}
	detail := "access token handed out"
	if !tok.Expiry.IsZero() {
		detail += ", valid until " + tok.Expiry.UTC().Format(time.RFC3339)
	}
	a.note(ctx, u.Name, access.SourceToken, label, store.OutcomeOK, detail)
	return redact.NewSecret(tok.AccessToken), nil
}

// handOut returns src's token, valid for tokens.ExpiryMargin more. A valid token is handed
// out as it is; only a refresh needs the integration prepared (the client secret from the
// keychain, maybe the provider's discovery document), and runs under the source's lock.
func (a *App) handOut(ctx context.Context, src store.Source) (*oauth2.Token, error) {
	tok, ok, err := a.tokens.Current(ctx, src.ID)
	if err != nil || ok {
		return tok, err
	}
	lc, err := a.lifecycleOf(ctx, src.IntegrationID)
	if err != nil {
		return nil, a.unreachable(ctx, src, err)
	}
	return a.tokens.Token(ctx, src.ID, lc.Config)
}
