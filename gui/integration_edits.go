package gui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
)

// editable is one thing a person changes in the form: its value as text, and how to put a
// value back, so that edits outlive a rebuilt form.
type editable struct {
	get func() string
	set func(string)
}

// editables are the form's fields by name; a field the provider lacks is absent.
func (f *integrationForm) editables() map[string]editable {
	m := map[string]editable{}
	entry := func(key string, e *wheelEntry) {
		if e != nil {
			m[key] = editable{func() string { return e.Text }, e.SetText}
		}
	}
	entry("name", f.name)
	entry("clientID", f.clientID)
	entry("secret", f.secret)
	entry("secretExpires", f.secretExpires)
	entry("port", f.port)
	entry("scopes", f.scopes)
	entry("tenant", f.tenant)
	entry("issuer", f.issuer)
	entry("authURL", f.authURL)
	entry("tokenURL", f.tokenURL)
	entry("revokeURL", f.revokeURL)
	entry("userinfoURL", f.userinfoURL)
	radio := func(key string, r *widget.RadioGroup) {
		if r != nil {
			m[key] = editable{func() string { return r.Selected }, r.SetSelected}
		}
	}
	radio("clientType", f.clientType)
	radio("publishing", f.publishing)
	if f.accountTypes != nil {
		m["accountTypes"] = editable{func() string { return f.accountTypes.Selected }, f.accountTypes.SetSelected}
	}
	radio("portMode", f.portMode)
	m[enabledKey] = editable{func() string { return strconv.FormatBool(f.enabled.Checked) },
		func(v string) { f.enabled.SetChecked(v == "true") }}
	return m
}

// enabledKey names the Enabled box among the editables: core saves it apart from the fields.
const enabledKey = "enabled"

// track remembers the values the form started with and follows every change, so that the
// form knows when it holds unsaved edits and the Test button can say what it waits for.
func (f *integrationForm) track() {
	f.initial = map[string]string{}
	for key, e := range f.editables() {
		f.initial[key] = e.get()
	}
	for _, e := range []*wheelEntry{f.name, f.clientID, f.secret, f.secretExpires, f.scopes, f.tenant, f.issuer,
		f.authURL, f.tokenURL, f.revokeURL, f.userinfoURL} {
		if e != nil {
			e.OnChanged = func(string) { f.changed() }
		}
	}
	port := f.port.OnChanged
	f.port.OnChanged = func(s string) { port(s); f.changed() }
	mode := f.portMode.OnChanged
	f.portMode.OnChanged = func(s string) { mode(s); f.changed() }
	if f.clientType != nil {
		ct := f.clientType.OnChanged
		f.clientType.OnChanged = func(s string) { ct(s); f.changed() }
	}
	if f.publishing != nil {
		f.publishing.OnChanged = func(string) { f.changed() }
	}
	if f.accountTypes != nil {
		at := f.accountTypes.OnChanged
		f.accountTypes.OnChanged = func(s string) { at(s); f.changed() }
	}
	f.enabled.OnChanged = func(bool) { f.changed() }
	f.changed()
}

// edits are the fields whose value differs from the one the form started with.
func (f *integrationForm) edits() map[string]string {
	out := map[string]string{}
	for key, e := range f.editables() {
		if v := e.get(); v != f.initial[key] {
			out[key] = v
		}
	}
	return out
}

// dirty reports whether the form holds changes not saved yet, the sandbox's settings included.
func (f *integrationForm) dirty() bool {
	return len(f.edits()) > 0 || (f.sandbox != nil && f.sandbox.dirty())
}

// fieldsDirty reports whether the fields that SaveIntegration saves hold edits.
func (f *integrationForm) fieldsDirty() bool {
	edits := f.edits()
	delete(edits, enabledKey)
	return len(edits) > 0
}

