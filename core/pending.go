package core

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

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
