package core

import (
	"bufio"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/medialake/connect/core/private"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/transfer"
	"github.com/medialake/connect/core/vault"
)

// An import writes client secrets to the keychain before the integrations' rows exist, as a
// connect writes its token before the source's row (pending.go), and for the same reason:
// the rows must not name a secret that is not there. A connect reserves its id in the
// database; an import cannot add a table there without a migration of its own, so it keeps a
// journal file in the workspace folder instead: the ids of the integrations whose secrets it
// is about to write, hex-encoded one a line, made private and synced before the first write
// and removed once the rows are committed or every entry is restored. A journal left behind
// by a killed process is read at the next start of any process on the workspace
// (sweepImport), while no import holds importLock: the secret of each id that has no row is
// deleted. The ids are not secret; the secrets never leave the keychain.
//
// What the journal cannot undo: an import killed between replacing an existing integration's
// secret and committing leaves the new secret under the old row, as an integration save
// killed at the same point does.

// importLock is held for the whole of an import, across processes.
const importLock = "import"

// ImportJournal is the journal's name in the workspace folder.
const ImportJournal = "import.journal"

func (a *App) journalPath() string { return filepath.Join(a.home, ImportJournal) }

// journalImport records the ids of list before their secrets are written.
func (a *App) journalImport(list []transfer.Integration) error {
	if len(list) == 0 {
		return nil
	}
	err := private.WriteFile(a.journalPath(), true, func(w io.Writer) error {
		for _, in := range list {
			if _, err := fmt.Fprintln(w, hex.EncodeToString([]byte(in.ID))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("journal the import: %w", err)
	}
	return nil
}

// endImportJournal removes the journal once nothing of the import is left to undo.
func (a *App) endImportJournal() error {
	if err := os.Remove(a.journalPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// sweepImport deletes the secrets an unfinished import left without a row (see above) and
// reports how many. An import under way in another process is left alone.
func (a *App) sweepImport(ctx context.Context) (int, error) {
	f, err := os.Open(a.journalPath())
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	unlock, ok, err := a.locks.TryLock(importLock)
	if err != nil || !ok {
		return 0, err
	}
	defer unlock()
	n := 0
	var errs []error
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		id, err := hex.DecodeString(sc.Text())
		if err != nil {
			continue // a line cut by the kill: its secret was not written yet
		}
		_, err = store.IntegrationByID(ctx, a.db, string(id))
		if !errors.Is(err, store.ErrNotFound) {
			errs = append(errs, err) // nil: the row exists, the secret is its own
			continue
		}
		err = a.keychain.Delete(ctx, vault.IntegrationSecretKey(string(id)))
		switch {
		case err == nil:
			n++
		case !errors.Is(err, vault.ErrNotFound):
			errs = append(errs, err)
		}
	}
	if err := errors.Join(append(errs, sc.Err())...); err != nil {
		return n, err
	}
	return n, a.endImportJournal()
}
