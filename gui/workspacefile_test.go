package gui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

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

// dialogButtonNamed is the top dialog's button that says text.
func dialogButtonNamed(t *testing.T, w fyne.Window, text string) *dialogButton {
	t.Helper()
	for _, b := range inDialog[*dialogButton](t, w) {
		if b.Text == text {
			return b
		}
	}
	t.Fatalf("the dialog has no button %q", text)
	return nil
}

// exportView is what a test touches of the export dialog, found in what is shown.
type exportView struct {
	file, pass, confirm *dialogEntry
	hint                *widget.Label
	export              *dialogButton
	status              *statusLine
}

// openExport opens Export… and finds its widgets.
func openExport(t *testing.T, f *fixture) exportView {
	t.Helper()
	test.Tap(f.ui.home.settings.exportButton)
	w := f.ui.win
	var v exportView
	var passes []*dialogEntry
	for _, e := range inDialog[*dialogEntry](t, w) {
		switch {
		case e.Password:
			passes = append(passes, e)
		case !e.MultiLine && v.file == nil:
			v.file = e
		}
	}
	for _, l := range inDialog[*widget.Label](t, w) {
		if strings.HasPrefix(l.Text, "Strength:") {
			v.hint = l
		}
	}
	if statuses := inDialog[*statusLine](t, w); len(statuses) == 1 {
		v.status = statuses[0]
	}
	if v.file == nil || len(passes) != 2 || v.hint == nil || v.status == nil {
		t.Fatalf("the export dialog shows file %v, %d passphrase fields, hint %v, status %v", v.file, len(passes), v.hint, v.status)
	}
	v.pass, v.confirm, v.export = passes[0], passes[1], dialogButtonNamed(t, w, "Export")
	if w.Canvas().Focused() != v.file {
		t.Fatal("the file field has no focus")
	}
	return v
}

