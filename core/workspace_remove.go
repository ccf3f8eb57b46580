package core

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/vault"
)

// ErrRemoveNotConfirmed means the confirmation typed for RemoveWorkspace is not the
// workspace's folder.
var ErrRemoveNotConfirmed = errors.New("the confirmation is not the workspace's folder: type its path exactly as shown")

// Home is the workspace's folder.
func (a *App) Home() string { return a.home }

// RemoveWorkspace deletes this workspace for good (admin only): its schedule, if one runs its
// upkeep, then every keychain entry it holds (client secrets and what an import kept of them,
// tokens, the keys of the providers the app serves itself), then its folder (the database,
// the log, the locks). confirm is the folder's path, typed: nothing can be undone. Tokens
// are not revoked at the providers (disconnect the sources first for that). The keychain
// goes first: a failure there leaves the workspace whole, to try again. The App is closed
// once the entries are gone.
func (a *App) RemoveWorkspace(ctx context.Context, s *access.Session, confirm string) error {
	if _, err := a.authorize(ctx, s, access.WorkspaceRemove, "workspace", false); err != nil {
		return err
	}
	if filepath.Clean(strings.TrimSpace(confirm)) != filepath.Clean(a.home) {
		return fmt.Errorf("remove workspace %s: %w", a.home, ErrRemoveNotConfirmed)
	}
	if installed, err := a.scheduler.Installed(ctx, a.upkeepJob()); err == nil && installed {
		if err := a.scheduler.Remove(ctx, a.upkeepJob()); err != nil {
			return fmt.Errorf("remove workspace %s: remove its schedule: %w", a.home, err)
		}
	}
	keys, err := a.workspaceKeys(ctx)
	if err != nil {
		return fmt.Errorf("remove workspace %s: %w", a.home, err)
	}
	for _, k := range keys {
		if err := a.keychain.Delete(ctx, k); err != nil && !errors.Is(err, vault.ErrNotFound) {
			return fmt.Errorf("remove workspace %s: %w", a.home, err)
		}
	}
	if err := a.Close(); err != nil {
		a.log.Error("close the workspace being removed", "err", err)
	}
	if err := os.RemoveAll(a.home); err != nil {
		return fmt.Errorf("remove workspace %s: its keychain entries are gone, the folder is not: %w", a.home, err)
	}
	return nil
}

// workspaceKeys lists every keychain entry the workspace may hold: the keychain cannot list
// them, so they are named from the database (and every preset, saved or not).
func (a *App) workspaceKeys(ctx context.Context) ([]string, error) {
	ids := map[string]bool{}
	for _, p := range catalog.All() {
		ids[string(p.ID)] = true
	}
	rows, err := store.Integrations(ctx, a.db)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		ids[r.ID] = true
	}
	var keys []string
	for _, h := range a.hosts {
		keys = append(keys, h.keys()...)
	}
	for id := range ids {
		keys = append(keys, vault.IntegrationSecretKey(id), backupKey(id))
	}
	srcs, err := store.Sources(ctx, a.db, store.SourceFilter{})
	if err != nil {
		return nil, err
	}
	pending, err := store.PendingSources(ctx, a.db)
	if err != nil {
		return nil, err
	}
	for _, src := range srcs {
		pending = append(pending, src.ID)
	}
	for _, id := range pending {
		keys = append(keys, vault.SourceTokenKey(id))
	}
	return keys, nil
}
