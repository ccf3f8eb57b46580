package core

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/childproc"
)

func init() {
	childModes["import-killed-backup"] = childImportKilledAt(func() {
		afterImportBackup = func(string) {
			fmt.Println("one backed up")
			killSelf()
		}
	})
	childModes["import-killed-commit"] = childImportKilledAt(func() {
		afterImportCommit = func() {
			fmt.Println("committed")
			killSelf()
		}
	})
}

// childImportKilledAt imports the file into its workspace in use as boss, replacing every
// integration, once arm has placed the kill.
func childImportKilledAt(arm func()) func(ctx context.Context, a *App) error {
	return func(ctx context.Context, a *App) error {
		arm()
		s, err := a.SignIn(ctx, "boss", secret(bossPass))
		if err != nil {
			return err
		}
		_, err = a.Import(ctx, s, os.Getenv(childFileEnv), ImportOptions{Passphrase: secret(filePass), ReplaceAll: true})
		return err
	}
}

// inUseWithBoth is inUse with the file's other integration, "idp", here as well, with a
// secret of its own: an import that replaces both backs up two secrets.
func inUseWithBoth(t *testing.T, tm *connectTeam) *App {
	t.Helper()
	ctx := context.Background()
	a, _ := inUse(t, tm)
	now := tm.clk.Now()
	in := store.Integration{ID: "idp", Provider: "oauth2", Name: "Here too", ClientID: "here-idp", Scopes: []string{"files.read"},
		SecretSetAt: now, SecretSetBy: "boss", CreatedAt: now, UpdatedAt: now}
	in.AuthURL, in.TokenURL, in.RevokeURL, in.UserinfoURL, _ = tm.srv.Endpoints()
	if err := a.keychain.Set(ctx, vault.IntegrationSecretKey("idp"), secret("here-idp-secret")); err != nil {
		t.Fatal(err)
	}
	if err := store.PutIntegration(ctx, a.db, in); err != nil {
		t.Fatal(err)
	}
	return a
}

// An import killed while it backs up the secrets it replaces leaves every secret here as it
// was, once the next start has swept: none is deleted for want of a backup not made yet.
func TestKillDuringImportBackupsKeepsSecrets(t *testing.T) {
	tm, file := exportTeam(t, false)
	a := inUseWithBoth(t, tm)
	before := importState(t, a)
	child := childproc.Start(t, childModeEnv+"=import-killed-backup", childHomeEnv+"="+a.home, childFileEnv+"="+file)
	child.Expect("one backed up")
	child.End()
	again := openApp(t, a.home, tm.clk)
	if got := importState(t, again); got != before {
		t.Errorf("after an import killed during its backups and a start:\n%s\nwas\n%s", got, before)
	}
	again.Close()

	// The kill left a backup of idp's secret that no journal names. Once that secret is gone
	// here, a later import killed after writing its secrets must not bring the stale backup
	// back: idp is left without a secret, as it was before that import.
	ctx := context.Background()
	if err := a.keychain.Delete(ctx, vault.IntegrationSecretKey("idp")); err != nil {
		t.Fatal(err)
	}
	child = childproc.Start(t, childModeEnv+"=import-killed", childHomeEnv+"="+a.home, childFileEnv+"="+file)
	child.Expect("secrets written")
	child.End()
	third := openApp(t, a.home, tm.clk)
	if got, err := third.keychain.Get(ctx, vault.IntegrationSecretKey("idp")); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("idp after a second killed import: %q, %v; want no secret, as before it", got.Reveal(), err)
	}
}

// An import killed after its commit, before its journal ends, stays made: the next start
// keeps the file's secrets with the file's rows, even where the file's rows carry the very
// time of the rows they replaced (one's own backup re-imported).
func TestKillAfterImportCommitKeepsImport(t *testing.T) {
	ctx := context.Background()
	tm, file := exportTeam(t, false)
	a := inUseWithBoth(t, tm)
	for _, id := range []string{"idp", "kept"} {
		sameTimeAsFile(t, tm.app, a, id)
	}
	child := childproc.Start(t, childModeEnv+"=import-killed-commit", childHomeEnv+"="+a.home, childFileEnv+"="+file)
	child.Expect("committed")
	child.End()
	again := openApp(t, a.home, tm.clk)
	for id, want := range map[string]string{"idp": idpSecret, "kept": keptSecret} {
		r, err := store.IntegrationByID(ctx, again.db, id)
		if err != nil || r.ClientID != id {
			t.Errorf("%s: row %+v, %v; want the file's client id", id, r, err)
		}
		if got, err := again.keychain.Get(ctx, vault.IntegrationSecretKey(id)); err != nil || got.Reveal() != want {
			t.Errorf("%s: the client secret is not the file's (%v): the next start undid a committed import", id, err)
		}
		if _, err := again.keychain.Get(ctx, backupKey(id)); !errors.Is(err, vault.ErrNotFound) {
			t.Errorf("%s: the backup entry is still there: %v", id, err)
		}
	}
}

// sameTimeAsFile gives integration id in a the time of its row in from, the exported
// workspace.
func sameTimeAsFile(t *testing.T, from, a *App, id string) {
	t.Helper()
	ctx := context.Background()
	src, err := store.IntegrationByID(ctx, from.db, id)
	if err != nil {
		t.Fatal(err)
	}
	r, err := store.IntegrationByID(ctx, a.db, id)
	if err != nil {
		t.Fatal(err)
	}
	r.UpdatedAt = src.UpdatedAt
	if err := store.PutIntegration(ctx, a.db, r); err != nil {
		t.Fatal(err)
	}
}

// An imported row is stamped later than the row it replaces, even by a clock that stands
// still: the journal tells the two apart by that time.
func TestImportStampsRowsLater(t *testing.T) {
	ctx := context.Background()
	tm, file := exportTeam(t, false)
	a, s := inUse(t, tm)
	sameTimeAsFile(t, tm.app, a, "kept")
	here, err := store.IntegrationByID(ctx, a.db, "kept")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Import(ctx, s, file, ImportOptions{Passphrase: secret(filePass), ReplaceAll: true}); err != nil {
		t.Fatal(err)
	}
	after, err := store.IntegrationByID(ctx, a.db, "kept")
	if err != nil {
		t.Fatal(err)
	}
	if after.UpdatedAt.UnixMilli() <= here.UpdatedAt.UnixMilli() {
		t.Errorf("imported row's time %v, the row it replaced %v: want later", after.UpdatedAt, here.UpdatedAt)
	}
}

// The list asks the keychain whether a secret the row speaks of is there: an entry gone
// (deleted by hand, or by an import undone) shows as "secret missing", not as ready.
func TestIntegrationsSecretMissingFromKeychain(t *testing.T) {
	ctx := context.Background()
	tm, _ := exportTeam(t, false)
	if err := tm.app.keychain.Delete(ctx, vault.IntegrationSecretKey("kept")); err != nil {
		t.Fatal(err)
	}
	list, err := tm.app.Integrations(ctx, tm.admin)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]IntegrationState{}
	for _, v := range list {
		states[v.ID] = v.State
	}
	if states["kept"] != StateSecretMissing || states["idp"] != StateEnabled {
		t.Errorf("states kept %v, idp %v; want secret missing, enabled", states["kept"], states["idp"])
	}
	if v, err := tm.app.Integration(ctx, tm.admin, "kept"); err != nil || v.State != StateSecretMissing {
		t.Errorf("Integration(kept): %v, %v; want secret missing", v.State, err)
	}
}
