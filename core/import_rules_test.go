package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/store"
)

// restoreFile is a file that restores a workspace with one administrator, root, whose
// passphrase is adminPass, and the given settings and integrations (JSON).
func restoreFile(t *testing.T, idleSeconds int64, integrations string) string {
	t.Helper()
	hash, err := access.Hash(secret(adminPass))
	if err != nil {
		t.Fatal(err)
	}
	return hostileFile(t, fmt.Sprintf(`{"format":1,"idle_lock_seconds":%d,"integrations":[%s],
		"users":[{"name":"root","privilege":"admin","passphrase_hash":%q}]}`, idleSeconds, integrations, hash))
}

// A restore applies only settings the form and the command line would accept: an idle lock
// of 0 (no lock at all), 1 second, or one that no duration holds refuses the whole file.
// 2^55+600 seconds wraps around, in nanoseconds, to exactly 10 minutes.
func TestRestoreRefusesSettingsOutOfRange(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	for _, secs := range []int64{0, 1, 59, 86401, 100_000_000_000, -60, 1<<55 + 600} {
		a, _ := openEmpty(t, clk, &syncBuffer{})
		_, _, err := a.Restore(ctx, restoreFile(t, secs, ""), ImportOptions{Passphrase: secret(filePass)}, "root", secret(adminPass))
		if !errors.Is(err, ErrNotExport) {
			t.Errorf("restore with idle_lock_seconds %d: %v, want ErrNotExport", secs, err)
		}
		if n, _ := store.CountUsers(ctx, a.db); n != 0 {
			t.Errorf("idle_lock_seconds %d: %d users restored, want none", secs, n)
		}
	}
	a, _ := openEmpty(t, clk, &syncBuffer{})
	s, _, err := a.Restore(ctx, restoreFile(t, 600, ""), ImportOptions{Passphrase: secret(filePass)}, "root", secret(adminPass))
	if err != nil {
		t.Fatalf("restore with an idle lock of 10 minutes: %v", err)
	}
	if d, err := a.IdleLock(ctx, s); err != nil || d.Minutes() != 10 {
		t.Errorf("idle lock after the restore: %v, %v; want 10 minutes", d, err)
	}
}

// An import takes every value through the form's rules: what the form ignores is dropped (a
// preset's endpoints, which the catalog gives), what it refuses refuses the file (an id no
// save would make, a custom integration passing for a preset, a fixed port the sandbox needs).
func TestImportFollowsTheFormsRules(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	endpoints := `"auth_url":"https://evil.example/auth","token_url":"https://evil.example/token","userinfo_url":"https://evil.example/me"`
	google := `{"id":"google","provider":"google","name":"Google Drive","client_id":"123-x.apps.googleusercontent.com",` +
		`"client_secret":"s3cret-from-file","tenant":"evil","issuer":"https://evil.example",` + endpoints + `}`
	if _, err := tm.app.Import(ctx, tm.admin, hostileFile(t, `{"format":1,"integrations":[`+google+`],"users":[]}`), ImportOptions{Passphrase: secret(filePass)}); err != nil {
		t.Fatalf("Import of a preset carrying endpoints: %v", err)
	}
	r, err := store.IntegrationByID(ctx, tm.app.db, "google")
	if err != nil || r.AuthURL != "" || r.TokenURL != "" || r.UserinfoURL != "" || r.Tenant != "" || r.Issuer != "" {
		t.Errorf("the imported preset keeps what the form ignores: %+v, %v", r, err)
	}
	custom := func(id, name string, port int) string {
		return fmt.Sprintf(`{"format":1,"integrations":[{"id":%q,"provider":"oauth2","name":%q,"client_id":"x","redirect_port":%d,%s}],"users":[]}`,
			id, name, port, endpoints)
	}
	for _, c := range []struct{ what, doc string }{
		{"id Google beside the preset", custom("Google", "Drive", 0)},
		{"id ..", custom("..", "Dots", 0)},
		{"id .hidden", custom(".hidden", "Dots", 0)},
		{"a preset's name", custom("custom-x", "google drive", 0)},
		{"the sandbox's port", custom("custom-x", "Mine", catalog.SandboxDefaultPort)},
	} {
		if _, err := tm.app.Import(ctx, tm.admin, hostileFile(t, c.doc), ImportOptions{Passphrase: secret(filePass), DryRun: true}); err == nil {
			t.Errorf("Import of a custom integration with %s: accepted", c.what)
		}
	}
	if _, err := tm.app.Import(ctx, tm.admin, hostileFile(t, custom("custom-x", "Mine", 0)), ImportOptions{Passphrase: secret(filePass), DryRun: true}); err != nil {
		t.Errorf("Import of a plain custom integration: %v", err)
	}
}

// The form refuses what an import refuses: a custom integration named as a preset, or on the
// sandbox's port.
func TestFormRefusesPresetNameAndSandboxPort(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	if _, err := tm.app.AddCustomIntegration(ctx, tm.admin, "Dropbox", catalog.OAuth2); !hasField(err, FieldName) {
		t.Errorf("AddCustomIntegration named Dropbox: %v, want the name refused", err)
	}
	id, err := tm.app.AddCustomIntegration(ctx, tm.admin, "Mine", catalog.OAuth2)
	if err != nil {
		t.Fatal(err)
	}
	in := IntegrationInput{ID: id, Name: "Mine", ClientID: "x", AuthURL: "https://idp.example/auth", TokenURL: "https://idp.example/token",
		Port: fmt.Sprint(catalog.SandboxDefaultPort)}
	if err := tm.app.SaveIntegration(ctx, tm.admin, in); !hasField(err, FieldPort) {
		t.Errorf("SaveIntegration on the sandbox's port: %v, want the port refused", err)
	}
}

func hasField(err error, field string) bool {
	var ve *ValidationError
	return errors.As(err, &ve) && ve.Fields[field] != ""
}

// The preview names each added user's privilege (a file can add administrators), and a
// passphrase hash below the app's own cost refuses the file, as one above the caps does.
func TestImportPreviewAndHashes(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	hash, err := access.Hash(secret("eve's passphrase 1"))
	if err != nil {
		t.Fatal(err)
	}
	user := func(hash string) string {
		return fmt.Sprintf(`{"format":1,"integrations":[],"users":[{"name":"eve","privilege":"admin","passphrase_hash":%q}]}`, hash)
	}
	plan, err := tm.app.Import(ctx, tm.admin, hostileFile(t, user(hash)), ImportOptions{Passphrase: secret(filePass), DryRun: true})
	if err != nil || len(plan.Users) != 1 || plan.Users[0].Privilege != access.Admin {
		t.Errorf("preview %+v, %v; want eve added as admin", plan.Users, err)
	}
	weak := strings.Replace(hash, fmt.Sprintf("m=%d,", access.HashParams.Memory), "m=8,", 1)
	if weak == hash {
		t.Fatalf("no memory parameter in %q", hash)
	}
	if _, err := tm.app.Import(ctx, tm.admin, hostileFile(t, user(weak)), ImportOptions{Passphrase: secret(filePass), DryRun: true}); !errors.Is(err, ErrNotExport) {
		t.Errorf("a hash below the app's cost: %v, want ErrNotExport", err)
	}
}