// exportThroughDialog exports f's workspace with the Export… dialog and returns the file.
func exportThroughDialog(t *testing.T, f *fixture) string {
	t.Helper()
	p := f.ui.home.settings
	e := openExport(t, f)
	file := filepath.Join(t.TempDir(), "ws.age")
	e.file.SetText(file)
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

// Export offers a file named after today where exports go, and Choose… opens the file
// dialog with that name filled in.
func TestExportOffersADefaultFile(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	e := openExport(t, f)
	want := f.core.DefaultExportPath()
	if e.file.Text != want || !strings.HasSuffix(want, "medialake-connect-"+f.clock.Now().Local().Format("2006-01-02")+core.ExportExt) {
		t.Fatalf("file offered %q, want %q, named after the day", e.file.Text, want)
	}
	var choose *button
	for _, b := range inDialog[*button](t, f.ui.win) {
		if b.Text == "Choose…" {
			choose = b
		}
	}
	test.Tap(choose)
	named := false
	for _, in := range inDialog[*widget.Entry](t, f.ui.win) {
		named = named || in.Text == filepath.Base(want)
	}
	if !named {
		t.Errorf("the file dialog does not offer the name %q", filepath.Base(want))
	}
}

// Typing a passphrase of growing strength moves nothing: the dialog keeps its size, and the
// fields and buttons keep their places, also once laid out again as the next frame would.
func TestExportDialogStaysPutWhileTyping(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	w := f.ui.win
	e := openExport(t, f)
	var armor *widget.Check
	for _, c := range inDialog[*widget.Check](t, w) {
		if strings.HasPrefix(c.Text, "Text file") {
			armor = c
		}
	}
	top, drv := w.Canvas().Overlays().Top(), fyne.CurrentApp().Driver()
	layout := func() string {
		w.Resize(w.Canvas().Size()) // lays the dialog out again
		return fmt.Sprintf("dialog min %v; confirm at %v; armour at %v; Export at %v", top.MinSize(),
			drv.AbsolutePositionForObject(e.confirm), drv.AbsolutePositionForObject(armor), drv.AbsolutePositionForObject(e.export))
	}
	before, hints := layout(), map[string]bool{}
	for _, typed := range []string{"a", "short one", "twelve chars!", "a little longer", "four words make it strong", strings.Repeat("long ", 12)} {
		e.pass.SetText("")
		test.Type(e.pass, typed)
		hints[e.hint.Text] = true
		if got := layout(); got != before {
			t.Errorf("after typing %d characters (%q): %s; before: %s", len([]rune(e.pass.Text)), e.hint.Text, got, before)
		}
	}
	if len(hints) != 3 {
		t.Errorf("the hint said %d things, want the three strengths: %v", len(hints), hints)
	}
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
	m := openRestore(t, g)
	if !m.name.Disabled() || len(m.name.Options) != 0 {
		t.Errorf("before a preview the administrators offered are %q (disabled %t); want none", m.name.Options, m.name.Disabled())
	}
	m.file.SetText(file) // whatever export the folder offers, this one
	test.Type(m.pass, filePass)
	if !m.confirm.Disabled() {
		t.Error("Confirm is enabled before a preview")
	}
	test.Tap(m.check)
	g.ui.Wait()
	when := f.clock.Now().Local().Format("2 January 2006")
	if !m.preview.Visible() || !strings.Contains(m.preview.Text, "Exported on "+when+" at ") || !strings.Contains(m.preview.Text, " by Ada. It holds 1 integration and 2 users") ||
		!strings.Contains(m.preview.Text, "Integration Corp IdP: added") || strings.Contains(m.preview.Text, f.core.WorkspaceID()) || m.confirm.Disabled() {
		t.Fatalf("preview %q (status %q); want the date, Ada, the counts and no workspace id", m.preview.Text, m.status.Text)
	}
	if !slices.Equal(m.name.Options, []string{"Ada"}) || m.name.Selected != "Ada" || g.ui.win.Canvas().Focused() != m.adminPass ||
		m.status.Text != "Type Ada's passphrase, then Confirm." {
		t.Fatalf("administrators offered %q, chosen %q, status %q; want Ada alone, chosen, and her passphrase asked for next",
			m.name.Options, m.name.Selected, m.status.Text)
	}
	test.Tap(m.details)
	if !m.detailsText.Visible() || !strings.Contains(m.detailsText.Text, f.core.WorkspaceID()) {
		t.Errorf("Details… shows %q (visible %t), want the file's workspace id", m.detailsText.Text, m.detailsText.Visible())
	}
	if empty, _ := g.core.NeedsFirstAdmin(context.Background()); !empty {
		t.Fatal("the preview changed the workspace")
	}
	test.Type(m.adminPass, "not Ada's passphrase")
	test.Tap(m.confirm)
	g.ui.Wait()
	if !strings.Contains(m.status.Text, "Ada's passphrase is wrong") || m.confirm.Disabled() || g.ui.home != nil {
		t.Fatalf("wrong administrator passphrase: status %q, Confirm disabled %t", m.status.Text, m.confirm.Disabled())
	}
	m.adminPass.SetText(goodPass)
	test.Tap(m.confirm)
	g.ui.Wait()
	if g.ui.home == nil || g.ui.session.Name != "Ada" || g.ui.home.integrations == nil {
		t.Fatal("not signed in as Ada after the restore")
	}
	if !strings.Contains(g.ui.home.settings.status.Text, "1 integration added") {
		t.Errorf("status after the restore: %q", g.ui.home.settings.status.Text)
	}
}

// importView is what a test touches of the import dialog, found in what is shown.
type importView struct {
	file, pass     *dialogEntry
	check, confirm *dialogButton
	replace        *widget.CheckGroup
	status         *statusLine
}

func openImport(t *testing.T, f *fixture) importView {
	t.Helper()
	test.Tap(f.ui.home.settings.importButton)
	return importShown(t, f.ui.win)
}

// importShown finds the import dialog's widgets, or the restore dialog's, on top of w.
func importShown(t *testing.T, w fyne.Window) importView {
	t.Helper()
	v := importView{check: dialogButtonNamed(t, w, "Preview"), confirm: dialogButtonNamed(t, w, "Confirm")}
	for _, e := range inDialog[*dialogEntry](t, w) {
		if e.Password && v.pass == nil {
			v.pass = e
		} else if !e.Password && v.file == nil {
			v.file = e
		}
	}
	groups, statuses := inDialog[*widget.CheckGroup](t, w), inDialog[*statusLine](t, w)
	if v.file == nil || v.pass == nil || len(groups) != 1 || len(statuses) != 1 {
		t.Fatalf("the import dialog shows file %v, passphrase %v, %d check groups, %d status lines", v.file, v.pass, len(groups), len(statuses))
	}
	v.replace, v.status = groups[0], statuses[0]
	return v
}

// restoreView is what a test touches of the restore dialog of the first-start screen: the
// import dialog's widgets, the administrator to sign in as and their passphrase, the preview,
// and the Details… button with the text it shows.
type restoreView struct {
	importView
	name                 *widget.Select
	adminPass            *dialogEntry
	preview, detailsText *widget.Label
	details              *button
}

// openRestore taps Restore from a file… and finds the restore dialog's widgets.
func openRestore(t *testing.T, f *fixture) restoreView {
	t.Helper()
	test.Tap(f.ui.first.restore)
	w := f.ui.win
	top := w.Canvas().Overlays().Top()
	v := restoreView{importView: importShown(t, w)}
	var passes []*dialogEntry
	for _, e := range inDialog[*dialogEntry](t, w) {
		if e.Password {
			passes = append(passes, e)
		}
	}
	names := inDialog[*widget.Select](t, w)
	if len(passes) != 2 || len(names) != 1 {
		t.Fatalf("the restore dialog shows %d passphrase entries and %d administrator choices; want 2 and 1", len(passes), len(names))
	}
	v.adminPass, v.name = passes[1], names[0]
	// The preview is the line under the status line.
	if body, i := heldBy(top, v.status); body != nil && i+1 < len(body.Objects) {
		v.preview, _ = body.Objects[i+1].(*widget.Label)
	}
	// Details… sits above the text it shows.
	for _, b := range inDialog[*button](t, w) {
		if b.Text == "Details…" {
			v.details = b
		}
	}
	if row, _ := heldBy(top, v.details); row != nil {
		if box, j := heldBy(top, row); box != nil && j+1 < len(box.Objects) {
			v.detailsText, _ = box.Objects[j+1].(*widget.Label)
		}
	}
	if v.preview == nil || v.details == nil || v.detailsText == nil {
		t.Fatalf("the restore dialog shows preview %v, Details… %v, details %v; want all three", v.preview, v.details, v.detailsText)
	}
	return v
}

func TestImportDialogPreviewReplaceConfirm(t *testing.T) {
	keychaintest.Require(t)
	f := newFixture(t, withCustom(t))
	f.signIn(t, "Ada", goodPass)
	file := exportThroughDialog(t, f)
	p := f.ui.home.settings

	m := openImport(t, f)
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
	if preview := dialogText(t, f.ui.win); !strings.Contains(preview, "Corp IdP: exists here, kept") || !strings.Contains(preview, "User Wes (Write): exists here, kept") {
		t.Fatalf("preview %q", preview)
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
	if preview := dialogText(t, f.ui.win); !strings.Contains(preview, "Corp IdP: replaced") || f.ui.win.Canvas().Focused() == m.confirm {
		t.Fatalf("the new preview %q, Confirm focused %t; want the replacement shown and Confirm not focused", preview, f.ui.win.Canvas().Focused() == m.confirm)
	}
	test.Tap(m.confirm)
	f.ui.Wait()
	if !strings.Contains(p.status.Text, "0 integrations added, 1 replaced; 0 users added") {
		t.Errorf("status after the import: %q", p.status.Text)
	}
}

// A file dialog opens in the folder of the path typed where that folder exists, else where
// exports go.
func TestFileDialogFolder(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ typed, want string }{
		{filepath.Join(dir, "backup.age"), dir},
		{filepath.Join(dir, "gone", "backup.age"), core.ExportFolder()},
		{"", core.ExportFolder()},
	} {
		if got := fileFolder(tc.typed); got != tc.want {
			t.Errorf("fileFolder(%q) = %q, want %q", tc.typed, got, tc.want)
		}
	}
}

// In a short window the export's progress and its messages keep clear of the buttons, and
// the dialog stays inside the window.
func TestExportMessagesClearOfTheButtons(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	w, drv := f.ui.win, fyne.CurrentApp().Driver()
	box := func(o fyne.CanvasObject) rect {
		p := drv.AbsolutePositionForObject(o)
		return rect{p.X, p.Y, o.Size().Width, o.Size().Height}
	}
	for _, size := range []fyne.Size{{Width: 800, Height: 540}, {Width: 640, Height: 480}} {
		w.Resize(size)
		e := openExport(t, f)
		e.file.SetText(filepath.Join(t.TempDir(), "ws.age"))
		test.Type(e.pass, "short")
		test.Tap(e.export)
		f.ui.Wait()
		bars := inDialog[*widget.ProgressBarInfinite](t, w)
		if e.status.Text == "" || len(bars) != 1 {
			t.Fatalf("%v: a short passphrase says %q; %d progress bars", size, e.status.Text, len(bars))
		}
		bars[0].Show() // as while an export runs
		w.Resize(w.Canvas().Size())
		buttons, dlg, win := box(e.export), box(w.Canvas().Overlays().Top()), w.Canvas().Size()
		for _, o := range []fyne.CanvasObject{e.status, bars[0]} {
			if r := box(o); r.overlaps(buttons) {
				t.Errorf("%v: %T at %+v overlaps the buttons at %+v", size, o, r, buttons)
			}
		}
		if buttons.y+buttons.h > win.Height || dlg.h > win.Height {
			t.Errorf("%v: Export at %+v, the dialog %+v high: past the window", size, buttons, dlg)
		}
		escape(w)
	}
}

// After an export the Settings tab says so where it can be read at the default size, not
// under the fold of its scroll.
func TestExportSaysSoInView(t *testing.T) {
	f := newFixture(t, withCustom(t))
	f.signIn(t, "Ada", goodPass)
	f.ui.win.Resize(fyne.NewSize(800, 540))
	f.ui.home.showTab(tabSettings)
	exportThroughDialog(t, f)
	f.ui.win.Resize(fyne.NewSize(800, 541))
	f.ui.win.Resize(fyne.NewSize(800, 540)) // laid out again, as the next frame would
	status := f.ui.home.settings.status
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(status)
	if h := f.ui.win.Canvas().Size().Height; !status.Visible() || at.Y < 0 || at.Y+status.Size().Height > h {
		t.Errorf("%q at %v, %v high: out of the %.0f px high window", status.Text, at, status.Size().Height, h)
	}
}

// Escape closes the export dialog from the recipients' field of several lines too, as it
// does from the others, where Return starts a new line.
func TestEscapeInExportRecipientsClosesTheDialog(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	f.ui.home.showTab(tabSettings)
	openExport(t, f)
	w := f.ui.win
	inDialog[*widget.RadioGroup](t, w)[0].SetSelected(toRecipients)
	var recipients *dialogEntry
	for _, e := range inDialog[*dialogEntry](t, w) {
		if e.MultiLine {
			recipients = e
		}
	}
	if recipients == nil {
		t.Fatal("the export dialog has no recipients' field that Escape reaches")
	}
	w.Canvas().Focus(recipients)
	test.Type(recipients, "age1one")
	recipients.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !f.ui.dialogOpen() || !strings.Contains(recipients.Text, "\n") {
		t.Fatalf("Return in the recipients' field: dialog open %t, text %q; want a new line", f.ui.dialogOpen(), recipients.Text)
	}
	escape(w)
	if f.ui.dialogOpen() {
		t.Fatal("Escape in the recipients' field left the export dialog open")
	}
}
