package core

import (
	"context"
	"time"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/catalog"
)

// dropTimeout bounds the revocation of a token the app will not keep.
const dropTimeout = 30 * time.Second

// dropToken revokes tok, which a sign-in got and the app will not keep (a test
// authorization's, a refused connect's or reconnect's), where the provider revokes that
// token alone. At Dropbox such a token never expires, so dropping it in silence would leave
// the account linked for ever. Where revoking ends the account's whole grant (Google), the
// token is left to expire: revoking it would end the account's real sources as well. It
// reports whether the token was revoked; a failure is logged and changes nothing else.
func (a *App) dropToken(ctx context.Context, in integration, tok *oauth2.Token) bool {
	rev := in.provider.Revocation
	if tok == nil || rev.Kind == catalog.RevokeNone || rev.WholeGrant != "" {
		return false
	}
	lc := in.lifecycle()
	// The sign-in is over: a caller that gives up now still has the token revoked.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dropTimeout)
	defer cancel()
	if err := a.tokens.Revoke(rctx, lc.Config, tok, lc.Revocation); err != nil {
		a.log.Warn("a token the app does not keep could not be revoked", "integration", in.row.ID, "err", err)
		return false
	}
	return true
}
