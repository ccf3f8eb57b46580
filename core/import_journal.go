package core

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/medialake/connect/core/private"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/transfer"
	"github.com/medialake/connect/core/vault"
)

// An import writes client secrets to the keychain before the integrations' rows, as a
// connect writes its token before the source's row (pending.go), and for the same reason: a
// row must not name a secret that is not there. A connect reserves its id in the database; an
// import keeps a journal file in the workspace folder instead (it needs no table of its own):
// for each integration whose secret it is about to write, the id and when its row was last
// changed before the import ("none": no row). Before the first write each secret about to be
// replaced is copied to a backup entry in the keychain (backupKey), and then the journal is
// made private and synced. The import stamps each row it writes with its own time, never the
// file's, so that a committed row always differs from the one the journal names. Once the rows are committed, or every entry restored after a
// failure, the backups and the journal go.
//
// A journal left behind by a killed process is read at the next start of any process on the
// workspace (sweepImport), while no import holds importLock. An integration whose row still
// is as the journal says did not get the import's row: its entry gets the backup back, or
// is deleted where there was none. Either way the backup goes. The journal holds no secret;
// the secrets and their backups never leave the keychain.

// importLock is held for the whole of an import, across processes.
const importLock = "import"

// ImportJournal is the journal's name in the workspace folder.
const ImportJournal = "import.journal"

// noRow is the journal's word for an integration that had no row before the import.
const noRow = "none"

func (a *App) journalPath() string { return filepath.Join(a.home, ImportJournal) }

// backupKey is where an import keeps the secret it replaces until its rows are committed.
func backupKey(id string) string { return vault.IntegrationSecretKey(id) + "-before-import" }

// journalEntry is one line of the journal.
type journalEntry struct {
	id     string
	before string // the row's UpdatedAt in Unix milliseconds before the import, or noRow
}

// journalImport backs up the secrets the import of list replaces, then writes the journal.
// In that order: the next start puts back, for each integration the journal names, the
// backup or no secret at all, so a journal that named an integration whose backup was not
// made yet would have a live secret deleted that the import never touched. A kill before
// the journal leaves backups that nothing names, and the live entries as they were; the
// next import of that integration writes its backup over them.
func (a *App) journalImport(ctx context.Context, list []transfer.Integration) error {
	var entries []journalEntry
	for _, in := range list {
		e := journalEntry{id: in.ID, before: noRow}
		r, err := store.IntegrationByID(ctx, a.db, in.ID)
		switch {
		case err == nil:
			e.before = strconv.FormatInt(r.UpdatedAt.UnixMilli(), 10)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		if err := a.backUpSecret(ctx, in.ID); err != nil {
			return err
		}
		entries = append(entries, e)
	}
	if len(entries) == 0 {
		return nil
	}
	err := private.WriteFile(a.journalPath(), true, func(w io.Writer) error {
		for _, e := range entries {
			if _, err := fmt.Fprintln(w, hex.EncodeToString([]byte(e.id)), e.before); err != nil {
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

// backUpSecret copies integration id's client secret to its backup entry; where it has
// none, a backup left by an import killed before its journal is deleted, so that it is never
// taken for this one's.
func (a *App) backUpSecret(ctx context.Context, id string) error {
	prev, err := a.keychain.Get(ctx, vault.IntegrationSecretKey(id))
	switch {
	case err == nil:
		err = a.keychain.Set(ctx, backupKey(id), prev)
	case errors.Is(err, vault.ErrNotFound):
		err = a.keychain.Delete(ctx, backupKey(id))
	}
	if err != nil && !errors.Is(err, vault.ErrNotFound) {
		return fmt.Errorf("keep the client secret of %s until the import is done: %w", id, err)
	}
	if afterImportBackup != nil {
		afterImportBackup(id)
	}
	return nil
}

// readJournal returns the journal's entries; none when there is no journal.
func (a *App) readJournal() ([]journalEntry, error) {
	b, err := os.ReadFile(a.journalPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []journalEntry
	for line := range strings.Lines(string(b)) {
		h, before, _ := strings.Cut(strings.TrimSpace(line), " ")
		id, err := hex.DecodeString(h)
		if err == nil && before != "" {
			out = append(out, journalEntry{id: string(id), before: before})
		}
	}
	return out, nil
}

// endImportJournal deletes the backups and the journal, once the import's rows are
// committed or every entry it wrote is restored.
func (a *App) endImportJournal(ctx context.Context) error {
	entries, err := a.readJournal()
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := a.keychain.Delete(ctx, backupKey(e.id)); err != nil && !errors.Is(err, vault.ErrNotFound) {
			return err
		}
	}
	if err := os.Remove(a.journalPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// sweepImport undoes what an import killed before its commit left in the keychain (see
// above) and reports how many entries it put back or deleted. An import under way in another
// process is left alone.
func (a *App) sweepImport(ctx context.Context) (int, error) {
	entries, err := a.readJournal()
	if err != nil || entries == nil {
		return 0, err
	}
	unlock, ok, err := a.locks.TryLock(importLock)
	if err != nil || !ok {
		return 0, err
	}
	defer unlock()
	n := 0
	for _, e := range entries {
		r, err := store.IntegrationByID(ctx, a.db, e.id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return n, err
		}
		if err == nil && strconv.FormatInt(r.UpdatedAt.UnixMilli(), 10) != e.before {
			continue // the import's row is there: so is its secret
		}
		if err := a.putBack(ctx, e.id); err != nil {
			return n, err
		}
		n++
	}
	return n, a.endImportJournal(ctx)
}

// putBack gives integration id's entry the secret it had before an unfinished import: its
// backup, or none.
func (a *App) putBack(ctx context.Context, id string) error {
	prev, err := a.keychain.Get(ctx, backupKey(id))
	switch {
	case err == nil:
		err = a.keychain.Set(ctx, vault.IntegrationSecretKey(id), prev)
	case errors.Is(err, vault.ErrNotFound):
		err = a.keychain.Delete(ctx, vault.IntegrationSecretKey(id))
	}
	if err != nil && !errors.Is(err, vault.ErrNotFound) {
		return fmt.Errorf("put back the client secret of %s: %w", id, err)
	}
	return nil
}
