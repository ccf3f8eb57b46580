package core

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
)

// Script access: a source's owner lets programs running as this OS account get the source's
// access token without signing in (ScriptToken), as the desktop's own account service hands
// tokens to the programs of its session. It gives a program nothing it could not take
// already: the token is in the keychain, which any program of this OS account can read. What
// it adds is consent, one source at a time, and a record of it.
//
// A grant names the owner who gave it and the account it was given for, and holds only while
// the source still has both, is not being disconnected, and its owner is active with a
// privilege that allows a token (store.ScriptGrant). So it ends by itself when the source is
// disconnected or forgotten (store.DeleteSource deletes it), reconnected to another account,
// or given to another user. Disabling or deleting the owner deletes the grants they gave,
// so that enabling the owner again does not bring them back.

// ProgramActor is the actor the activity log names for a program that got a token through
// script access: no one signed in, and the owner allowed it beforehand.
const ProgramActor = "program"

// scriptReadEvery is how often, at most, a program's reads of one source are recorded in the
// activity log: a script run every minute would otherwise bury everything else.
const scriptReadEvery = time.Hour

// ErrNoScriptAccess means a program asked for a source's token without signing in, and the
// source's owner has not allowed it, or the permission ended. It is an access.ErrForbidden;
// the error is a *NoScriptAccessError naming the source and its owner.
var ErrNoScriptAccess = fmt.Errorf("%w: programs may not get this source's token without signing in", access.ErrForbidden)

// NoScriptAccessError is ErrNoScriptAccess with the source and its owner, so that the
// front end can say who may grant it and how.
type NoScriptAccessError struct {
	SourceID int64
	Owner    string
}

func (e *NoScriptAccessError) Error() string {
	return fmt.Sprintf("source %d: %s", e.SourceID, ErrNoScriptAccess)
}

// Is makes errors.Is(err, ErrNoScriptAccess) and errors.Is(err, access.ErrForbidden) true.
func (e *NoScriptAccessError) Is(target error) bool {
	return target == ErrNoScriptAccess || target == access.ErrForbidden
}

// AllowScripts lets programs on this computer get the source's token without signing in
// (the source's owner only, Write or Admin). A source being disconnected is refused.
func (a *App) AllowScripts(ctx context.Context, s *access.Session, sourceID int64) error {
	u, src, err := a.authorizeSource(ctx, s, access.SourceAllowScripts, sourceID)
	if err != nil {
		return err
	}
	label := sourceLabel(src)
	if src.Status == store.StatusRevocationPending {
		err := fmt.Errorf("%w: it is being disconnected", ErrRevocationPending)
		a.note(ctx, u.Name, access.SourceAllowScripts, label, store.OutcomeFailed, err.Error())
		return sourceError("allow programs to use", src, err)
	}
	return a.change(ctx, u.Name, access.SourceAllowScripts, label, func(tx *sql.Tx) (string, error) {
		return "programs on this computer may get its token without signing in",
			store.GrantScriptAccess(ctx, tx, src.ID, src.OwnerID, src.AccountSubject, a.now())
	})
}

// DenyScripts withdraws the source's script access (its owner, or an administrator, who may
// disconnect the source anyway). A source without it is left as it is, and recorded so.
func (a *App) DenyScripts(ctx context.Context, s *access.Session, sourceID int64) error {
	u, src, err := a.authorizeSource(ctx, s, access.SourceDenyScripts, sourceID)
	if err != nil {
		return err
	}
	return a.change(ctx, u.Name, access.SourceDenyScripts, sourceLabel(src), func(tx *sql.Tx) (string, error) {
		had, err := store.WithdrawScriptAccess(ctx, tx, src.ID)
		if !had {
			return "it had no script access", err
		}
		return "programs must sign in again to get its token", err
	})
}

// ScriptToken is AccessToken for a program that did not sign in: it hands out the source's
// access token, refreshed as AccessToken does it (the same lock, the keychain first), if the
// source's owner allowed script access and the grant still holds; else the error is a
// *NoScriptAccessError. Reads are recorded at most once per source per scriptReadEvery, as
// "token read by a program"; refusals and failures every time.
func (a *App) ScriptToken(ctx context.Context, sourceID int64) (redact.Secret, error) {
	src, err := a.savedSource(ctx, sourceID)
	if err != nil {
		return redact.Secret{}, err
	}
	label := sourceLabel(src)
	g, err := store.ScriptAccess(ctx, a.db, sourceID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !g.Holds) {
		a.note(ctx, ProgramActor, access.SourceToken, label, store.OutcomeDenied, "no script access")
		return redact.Secret{}, &NoScriptAccessError{SourceID: sourceID, Owner: src.OwnerName}
	}
	if err != nil {
		return redact.Secret{}, err
	}
	tok, err := a.handOut(ctx, src)
	if err != nil {
		a.note(ctx, ProgramActor, access.SourceToken, label, store.OutcomeFailed, err.Error())
		return redact.Secret{}, sourceError("get an access token of", src, err)
	}
	if now := a.now(); !now.Before(g.ReadNotedAt.Add(scriptReadEvery)) {
		a.noteScriptRead(ctx, src, now)
	}
	return redact.NewSecret(tok.AccessToken), nil
}

// noteScriptRead records a program's read of src, unless another process recorded one in the
// last scriptReadEvery meanwhile. A failure is logged: the token was handed out already.
func (a *App) noteScriptRead(ctx context.Context, src store.Source, now time.Time) {
	label, detail := sourceLabel(src), "token read by a program (script access)"
	err := a.db.Tx(context.WithoutCancel(ctx), func(tx *sql.Tx) error {
		claimed, err := store.NoteScriptRead(ctx, tx, src.ID, now, scriptReadEvery)
		if err != nil || !claimed {
			return err
		}
		a.log.Info("activity", "actor", ProgramActor, "action", string(access.SourceToken), "subject", label, "outcome", store.OutcomeOK, "detail", detail)
		return store.Append(ctx, tx, a.entry(ProgramActor, access.SourceToken, label, store.OutcomeOK, detail))
	})
	if err != nil {
		a.log.Error("record activity", "action", string(access.SourceToken), "err", err)
	}
}

// withdrawScriptsOf ends the script access that user id gave, inside tx, when that user is
// disabled or deleted, and says so for the activity entry's detail ("" for none).
func withdrawScriptsOf(ctx context.Context, tx *sql.Tx, id int64) (string, error) {
	n, err := store.WithdrawScriptAccessOf(ctx, tx, id)
	if err != nil || n == 0 {
		return "", err
	}
	return fmt.Sprintf("script access of %d sources ended", n), nil
}
