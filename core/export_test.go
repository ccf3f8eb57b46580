package core

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/transfer"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/childproc"
	"github.com/medialake/connect/internal/testkit"
)

const (
	filePass   = "file passphrase for the move"
	idpSecret  = "idp-client-secret-5b0c9e"
	keptSecret = "kept-client-secret-77aa1"
	bossPass   = "boss passphrase 9"
)

// exportTeam is a workspace in use with two integrations that have client secrets in the
// real keychain, one source, and an export file of it.
func exportTeam(t *testing.T, armored bool) (*connectTeam, string) {
	t.Helper()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oauth2", atServer: idpSecret, sent: idpSecret})
	tm.addIntegration(t, integrationSpec{id: "kept", provider: "oidc", atServer: keptSecret, sent: keptSecret})
	tm.connect(t, tm.writer, "idp")
	file := filepath.Join(t.TempDir(), "workspace.age")
	rep, err := tm.app.Export(context.Background(), tm.admin, file, ExportOptions{Passphrase: secret(filePass), Confirm: secret(filePass), Armor: armored, WithActivity: true})
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	if rep.Integrations != 2 || rep.Users != 3 || rep.SourcesLeftOut != 1 || rep.Activity == 0 {
		t.Fatalf("export report %+v", rep)
	}
	return tm, file
}

// openEmpty opens a second, empty workspace with its log in buf.
func openEmpty(t *testing.T, clk *clock, buf *syncBuffer) (*App, string) {
	t.Helper()
	home := filepath.Join(t.TempDir(), "second")
	a, err := Open(context.Background(), Config{Home: home, Now: clk.Now,
		Logger: slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, home
}

// assertNoSecretIn fails if any of the secrets' bytes are in a file under the paths.
func assertNoSecretIn(t *testing.T, secrets []string, paths ...string) {
	t.Helper()
	for _, root := range paths {
		filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("%s holds a secret in clear", path)
				}
			}
			return nil
		})
	}
}

func TestExportRestoreRoundTrip(t *testing.T) {
	for _, armored := range []bool{false, true} {
		t.Run(fmt.Sprintf("armor=%v", armored), func(t *testing.T) {
			ctx := context.Background()
			tm, file := exportTeam(t, armored)
			wendy, err := store.UserByName(context.Background(), tm.app.db, "wendy")
			if err != nil {
				t.Fatal(err)
			}
			hash := wendy.PassphraseHash
			b := &syncBuffer{}
			second, home := openEmpty(t, tm.clk, b)
			if second.WorkspaceID() == tm.app.WorkspaceID() {
				t.Fatal("the two workspaces share an id")
			}
			s, plan, err := second.Restore(ctx, file, ImportOptions{Passphrase: secret(filePass)}, "ROOT", secret(adminPass))
			if err != nil {
				t.Fatalf("Restore: %v", err)
			}
			if Count(plan.Integrations, ChangeAdd) != 2 || Count(plan.Users, ChangeAdd) != 3 || plan.SourcesLeftOut != 1 || !plan.Settings {
				t.Errorf("plan %+v", plan)
			}
			// The imported secret is this workspace's own entry, and the first keeps its own.
			for _, ws := range []*App{second, tm.app} {
				got, err := ws.keychain.Get(ctx, vault.IntegrationSecretKey("idp"))
				if err != nil || got.Reveal() != idpSecret {
					t.Errorf("workspace %s: client secret %v", ws.WorkspaceID(), err)
				}
			}
			if _, err := second.SignIn(ctx, "wendy", secret(writerPass)); err != nil {
				t.Errorf("wendy signs in with her passphrase: %v", err)
			}
			if rows, _ := store.Sources(ctx, second.db, store.SourceFilter{}); len(rows) != 0 {
				t.Errorf("%d sources imported, want none", len(rows))
			}
			br := testkit.NewBrowser(t, tm.srv)
			report, err := second.TestAuthorization(ctx, s, "idp", FlowHooks{OpenURL: br.Open})
			br.Wait()
			if err != nil || !report.OK {
				t.Fatalf("TestAuthorization with the imported secret: %+v, %v", report, err)
			}
			if e := lastEntryOf(t, second, access.WorkspaceImport); !strings.Contains(e.Detail, "2 added") {
				t.Errorf("import entry %+v", e)
			}
			if e := lastEntryOf(t, tm.app, access.WorkspaceExport); !strings.Contains(e.Detail, "to a passphrase") || e.Outcome != store.OutcomeOK {
				t.Errorf("export entry %+v", e)
			}
			secrets := []string{idpSecret, keptSecret, filePass, adminPass, writerPass, hash}
			assertNoSecretIn(t, secrets[:5], file, home, tm.home)
			assertNoSecretIn(t, secrets[5:], file)
			if bytes.Contains(append(tm.log.Bytes(), b.Bytes()...), []byte(idpSecret)) {
				t.Error("a log holds the client secret")
			}
			if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("file mode %v, %v; want 0600", st.Mode(), err)
			}
		})
	}
}

