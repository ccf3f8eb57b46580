package core

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/vault"
)

// A connect writes the token to the keychain before the source's row exists: the row must
// not look connected without a token. To leave no token without a row either, even when the
// process is killed in between, the order is:
//
//  1. reserve the source's id in the database (store.ReserveSourceID), committed, while
//     holding the id's lock across processes;
//  2. write the token to the keychain under that id;
//  3. save the row and end the reservation in one transaction.
//
// A reservation left behind by a killed process is found at the next start of any process on
// the workspace (sweepPending), whose lock is then free: its token, if written, is deleted,
// then the reservation. A reservation whose lock is held belongs to a connect under way in
// another process and is left alone. The keychain cannot be listed reliably, so the database
// says which entries to look for, and only this workspace's are ever touched.

// pendingLock names the lock a connect holds on the source id it reserved.
func pendingLock(id int64) string { return "pending-source-" + strconv.FormatInt(id, 10) }

// saveSource saves a signed-in account as a new source of owner: it reserves the id, writes
// the token to the keychain under it, then saves the row with its activity entry. On any
// failure the token goes again, and the reservation with it.
func (a *App) saveSource(ctx context.Context, actor, label string, in integration, res flowResult, owner int64) (int64, error) {
	id, unlock, err := a.reserveSource(ctx)
	if err != nil {
		return 0, err
	}
	defer unlock()
	now := a.now()
	row := store.Source{ID: id, IntegrationID: in.row.ID, OwnerID: owner, Account: res.account.Label,
		AccountSubject: res.account.Subject, Scopes: res.scopes, Status: store.StatusConnected,
		TokenVersion: 1, TokenExpiry: res.token.Expiry, LastRefreshAt: now, CreatedAt: now, UpdatedAt: now}
	err = a.writeToken(ctx, id, res.token, func(ctx context.Context) error {
		return a.change(ctx, actor, access.SourceConnect, label, func(tx *sql.Tx) (string, error) {
			if err := store.SaveReservedSource(ctx, tx, row); err != nil {
				if errors.Is(err, store.ErrDuplicate) {
					err = fmt.Errorf("%w: %w", ErrAlreadyConnected, err)
				}
				return "", err
			}
			return "scopes granted: " + strings.Join(res.scopes, " "), nil
		})
	})
	if err != nil {
		if derr := a.dropReserved(context.WithoutCancel(ctx), id); derr != nil {
			a.log.Error("token of an unsaved source left in the keychain until the next start", "source", id, "err", derr)
		}
		return 0, err
	}
	return id, nil
}

// reserveSource reserves a new source id and takes its lock; unlock releases the lock, not
// the reservation.
func (a *App) reserveSource(ctx context.Context) (id int64, unlock func(), err error) {
	err = a.db.Tx(ctx, func(tx *sql.Tx) error {
		if id, err = store.ReserveSourceID(ctx, tx, a.now()); err != nil {
			return err
		}
		// Locked before the commit, so that no sweep can see the reservation unlocked.
		var ok bool
		unlock, ok, err = a.locks.TryLock(pendingLock(id))
		if err == nil && !ok {
			err = fmt.Errorf("source id %d is held by another process", id)
		}
		return err
	})
	if err != nil {
		if unlock != nil {
			unlock()
		}
		return 0, nil, fmt.Errorf("reserve a source: %w", err)
	}
	return id, unlock, nil
}

// dropReserved deletes the token of a reserved id that will not become a source, then the
// reservation. If the token cannot be deleted, the reservation stays for the next sweep.
func (a *App) dropReserved(ctx context.Context, id int64) error {
	if err := a.keychain.Delete(ctx, vault.SourceTokenKey(id)); err != nil && !errors.Is(err, vault.ErrNotFound) {
		return fmt.Errorf("delete the token of unsaved source %d: %w", id, err)
	}
	if err := store.DropPendingSource(ctx, a.db, id); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// sweepPending ends the reservations that killed processes left behind (see above). It
// reports how many it ended; one it cannot end now is tried again at the next start.
func (a *App) sweepPending(ctx context.Context) (int, error) {
	ids, err := store.PendingSources(ctx, a.db)
	if err != nil {
		return 0, err
	}
	var errs []error
	n := 0
	for _, id := range ids {
		unlock, ok, err := a.locks.TryLock(pendingLock(id))
		if err != nil || !ok {
			errs = append(errs, err) // nil when a live connect holds it: not ours to end
			continue
		}
		err = a.dropReserved(ctx, id)
		unlock()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// writeToken is the token write of connect and reconnect alike (tokens.Manager.Write): the
// keychain under the source's lock, then commit's transaction, never the keychain inside it.
func (a *App) writeToken(ctx context.Context, id int64, tok *oauth2.Token, commit func(context.Context) error) error {
	return a.tokens.Write(ctx, id, tok, func(ctx context.Context) error {
		if afterTokenSaved != nil {
			afterTokenSaved(id)
		}
		return commit(ctx)
	})
}
