package core

import (
	"context"
	"errors"
	"fmt"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/store"
)

// ErrSharedGrant means revoking a source's token would end other sources here as well: the
// provider (Google) revokes the app's whole grant of the account, so every token of that
// account through the integration dies with it. A *SharedGrantError says how many.
var ErrSharedGrant = errors.New("revoking this source would end other sources of the same account")

// SharedGrantError is ErrSharedGrant with what the revocation would end.
type SharedGrantError struct {
	// Others counts the other sources here of the same account through the same integration.
	Others int
	// Ends is what the provider's revocation ends, in its words (Source.RevokeEnds).
	Ends string
}

func (e *SharedGrantError) Error() string {
	return fmt.Sprintf("%s (%s here)", ErrSharedGrant, Counted(e.Others, "other source"))
}

// Is makes errors.Is(err, ErrSharedGrant) true.
func (e *SharedGrantError) Is(target error) bool { return target == ErrSharedGrant }

// DisconnectShared is Disconnect for a source whose revocation ends other sources here too
// (Source.SharesGrant): the person was told, and chose to revoke all the same. Forget is the
// other answer: it deletes this source alone and leaves the grant at the provider.
func (a *App) DisconnectShared(ctx context.Context, s *access.Session, sourceID int64) error {
	return a.disconnectAsked(ctx, s, sourceID, true)
}

// disconnectAsked is Disconnect; shared says the person accepted that the revocation ends
// the other sources of the same grant.
func (a *App) disconnectAsked(ctx context.Context, s *access.Session, sourceID int64, shared bool) error {
	u, src, err := a.authorizeSource(ctx, s, access.SourceDisconnect, sourceID)
	if err != nil {
		return err
	}
	label := sourceLabel(src)
	if !shared {
		view, err := a.source(ctx, sourceID)
		if err != nil {
			return sourceError("disconnect", src, err)
		}
		if view.SharesGrant > 0 {
			err := &SharedGrantError{Others: view.SharesGrant, Ends: view.RevokeEnds}
			a.note(ctx, u.Name, access.SourceDisconnect, label, store.OutcomeFailed, err.Error()+"; nothing was revoked")
			return sourceError("disconnect", src, err)
		}
	}
	detail, err := a.disconnect(ctx, src)
	if err != nil {
		a.note(ctx, u.Name, access.SourceDisconnect, label, store.OutcomeFailed, err.Error())
		return sourceError("disconnect", src, err)
	}
	a.note(ctx, u.Name, access.SourceDisconnect, label, store.OutcomeOK, detail)
	return nil
}

// sharesGrant counts the other sources here whose grant src's revocation would end: those of
// the same account through the same integration, where the provider revokes whole grants.
func sharesGrant(src Source, r store.Source, accounts map[store.AccountKey]int) int {
	if src.RevokeEnds == "" {
		return 0
	}
	return max(accounts[store.AccountKey{IntegrationID: r.IntegrationID, Subject: r.AccountSubject}]-1, 0)
}