func lastEntryOf(t *testing.T, a *App, action access.Action) store.Entry {
	t.Helper()
	page, err := store.Activity(context.Background(), a.db, store.ActivityFilter{Action: string(action), Limit: 1})
	if err != nil || len(page) == 0 {
		t.Fatalf("no %s entry: %v", action, err)
	}
	return page[0]
}

// importState is what an import must leave as it was: every row but the activity log's, and
// the keychain entries of the integrations in the file.
func importState(t *testing.T, a *App) string {
	t.Helper()
	ctx := context.Background()
	ins, err := store.Integrations(ctx, a.db)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := store.ReadWorkspace(ctx, a.db)
	if err != nil {
		t.Fatal(err)
	}
	snap := takeSnapshot(t, a)
	for i := range snap.Users {
		snap.Users[i].LastSignInAt = time.Time{} // a child process signs in; an import never does
	}
	out := fmt.Sprintf("%+v\n%+v\n%+v\n", snap, ins, ws)
	for _, id := range []string{"idp", "kept"} {
		s, err := a.keychain.Get(ctx, vault.IntegrationSecretKey(id))
		out += fmt.Sprintf("%s: %q %v\n", id, s.Reveal(), err)
	}
	return out
}

// inUse is a second workspace in use: its own admin, a user called wendy and its own
// integration "kept" with another secret.
func inUse(t *testing.T, tm *connectTeam) (*App, *access.Session) {
	t.Helper()
	ctx := context.Background()
	a, _ := openEmpty(t, tm.clk, &syncBuffer{})
	s, err := a.CreateFirstAdmin(ctx, "boss", secret(bossPass), secret(bossPass))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddUser(ctx, s, "Wendy", access.Read, secret("other passphrase"), secret("other passphrase")); err != nil {
		t.Fatal(err)
	}
	now := tm.clk.Now()
	in := store.Integration{ID: "kept", Provider: "oidc", Name: "Here", ClientID: "here-id", Issuer: tm.srv.Issuer(),
		SecretSetAt: now, SecretSetBy: "boss", CreatedAt: now, UpdatedAt: now}
	if err := a.keychain.Set(ctx, vault.IntegrationSecretKey("kept"), secret("here-secret")); err != nil {
		t.Fatal(err)
	}
	if err := store.PutIntegration(ctx, a.db, in); err != nil {
		t.Fatal(err)
	}
	return a, s
}

func TestImportIntoWorkspaceInUse(t *testing.T) {
	ctx := context.Background()
	tm, file := exportTeam(t, false)
	a, s := inUse(t, tm)
	opt := ImportOptions{Passphrase: secret(filePass), DryRun: true}

	before := importState(t, a)
	plan, err := a.Import(ctx, s, file, opt)
	if err != nil {
		t.Fatal(err)
	}
	if got := importState(t, a); got != before {
		t.Errorf("a dry run changed the workspace:\n%s\nwas\n%s", got, before)
	}
	want := "idp add, kept skip; rita add, root add, wendy skip"
	if got := planText(plan); got != want {
		t.Errorf("plan %q, want %q", got, want)
	}

	opt.DryRun, opt.Replace = false, []string{"kept"}
	if plan, err = a.Import(ctx, s, file, opt); err != nil {
		t.Fatal(err)
	}
	if got, want := planText(plan), "idp add, kept replace; rita add, root add, wendy skip"; got != want {
		t.Errorf("plan %q, want %q", got, want)
	}
	if got, _ := a.keychain.Get(ctx, vault.IntegrationSecretKey("kept")); got.Reveal() != keptSecret {
		t.Error("the replaced integration kept its old secret")
	}
	if u, _ := store.UserByName(ctx, a.db, "wendy"); u.Privilege != access.Read {
		t.Error("an existing user was overwritten")
	}
	if _, err := a.Import(ctx, s, file, ImportOptions{Passphrase: secret(filePass), Replace: []string{"nope"}}); !errors.Is(err, ErrNotInFile) {
		t.Errorf("replacing an id the file lacks: %v", err)
	}
	if _, err := tm.app.Import(ctx, tm.writer, file, opt); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("a writer imports: %v, want ErrForbidden", err)
	}
	if _, err := tm.app.Export(ctx, tm.writer, file+"2", ExportOptions{Passphrase: secret(filePass), Confirm: secret(filePass)}); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("a writer exports: %v, want ErrForbidden", err)
	}
}

