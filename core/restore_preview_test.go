package core

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/core/access"
)

// A restore's preview needs only what opens the file: it names who exported it, when, and
// the administrators who may restore it (active ones only), and it changes nothing. A name
// that may not restore is told which names may.
func TestPreviewRestoreNamesWhatPeopleKnow(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	if _, err := tm.app.AddUser(ctx, tm.admin, "amy", access.Admin, secret(bossPass), secret(bossPass)); err != nil {
		t.Fatal(err)
	}
	zed, err := tm.app.AddUser(ctx, tm.admin, "zed", access.Admin, secret(bossPass), secret(bossPass))
	if err == nil {
		err = tm.app.DisableUser(ctx, tm.admin, zed)
	}
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ws.age")
	if _, err := tm.app.Export(ctx, tm.admin, file, ExportOptions{Passphrase: secret(filePass), Confirm: secret(filePass)}); err != nil {
		t.Fatal(err)
	}

	empty, _ := openEmpty(t, tm.clk, &syncBuffer{})
	if _, err := empty.PreviewRestore(ctx, file, ImportOptions{Passphrase: secret("not the file's passphrase")}); !errors.Is(err, ErrFileKey) {
		t.Errorf("preview with a wrong file passphrase: %v, want ErrFileKey", err)
	}
	plan, err := empty.PreviewRestore(ctx, file, ImportOptions{Passphrase: secret(filePass)})
	if err != nil {
		t.Fatalf("PreviewRestore: %v", err)
	}
	if want := []string{"amy", "root"}; !slices.Equal(plan.Admins, want) {
		t.Errorf("administrators of the file %q, want %q (zed is disabled, wendy and rita are no administrators)", plan.Admins, want)
	}
	if plan.ExportedBy != "root" || !plan.ExportedAt.Equal(tm.clk.Now()) || plan.Workspace != tm.app.WorkspaceID() || !plan.DryRun {
		t.Errorf("plan: exported by %q at %v from %q, dry run %t; want root at %v from %q, a dry run",
			plan.ExportedBy, plan.ExportedAt, plan.Workspace, plan.DryRun, tm.clk.Now(), tm.app.WorkspaceID())
	}
	if Count(plan.Users, ChangeAdd) != 5 {
		t.Errorf("plan adds %d users, want the file's 5", Count(plan.Users, ChangeAdd))
	}
	if yes, _ := empty.NeedsFirstAdmin(ctx); !yes {
		t.Fatal("the preview set the workspace up")
	}

	for _, tc := range []struct {
		name string
		want error
	}{{"wendy", ErrRestoreNotAdmin}, {"zed", ErrRestoreNotAdmin}, {"nobody", access.ErrUnknownUser}} {
		_, _, err := empty.Restore(ctx, file, ImportOptions{Passphrase: secret(filePass)}, tc.name, secret(bossPass))
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), "the file's administrators: amy, root") {
			t.Errorf("restore as %s: %v; want %v naming amy and root", tc.name, err, tc.want)
		}
	}
	if _, err := tm.app.PreviewRestore(ctx, file, ImportOptions{Passphrase: secret(filePass)}); !errors.Is(err, ErrAlreadySetUp) {
		t.Errorf("preview of a restore into a workspace in use: %v, want ErrAlreadySetUp", err)
	}
}

// A file written before files named who exported them previews with no name, not a made-up one.
func TestPreviewRestoreOfAnOlderFile(t *testing.T) {
	empty, _ := openEmpty(t, newClock(), &syncBuffer{})
	plan, err := empty.PreviewRestore(context.Background(), restoreFile(t, 600, ""), ImportOptions{Passphrase: secret(filePass)})
	if err != nil {
		t.Fatal(err)
	}
	if plan.ExportedBy != "" || !slices.Equal(plan.Admins, []string{"root"}) {
		t.Errorf("exported by %q, administrators %q; want none and root", plan.ExportedBy, plan.Admins)
	}
}

// The export's default file is named after today, in Documents where the person has one.
func TestDefaultExportPath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	clk := newClock()
	a, _ := openEmpty(t, clk, &syncBuffer{})
	name := "medialake-connect-" + clk.Now().Local().Format("2006-01-02") + ".age"
	if got, want := a.DefaultExportPath(), filepath.Join(home, name); got != want {
		t.Errorf("without Documents: %q, want %q", got, want)
	}
	if err := os.Mkdir(filepath.Join(home, "Documents"), 0o700); err != nil {
		t.Fatal(err)
	}
	if got, want := a.DefaultExportPath(), filepath.Join(home, "Documents", name); got != want {
		t.Errorf("with Documents: %q, want %q", got, want)
	}
	if got := ExportFolder(); got != filepath.Join(home, "Documents") {
		t.Errorf("ExportFolder = %q, want the Documents folder", got)
	}
}

// The restore offers the export changed last in the folder, and nothing where there is none:
// neither another program's .age file nor a folder of the export's name counts.
func TestNewestExport(t *testing.T) {
	dir := t.TempDir()
	if got := NewestExport(dir); got != "" {
		t.Errorf("an empty folder offers %q, want nothing", got)
	}
	base := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for i, name := range []string{"medialake-connect-2026-11-03.age", "medialake-connect-2026-11-01.age", "other.age"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		// The file of the 1st was written after the 3rd's; other.age last of all.
		at := base.Add(time.Duration(i) * time.Hour)
		if err := os.Chtimes(path, at, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "medialake-connect-2026-12-01.age"), 0o700); err != nil {
		t.Fatal(err)
	}
	if got, want := NewestExport(dir), filepath.Join(dir, "medialake-connect-2026-11-01.age"); got != want {
		t.Errorf("NewestExport = %q, want %q", got, want)
	}
}
