package gui

import (
	"context"
	"errors"

	"github.com/medialake/connect/core"
)

// saved is what one Save got through, part by part.
type saved struct {
	fields, sandbox, enabled bool
	sandboxView              core.SandboxView // as saved, when sandbox
}

func (s saved) any() bool { return s.fields || s.sandbox || s.enabled }

func (f *integrationForm) submit() { f.submitThen(nil) }

// submitThen is the page's one Save. It saves what changed, in this order: the fields, the
// sandbox's own settings, then Enabled, which core allows only once the integration is
// complete as saved; the first refusal stops the rest. then, if given, runs once all of it
// is saved, before the list reloads.
func (f *integrationForm) submitThen(then func()) {
	u, id := f.p.u, f.view.ID
	s, in, fields := u.session, f.input(), f.fieldsDirty()
	var sandbox *core.SandboxInput
	if f.sandbox != nil && f.sandbox.dirty() {
		sb := f.sandbox.input()
		sandbox = &sb
	}
	on := f.enabled.Checked
	toggle := on != f.view.Enabled
	f.showProblems(nil) // the last try's messages no longer hold while this one runs
	if f.sandbox != nil {
		f.sandbox.showProblems(nil)
	}
	f.status.Say(toneInfo, "Saving…")
	var did saved
	f.run(func(ctx context.Context) (err error) {
		if fields {
			if err = u.core.SaveIntegration(ctx, s, in); err != nil {
				return err
			}
			did.fields = true
		}
		if sandbox != nil {
			if did.sandboxView, err = f.sandbox.save(ctx, *sandbox); err != nil {
				return err
			}
			did.sandbox = true
		}
		if toggle {
			if err = u.core.SetEnabled(ctx, s, id, on); err != nil {
				return err
			}
			did.enabled = true
		}
		return nil
	}, func(err error) { f.saveEnded(did, err, then) })
}

// saveEnded shows how a Save went. Where it saved a part and then failed, the page reloads
// to show what was saved, keeping the rest as edits and the words of what failed.
func (f *integrationForm) saveEnded(did saved, err error, then func()) {
	f.saved, f.lastErr = did.fields || err == nil, err
	if did.sandbox {
		f.sandbox.show(did.sandboxView)
	}
	var verr *core.ValidationError
	switch {
	case errors.As(err, &verr):
		f.showProblems(verr.Fields)
		if f.sandbox != nil {
			f.sandbox.showProblems(verr.Fields)
		}
		f.status.Fail(err)
	case err != nil:
		f.status.Fail(err)
	default:
		f.status.SetText("")
		f.showMark(toneSuccess, "Saved.")
		if then != nil {
			then()
		}
	}
	if err != nil && did.any() {
		f.p.reload()
	}
}