func planText(p ImportPlan) string {
	var in, us []string
	for _, it := range p.Integrations {
		in = append(in, it.ID+" "+string(it.Change))
	}
	for _, it := range p.Users {
		us = append(us, it.Name+" "+string(it.Change))
	}
	return strings.Join(in, ", ") + "; " + strings.Join(us, ", ")
}

// TestImportRefusalsChangeNothing: each bad file or key leaves the database and the keychain
// exactly as they were, with one "failed" entry in the activity log.
func TestImportRefusalsChangeNothing(t *testing.T) {
	ctx := context.Background()
	tm, file := exportTeam(t, false)
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	write := func(b []byte) string {
		p := filepath.Join(t.TempDir(), "f.age")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tampered := bytes.Clone(good)
	tampered[len(tampered)-30] ^= 0x40
	newer := encryptRaw(t, `{"format":99}`)
	// A file whose integration the rule book refuses, as a form with that value would be: a
	// token endpoint in clear over the network, where the client secret would go.
	doc, err := transfer.Decode(bytes.NewReader(good), transfer.Keys{Passphrase: secret(filePass)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range doc.Integrations {
		if doc.Integrations[i].ID == "idp" {
			doc.Integrations[i].TokenURL = "http://evil.example/token"
		}
	}
	var plain bytes.Buffer
	if err := transfer.Encode(&plain, doc, transfer.Keys{Passphrase: secret(filePass)}, false); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		path string
		opt  ImportOptions
		want error
	}{
		{"wrong passphrase", file, ImportOptions{Passphrase: secret("not the passphrase")}, ErrFileKey},
		{"identity of another key", file, ImportOptions{Identity: secret(otherIdentity(t))}, ErrFileKey},
		{"truncated", write(good[:len(good)-100]), ImportOptions{Passphrase: secret(filePass)}, ErrFileDamaged},
		{"tampered", write(tampered), ImportOptions{Passphrase: secret(filePass)}, ErrFileDamaged},
		{"empty", write(nil), ImportOptions{Passphrase: secret(filePass)}, ErrFileEmpty},
		{"newer version", write(newer), ImportOptions{Passphrase: secret(filePass)}, ErrFileNewer},
		{"settings the rules refuse", write(plain.Bytes()), ImportOptions{Passphrase: secret(filePass)}, ErrNotExport},
	}
	a, s := inUse(t, tm)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, entries := importState(t, a), countActivity(t, a)
			tc.opt.ReplaceAll = true
			_, err := a.Import(ctx, s, tc.path, tc.opt)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Import: %v, want %v", err, tc.want)
			}
			if got := importState(t, a); got != before {
				t.Errorf("workspace changed:\n%s\nwas\n%s", got, before)
			}
			if n := countActivity(t, a); n != entries+1 || lastEntries(t, a, 1)[0].Outcome != store.OutcomeFailed {
				t.Errorf("activity: %d entries, was %d; want one failed entry more", n, entries)
			}
			// Restore refuses the same file the same way, into an empty workspace.
			empty, _ := openEmpty(t, tm.clk, &syncBuffer{})
			if _, _, err := empty.Restore(ctx, tc.path, tc.opt, "root", secret(adminPass)); !errors.Is(err, tc.want) {
				t.Errorf("Restore: %v, want %v", err, tc.want)
			}
			if n, _ := store.CountUsers(ctx, empty.db); n != 0 {
				t.Error("a refused restore added users")
			}
		})
	}
	empty, _ := openEmpty(t, tm.clk, &syncBuffer{})
	if _, _, err := empty.Restore(ctx, file, ImportOptions{Passphrase: secret(filePass)}, "root", secret("wrong admin pass")); !errors.Is(err, access.ErrWrongPassphrase) {
		t.Errorf("restore with the wrong admin passphrase: %v", err)
	}
	if _, _, err := empty.Restore(ctx, file, ImportOptions{Passphrase: secret(filePass)}, "wendy", secret(writerPass)); !errors.Is(err, ErrRestoreNotAdmin) {
		t.Errorf("restore as a writer: %v", err)
	}
	if n, _ := store.CountUsers(ctx, empty.db); n != 0 {
		t.Error("a refused restore added users")
	}
}

