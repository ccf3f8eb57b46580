package gui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/internal/keychaintest"
)

const filePass = "the file's passphrase, long"

// withCustom adds to adminAndWriter's workspace a custom integration.
func withCustom(t *testing.T) func(c *core.App) {
	return func(c *core.App) {
		adminAndWriter(t)(c)
		s, err := c.SignIn(context.Background(), "Ada", core.NewSecret(goodPass))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.AddCustomIntegration(context.Background(), s, "Corp IdP", core.OIDC); err != nil {
			t.Fatal(err)
		}
		c.SignOut(context.Background(), s)
	}
}

// exportThroughDialog exports f's workspace with the Export… dialog and returns the file.
func exportThroughDialog(t *testing.T, f *fixture) string {
	t.Helper()
	p := f.ui.home.settings
	test.Tap(p.exportButton)
	e := p.exporting
	if e == nil || f.ui.win.Canvas().Focused() != e.file {
		t.Fatal("Export… opened no dialog, or the file field has no focus")
	}
	file := filepath.Join(t.TempDir(), "ws.age")
	test.Type(e.file, file)
	test.Type(e.pass, "short")
	if !strings.Contains(e.hint.Text, "too short") {
		t.Errorf("hint for a short passphrase: %q", e.hint.Text)
	}
	test.Type(e.confirm, "other")
	test.Tap(e.export)
	f.ui.Wait()
	if _, err := os.Stat(file); err == nil || e.status.Text == "" {
		t.Fatalf("a short, unconfirmed passphrase wrote the file; status %q", e.status.Text)
	}
	e.pass.SetText(filePass)
	e.confirm.SetText(filePass)
	if !strings.Contains(e.hint.Text, "good") {
		t.Errorf("hint for a long passphrase: %q", e.hint.Text)
	}
	test.Tap(e.export)
	f.ui.Wait()
	if !strings.Contains(p.status.Text, "Exported 1 integration and 2 users") {
		t.Fatalf("status after the export: %q (dialog: %q)", p.status.Text, e.status.Text)
	}
	return file
}

func TestExportThenRestoreOnFirstStart(t *testing.T) {
	keychaintest.Require(t)
	f := newFixture(t, withCustom(t))
	f.signIn(t, "Ada", goodPass)
	file := exportThroughDialog(t, f)

	g := newFixture(t, nil)
	if g.ui.first == nil {
		t.Fatal("the first-start screen is not shown")
	}
	test.Tap(g.ui.first.restore)
	m := g.ui.first.restoring
	test.Type(m.file, file)
	test.Type(m.pass, filePass)
	test.Type(m.name, "Ada")
	test.Type(m.adminPass, "not Ada's passphrase")
	if !m.confirm.Disabled() {
		t.Error("Confirm is enabled before a preview")
	}
	test.Tap(m.check)
	g.ui.Wait()
	if !strings.Contains(m.status.Text, "Ada's passphrase is wrong") || !m.confirm.Disabled() {
		t.Fatalf("wrong administrator passphrase: status %q", m.status.Text)
	}
	m.adminPass.SetText(goodPass)
	test.Tap(m.check)
	g.ui.Wait()
	if !m.preview.Visible() || !strings.Contains(m.preview.Text, "Integration Corp IdP: added") || m.confirm.Disabled() {
		t.Fatalf("preview %q (status %q)", m.preview.Text, m.status.Text)
	}
	if empty, _ := g.core.NeedsFirstAdmin(context.Background()); !empty {
		t.Fatal("the preview changed the workspace")
	}
	test.Tap(m.confirm)
	g.ui.Wait()
	if g.ui.home == nil || g.ui.session.Name != "Ada" || g.ui.home.integrations == nil {
		t.Fatal("not signed in as Ada after the restore")
	}
	if !strings.Contains(g.ui.home.settings.status.Text, "1 integration added") {
		t.Errorf("status after the restore: %q", g.ui.home.settings.status.Text)
	}
}

func TestImportDialogPreviewReplaceConfirm(t *testing.T) {
	keychaintest.Require(t)
	f := newFixture(t, withCustom(t))
	f.signIn(t, "Ada", goodPass)
	file := exportThroughDialog(t, f)
	p := f.ui.home.settings

	test.Tap(p.importButton)
	m := p.importing
	test.Type(m.file, file)
	test.Type(m.pass, "wrong passphrase for the file")
	test.Tap(m.check)
	f.ui.Wait()
	if !strings.Contains(m.status.Text, "does not open this file") {
		t.Fatalf("wrong file passphrase: status %q", m.status.Text)
	}
	m.pass.SetText(filePass)
	test.Tap(m.check)
	f.ui.Wait()
	if !strings.Contains(m.preview.Text, "Corp IdP: exists here, kept") || !strings.Contains(m.preview.Text, "User Wes (Write): exists here, kept") {
		t.Fatalf("preview %q", m.preview.Text)
	}
	if len(m.replace.Options) != 1 || !m.replace.Visible() {
		t.Fatalf("replace offers %v", m.replace.Options)
	}
	m.replace.SetSelected(m.replace.Options)
	if !m.confirm.Disabled() || !strings.Contains(m.status.Text, "Press Preview") {
		t.Fatalf("after ticking a replacement: Confirm disabled %t, status %q; want Confirm to wait for a new preview", m.confirm.Disabled(), m.status.Text)
	}
	test.Tap(m.check)
	f.ui.Wait()
	if !strings.Contains(m.preview.Text, "Corp IdP: replaced") || m.u.win.Canvas().Focused() == m.confirm {
		t.Fatalf("the new preview %q, Confirm focused %t; want the replacement shown and Confirm not focused", m.preview.Text, m.u.win.Canvas().Focused() == m.confirm)
	}
	test.Tap(m.confirm)
	f.ui.Wait()
	if !strings.Contains(p.status.Text, "0 integrations added, 1 replaced; 0 users added") {
		t.Errorf("status after the import: %q", p.status.Text)
	}
}
