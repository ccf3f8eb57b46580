package gui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

// scriptAccessHint is the one sentence on what script access means, under its checkbox.
const scriptAccessHint = "Any program running under this computer account can then get this source's access token " +
	"without a passphrase, as it could read the keychain. Off by default."

// scriptAccessBox is the source details' script access: the checkbox and, wrapped under it,
// what it means.
func (p *sourcesPane) scriptAccessBox(d core.Source, escape func()) fyne.CanvasObject {
	hint := wrapLabel(scriptAccessHint)
	hint.SizeName = theme.SizeNameCaptionText
	return container.NewVBox(p.scriptAccessCheck(d, escape), hint)
}

// scriptAccessCheck is the source details' "Let programs on this computer use this source":
// its owner turns it on and off; an administrator who is not the owner may only turn it off
// (core decides; the box only offers what the session may do). Each change runs in the
// background; a refusal puts the box back and says why.
func (p *sourcesPane) scriptAccessCheck(d core.Source, escape func()) *dialogCheck {
	s := p.u.session
	owns := d.OwnerID == s.UserID
	check := newDialogCheck("Let programs on this computer use this source", escape)
	check.SetChecked(d.ScriptAccess)
	mayChange := func(on bool) bool {
		if on {
			return access.Allowed(s.Privilege, access.SourceDenyScripts, owns)
		}
		return access.Allowed(s.Privilege, access.SourceAllowScripts, owns)
	}
	enable := func() {
		if mayChange(check.Checked) {
			check.Enable()
		} else {
			check.Disable()
		}
	}
	enable()
	var onChanged func(bool)
	onChanged = func(on bool) {
		p.u.used()
		check.Disable() // until core has answered
		change := p.u.core.DenyScripts
		if on {
			change = p.u.core.AllowScripts
		}
		p.u.background(func(ctx context.Context) func() {
			err := change(ctx, s, d.ID)
			return func() {
				if p.u.sessionLost(err) {
					return
				}
				if err != nil {
					check.OnChanged = nil // putting it back is no new change
					check.SetChecked(!on)
					check.OnChanged = onChanged
					showProblem(p.u.win, "Could not change script access", err)
				}
				enable()
				p.reload(0)
			}
		})
	}
	check.OnChanged = onChanged
	return check
}