// nthSetFails fails the nth Set and every one after it.
type nthSetFails struct {
	Keychain
	n, sets int
}

func (k *nthSetFails) Set(ctx context.Context, key string, s redact.Secret) error {
	k.sets++
	if k.sets >= k.n {
		return fmt.Errorf("set %s: %w", key, vault.ErrUnavailable)
	}
	return k.Keychain.Set(ctx, key, s)
}

func TestImportKeychainFailsHalfway(t *testing.T) {
	ctx := context.Background()
	tm, file := exportTeam(t, false)
	a, s := inUse(t, tm)
	before := importState(t, a)
	real := a.keychain
	a.keychain = &nthSetFails{Keychain: real, n: 2} // idp's secret is written, kept's fails
	_, err := a.Import(ctx, s, file, ImportOptions{Passphrase: secret(filePass), ReplaceAll: true})
	a.keychain = real
	if !errors.Is(err, vault.ErrUnavailable) {
		t.Fatalf("Import: %v, want ErrUnavailable", err)
	}
	if got := importState(t, a); got != before {
		t.Errorf("workspace changed:\n%s\nwas\n%s", got, before)
	}
	if _, err := os.Stat(a.journalPath()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("journal left behind: %v", err)
	}
}

func TestExportRefusesExistingFile(t *testing.T) {
	ctx := context.Background()
	tm, file := exportTeam(t, false)
	before, _ := os.ReadFile(file)
	_, err := tm.app.Export(ctx, tm.admin, file, ExportOptions{Passphrase: secret(filePass), Confirm: secret("typed otherwise"), Force: true})
	if !errors.Is(err, access.ErrMismatch) {
		t.Errorf("Export with two different passphrases: %v, want ErrMismatch", err)
	}
	_, err = tm.app.Export(ctx, tm.admin, file, ExportOptions{Passphrase: secret(filePass), Confirm: secret(filePass)})
	if !errors.Is(err, ErrFileExists) {
		t.Fatalf("Export over a file: %v, want ErrFileExists", err)
	}
	if after, _ := os.ReadFile(file); !bytes.Equal(before, after) {
		t.Error("the existing file changed")
	}
	if _, err := tm.app.Export(ctx, tm.admin, file, ExportOptions{Passphrase: secret(filePass), Confirm: secret(filePass), Force: true}); err != nil {
		t.Fatalf("Export with Force: %v", err)
	}
	if e := lastEntryOf(t, tm.app, access.WorkspaceExport); e.Outcome != store.OutcomeOK {
		t.Errorf("entry %+v", e)
	}
}

// childRestoreKilled restores the file named in the environment into its empty workspace and
// kills itself (SIGKILL) once the client secrets are in the keychain, before any row is saved.
func childRestoreKilled(ctx context.Context, a *App) error {
	afterImportSecrets = func() {
		fmt.Println("secrets written")
		killSelf()
	}
	_, _, err := a.Restore(ctx, os.Getenv(childFileEnv), ImportOptions{Passphrase: secret(filePass)}, "root", secret(adminPass))
	return err
}

const childFileEnv = "MEDIALAKE_CORE_TEST_FILE"

