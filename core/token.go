package core

import (
	"context"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/tokens"
)

// AccessToken returns a valid access token of the source for a script, refreshed first when
// it is about to expire (Admin, or Write for the owner). Every access token core hands out
// comes through here and the source's token manager, so a rotated refresh token is in the
// keychain before the access token leaves. A refused refresh token is ErrNeedsReconnect; an
// unreachable provider is ErrOffline and marks the source offline. The activity log records
// that a token was handed out, never the token. It works through a disabled integration
// too: disabling refuses new connections only.
func (a *App) AccessToken(ctx context.Context, s *access.Session, sourceID int64) (redact.Secret, error) {
	u, src, err := a.authorizeSource(ctx, s, access.SourceToken, sourceID)
	if err != nil {
		return redact.Secret{}, err
	}
	label := sourceLabel(src)
	// A valid token is handed out as it is; only a refresh needs the integration prepared
	// (the client secret from the keychain, maybe the provider's discovery document).
	tok, ok, err := a.tokens.Current(ctx, sourceID)
	if err == nil && !ok {
		var lc tokens.Integration
		if lc, err = a.lifecycleOf(ctx, src.IntegrationID); err != nil {
			err = a.unreachable(ctx, src, err)
		} else {
			tok, err = a.tokens.Token(ctx, sourceID, lc.Config)
		}
	}
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