// keepEdits puts the unsaved edits of old, a form of the same integration about to be
// replaced, into f: a reload (after a save that went part of the way, say) must not undo
// what was typed, nor the words of what failed. The fields' edits stay behind once they
// were saved (saved); Enabled's always come along, being the saved value where it was.
func (f *integrationForm) keepEdits(old *integrationForm) {
	if old == nil || old.view.ID != f.view.ID {
		return
	}
	fields := f.editables()
	for key, v := range old.edits() {
		if e, ok := fields[key]; ok && (!old.saved || key == enabledKey) {
			e.set(v)
		}
	}
	if old.saved && old.lastErr != nil {
		f.status.Fail(old.lastErr)
	}
	f.changed()
	if old.saved && old.lastErr == nil && !f.dirty() {
		f.showMark(toneSuccess, "Saved.")
	}
}

// changed enables Save while something is to save, says so beside it, and enables Test
// authorization only when it can work, saying why it cannot.
func (f *integrationForm) changed() {
	if f.test == nil {
		return
	}
	f.followEdits(f.dirty(), f.busy)
	why := f.testBlocker()
	f.testHint.SetText(why)
	if why == "" {
		f.test.Enable()
	} else {
		f.test.Disable()
	}
}

// testBlocker is what keeps a test authorization from working, as an instruction, or "".
// The test signs in with the saved settings, so unsaved edits would go untested.
func (f *integrationForm) testBlocker() string {
	v := f.view
	switch {
	case strings.TrimSpace(f.clientID.Text) == "":
		return "Enter the client ID first, then save."
	case f.dirty() && (!v.Saved || v.State == core.StateNotSetUp || v.State == core.StateSecretMissing):
		return "Save the integration first."
	case f.dirty():
		return "Save your changes first: the test uses the saved settings."
	case !v.Saved || v.State == core.StateNotSetUp:
		return "Save the integration first."
	case v.State == core.StateSecretMissing:
		return "Enter the client secret first, then save."
	}
	return ""
}

// askBeforeSwitching asks about the form's unsaved edits before next is shown.
func (p *integrationsPane) askBeforeSwitching(next core.IntegrationView) {
	p.askBeforeLeaving("before you open "+core.Printable(next.Name),
		func() { p.selected = next.ID }, func() { p.show(next) })
}

// askBeforeAdding asks about the form's unsaved edits before a new integration is added
// and shown in its place.
func (p *integrationsPane) askBeforeAdding() {
	p.askBeforeLeaving("before you add another integration", p.showAddDialog, func() {
		v := p.form.view
		p.form = nil // so that show starts afresh rather than keep the edits
		p.show(v)
		p.showAddDialog()
	})
}

// askBeforeLeaving asks what to do with the form's unsaved edits before the pane shows
// something else: save them (then afterSave, before the list reloads), discard them
// (discard goes on), or stay with the edits. when ends the question.
func (p *integrationsPane) askBeforeLeaving(when string, afterSave, discard func()) {
	f := p.form
	stay := func() {
		for i, v := range p.items {
			if v.ID == f.view.ID {
				p.list.Select(i) // the old selection again; OnSelected sees it is shown
			}
		}
	}
	var d dialog.Dialog
	cancel := func() { d.Hide(); stay() }
	save := newDialogButton("Save", theme.DocumentSaveIcon(), cancel, func() {
		d.Hide()
		stay()
		f.submitThen(afterSave)
	})
	save.Importance = widget.HighImportance
	drop := newDialogButton("Discard", theme.DeleteIcon(), cancel, func() { d.Hide(); discard() })
	stayButton := newDialogButton("Cancel", theme.CancelIcon(), cancel, cancel)
	msg := wrapped("Your changes to " + core.Printable(f.view.Name) + " are not saved. Save them " + when + "?")
	body := container.NewVBox(msg, container.NewHBox(layoutSpacer(), stayButton, drop, save))
	d = dialog.NewCustomWithoutButtons("Save your changes?", body, p.u.win)
	d.Resize(fyne.NewSize(460, body.MinSize().Height+80))
	escapeCloses(p.u.win, d, cancel)
	d.Show()
	p.u.win.Canvas().Focus(save)
}