func TestKillDuringRestore(t *testing.T) {
	ctx := context.Background()
	tm, file := exportTeam(t, false)
	home := filepath.Join(t.TempDir(), "restored")
	first, err := Open(ctx, Config{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	id := first.WorkspaceID()
	first.Close()

	child := childproc.Start(t, childModeEnv+"=restore-killed", childHomeEnv+"="+home, childFileEnv+"="+file)
	child.Expect("secrets written")
	child.End()
	// The secret is there: the kill came between the keychain and the database.
	kc := vault.New(id, vault.Config{})
	if got, err := kc.Get(ctx, vault.IntegrationSecretKey("idp")); err != nil || got.Reveal() != idpSecret {
		t.Fatalf("before the next start: %v", err)
	}
	a := openApp(t, home, tm.clk)
	if n, _ := store.CountUsers(ctx, a.db); n != 0 {
		t.Errorf("%d users after a killed restore", n)
	}
	if ins, _ := store.Integrations(ctx, a.db); len(ins) != 0 {
		t.Errorf("%d integrations after a killed restore", len(ins))
	}
	for _, key := range []string{"idp", "kept"} {
		if _, err := a.keychain.Get(ctx, vault.IntegrationSecretKey(key)); !errors.Is(err, vault.ErrNotFound) {
			t.Errorf("%s: the secret of the killed restore is still there: %v", key, err)
		}
	}
	if _, err := os.Stat(a.journalPath()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("journal left behind: %v", err)
	}
	// And the restore still works afterwards.
	if _, _, err := a.Restore(ctx, file, ImportOptions{Passphrase: secret(filePass)}, "root", secret(adminPass)); err != nil {
		t.Fatalf("Restore after the kill: %v", err)
	}
}

func init() {
	childModes["restore-killed"] = childRestoreKilled
	childModes["import-killed"] = childImportKilled
}

// childImportKilled imports the file into its workspace in use as boss, replacing every
// integration, and kills itself once the client secrets are in the keychain.
var childImportKilled = childImportKilledAt(func() {
	afterImportSecrets = func() {
		fmt.Println("secrets written")
		killSelf()
	}
})

// TestKillDuringImport kills an import into a workspace in use that replaces an integration
// and its secret: after the next start the workspace is as it was, the old secret included.
func TestKillDuringImport(t *testing.T) {
	ctx := context.Background()
	tm, file := exportTeam(t, false)
	a, _ := inUse(t, tm)
	before := importState(t, a)
	child := childproc.Start(t, childModeEnv+"=import-killed", childHomeEnv+"="+a.home, childFileEnv+"="+file)
	child.Expect("secrets written")
	child.End()
	if got, err := a.keychain.Get(ctx, vault.IntegrationSecretKey("kept")); err != nil || got.Reveal() != keptSecret {
		t.Fatalf("before the next start the replaced secret is %v, want the file's", err)
	}
	again := openApp(t, a.home, tm.clk)
	if got := importState(t, again); got != before {
		t.Errorf("after a killed import and a start:\n%s\nwas\n%s", got, before)
	}
	if _, err := again.keychain.Get(ctx, backupKey("kept")); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("the backup entry is still there: %v", err)
	}
	if _, err := os.Stat(again.journalPath()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("journal left behind: %v", err)
	}
}

func killSelf() {
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {} // the signal is on its way
}

// encryptRaw encrypts doc to filePass as a file of another app version might hold it.
func encryptRaw(t *testing.T, doc string) []byte {
	t.Helper()
	r, err := age.NewScryptRecipient(filePass)
	if err != nil {
		t.Fatal(err)
	}
	r.SetWorkFactor(transfer.WorkFactor)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err == nil {
		_, err = w.Write([]byte(doc))
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func otherIdentity(t *testing.T) string {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

// TestImportRefusesAPortTaken: an imported integration whose fixed port another one here has
// is refused, and nothing changes.
func TestImportRefusesAPortTaken(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oauth2", atServer: idpSecret, sent: idpSecret, port: 50123})
	file := filepath.Join(t.TempDir(), "ws.age")
	if _, err := tm.app.Export(ctx, tm.admin, file, ExportOptions{Passphrase: secret(filePass), Confirm: secret(filePass)}); err != nil {
		t.Fatal(err)
	}
	a, s := inUse(t, tm)
	now := tm.clk.Now()
	err := store.PutIntegration(ctx, a.db, store.Integration{ID: "here", Provider: "oauth2", Name: "Here", RedirectPort: 50123, CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	before := importState(t, a)
	_, err = a.Import(ctx, s, file, ImportOptions{Passphrase: secret(filePass)})
	var v *ValidationError
	if !errors.As(err, &v) || !strings.Contains(v.Fields[FieldPort], "50123") {
		t.Fatalf("Import: %v, want a ValidationError on the port", err)
	}
	if got := importState(t, a); got != before {
		t.Errorf("workspace changed:\n%s\nwas\n%s", got, before)
	}
}
