package gui

import (
	"context"
	"errors"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/assets"
	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

// firstStartScreen creates the first administrator of an empty workspace.
type firstStartScreen struct {
	name, pass, confirm *widget.Entry
	create              *button
	restore             *button // Restore from a file…
	status              *statusLine
	progress            *widget.ProgressBarInfinite
	content             fyne.CanvasObject
}

// showFirstStart shows the first-start screen, the name field focused.
func (u *UI) showFirstStart() {
	u.first = newFirstStartScreen(u)
	u.win.SetContent(u.first.content)
	u.win.Canvas().Focus(u.first.name)
}

// newFirstStartScreen builds the form that creates the first administrator.
func newFirstStartScreen(u *UI) *firstStartScreen {
	s := &firstStartScreen{
		name:     widget.NewEntry(),
		pass:     widget.NewPasswordEntry(),
		confirm:  widget.NewPasswordEntry(),
		status:   statusLabel(),
		progress: widget.NewProgressBarInfinite(),
	}
	s.progress.Hide()
	s.name.SetPlaceHolder("e.g. Jane Admin")
	s.pass.SetPlaceHolder("at least 12 characters")
	s.create = newButtonWithIcon("Create administrator", theme.ConfirmIcon(), func() { u.createFirstAdmin(s) })
	s.create.Importance = widget.HighImportance
	s.confirm.OnSubmitted = func(string) { u.createFirstAdmin(s) }
	s.pass.OnSubmitted = func(string) { u.win.Canvas().Focus(s.confirm) }
	s.name.OnSubmitted = func(string) { u.win.Canvas().Focus(s.pass) }

	intro := widget.NewLabel("This workspace is new. Create its first administrator: the person who registers " +
		"integrations and adds the other users. Remember the passphrase: nobody can recover it.")
	intro.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem("Name", s.name),
		widget.NewFormItem("Passphrase", s.pass),
		widget.NewFormItem("Passphrase again", s.confirm),
	)
	s.restore = newButtonWithIcon("Restore from a file…", theme.DownloadIcon(), func() {
		showImport(u, true, func(sess *access.Session, plan core.ImportPlan) {
			u.signedIn(sess)
			u.home.settings.status.Say(toneSuccess, importDone(plan))
			showInfo(u.win, "Restored", importDone(plan)+" Sign in with the passphrases you used there.")
		})
	})
	s.content = card("Welcome to Medialake Connect", intro, form, s.status, s.progress, s.create,
		widget.NewSeparator(), wrapLabel("Moving from another computer, or restoring a backup?"), s.restore)
	return s
}

func (u *UI) createFirstAdmin(s *firstStartScreen) {
	if s.create.Disabled() {
		return
	}
	name := s.name.Text
	pass, confirm := core.NewSecret(s.pass.Text), core.NewSecret(s.confirm.Text)
	s.create.Disable()
	s.progress.Show()
	s.status.SetText("")
	u.background(func(ctx context.Context) func() {
		sess, err := u.core.CreateFirstAdmin(ctx, name, pass, confirm)
		return func() {
			s.progress.Hide()
			s.create.Enable()
			if err != nil {
				s.status.Fail(err)
				u.win.Canvas().Focus(s.fieldFor(err))
				return
			}
			u.signedIn(sess)
		}
	})
}

// fieldFor is the field a refused first start points to, so that typing goes on there.
func (s *firstStartScreen) fieldFor(err error) fyne.Focusable {
	switch {
	case errors.Is(err, access.ErrBadName), errors.Is(err, access.ErrNameTaken):
		return s.name
	case errors.Is(err, access.ErrMismatch):
		return s.confirm
	}
	return s.pass
}

// signInScreen lets a person choose a profile and type its passphrase.
type signInScreen struct {
	profile  *widget.Select
	pass     *widget.Entry
	button   *button
	status   *statusLine
	progress *widget.ProgressBarInfinite

	// A lock-out belongs to one profile: choosing another stops the countdown shown (lockGen
	// tells a countdown that it is outdated) and asks core about the new one.
	lockGen   int
	lockShown bool        // the status line shows a lock-out or its end
	tick      func() bool // the countdown's step while one runs, for tests; true: it has ended
	content   fyne.CanvasObject
}

// showSignIn shows the sign-in screen with notice, the passphrase focused, and then lists the
// profiles, profile (else the last one used) chosen.
func (u *UI) showSignIn(notice, profile string) {
	s := newSignInScreen(u, notice)
	u.signIn = s
	u.win.SetContent(s.content)
	u.win.Canvas().Focus(s.pass)

	u.background(func(ctx context.Context) func() {
		names, err := u.core.Profiles(ctx)
		return func() {
			if err != nil {
				s.status.Fail(err)
				return
			}
			s.profile.SetOptions(names)
			profile = u.preselect(profile, names)
			if profile != "" {
				s.profile.SetSelected(profile)
			}
		}
	})
}

// newSignInScreen builds the sign-in screen with notice in its status line; the profiles
// arrive later (see showSignIn).
func newSignInScreen(u *UI, notice string) *signInScreen {
	s := &signInScreen{
		profile:  widget.NewSelect(nil, nil),
		pass:     widget.NewPasswordEntry(),
		status:   statusLabel(),
		progress: widget.NewProgressBarInfinite(),
	}
	s.progress.Hide()
	s.profile.PlaceHolder = "Choose your profile"
	s.profile.OnChanged = func(name string) {
		s.pass.SetText("") // typed for the profile chosen before
		u.checkLockOut(s, name)
		u.win.Canvas().Focus(s.pass)
	}
	s.button = newButtonWithIcon("Sign in", theme.LoginIcon(), func() { u.doSignIn(s) })
	s.button.Importance = widget.HighImportance
	s.pass.OnSubmitted = func(string) { u.doSignIn(s) }
	s.status.Say(toneInfo, notice)

	form := widget.NewForm(widget.NewFormItem("Profile", s.profile), widget.NewFormItem("Passphrase", s.pass))
	s.content = card("Sign in", form, s.button, messageArea(s.progress, s.status))
	return s
}

// messageArea holds a form's messages under its button, in a height kept whether they show
// or not (three lines, room for most), so that a message that comes or goes moves no field
// of a centred form under the pointer.
func messageArea(objs ...fyne.CanvasObject) fyne.CanvasObject {
	room := canvas.NewRectangle(color.Transparent)
	room.SetMinSize(fyne.NewSize(0, (&widget.Label{Text: "\n\n"}).MinSize().Height))
	return container.NewStack(room, container.NewVBox(objs...))
}

// checkLockOut shows the chosen profile's own lock-out, if any: another profile's countdown
// stops and its message goes, and Sign in is enabled unless this profile is locked out.
func (u *UI) checkLockOut(s *signInScreen, name string) {
	s.lockGen++
	s.tick = nil
	if s.lockShown {
		s.lockShown = false
		s.status.SetText("")
	}
	s.button.Enable()
	gen := s.lockGen
	u.background(func(ctx context.Context) func() {
		until, err := u.core.LockedUntil(ctx, name)
		return func() {
			if err != nil || until.IsZero() || s.lockGen != gen || u.signIn != s {
				return // an unreadable lock-out is not shown: sign-in itself still refuses
			}
			u.holdSignIn(s, until)
		}
	})
}

func (u *UI) doSignIn(s *signInScreen) {
	if s.button.Disabled() {
		return
	}
	if s.profile.Selected == "" {
		s.status.Say(toneInfo, "Choose your profile first.")
		return
	}
	name, pass, held := s.profile.Selected, core.NewSecret(s.pass.Text), u.held
	s.button.Disable()
	s.progress.Show()
	s.status.SetText("")
	s.lockShown = false
	u.background(func(ctx context.Context) func() {
		sess, unlocked, err := u.signInOrUnlock(ctx, held, name, pass)
		return func() {
			s.progress.Hide()
			s.button.Enable()
			switch {
			case err == nil && unlocked && u.held == held:
				u.resume()
				return
			case err == nil:
				u.signedIn(sess)
				return
			}
			s.pass.SetText("")
			if s.profile.Selected != name {
				return // what went wrong concerns a profile no longer chosen
			}
			var locked *access.LockedError
			if errors.As(err, &locked) {
				u.holdSignIn(s, locked.Until)
				return
			}
			s.status.Fail(err)
		}
	})
}

// signInOrUnlock unlocks the held session when its user signs in again, so that their screen
// comes back as it was; anyone else, or a session that has ended meanwhile, gets a new one.
func (u *UI) signInOrUnlock(ctx context.Context, held *heldScreen, name string, pass core.Secret) (*access.Session, bool, error) {
	if held != nil && held.session.Name == name {
		err := u.core.Unlock(ctx, held.session, pass)
		if err == nil {
			return held.session, true, nil
		}
		if !errors.Is(err, access.ErrSessionEnded) {
			return nil, false, err
		}
	}
	sess, err := u.core.SignIn(ctx, name, pass)
	return sess, false, err
}

// holdSignIn keeps the button disabled and counts down while the chosen profile's sign-in is
// locked out, so the wait is shown rather than hidden; at its end the message says so. The
// countdown stops when another profile is chosen or the screen goes.
func (u *UI) holdSignIn(s *signInScreen, until time.Time) {
	s.lockGen++
	gen := s.lockGen
	s.button.Disable()
	s.lockShown = true
	base := strings.TrimSuffix(message(&access.LockedError{Until: until}), ".")
	s.tick = func() (done bool) {
		if u.signIn != s || s.lockGen != gen {
			return true
		}
		left := until.Sub(u.deps.Now()).Round(time.Second)
		if left <= 0 {
			s.tick = nil
			s.status.Say(toneInfo, "You can try again now.")
			s.button.Enable()
			return true
		}
		s.status.SetText(base + " (" + left.String() + " left).")
		return false
	}
	if s.tick() {
		return
	}
	tick := s.tick
	u.every(time.Second, func(context.Context) func() bool { return tick })
}

// card centres a titled column of widgets, as sign-in screens do.
func card(title string, objs ...fyne.CanvasObject) fyne.CanvasObject {
	icon := canvas.NewImageFromResource(assets.AppMark)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(72, 72))
	head := widget.NewLabelWithStyle(title, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	width := canvas.NewRectangle(color.Transparent)
	width.SetMinSize(fyne.NewSize(460, 0))
	return container.NewCenter(container.NewVBox(append([]fyne.CanvasObject{width, icon, head}, objs...)...))
}

// statusLine is a one-line message under a form or a list that takes no room while it has
// nothing to say. A failure shown with Fail keeps its technical detail one click away: a tap
// on the line shows it under the words, and another hides it.
type statusLine struct {
	widget.Label
	words, detail string // of the failure Fail shows; detail is empty otherwise
	open          bool   // whether the detail is shown
}

// tone is what kind of thing a message says. It alone decides the colour a message is shown
// in, so that neutral news ("Signed out.") never looks like a failure.
type tone int

const (
	toneError   tone = iota // something failed or needs fixing: red
	toneInfo                // neutral news: the ordinary text colour
	toneSuccess             // a change went through: green
)

// importance is the one place where a tone becomes a colour.
func (t tone) importance() widget.Importance {
	switch t {
	case toneInfo:
		return widget.MediumImportance
	case toneSuccess:
		return widget.SuccessImportance
	}
	return widget.DangerImportance
}

// statusLabel returns an empty, hidden statusLine.
func statusLabel() *statusLine {
	l := &statusLine{}
	l.Wrapping = fyne.TextWrapWord
	l.Importance = toneError.importance()
	l.ExtendBaseWidget(l)
	l.Hide()
	return l
}

// SetText shows the error s, or hides the line when s is empty. Use Say for other news.
func (l *statusLine) SetText(s string) { l.Say(toneError, s) }

// Fail shows err in words, with the error's own text (escaped) as the detail a tap shows;
// a nil err hides the line.
func (l *statusLine) Fail(err error) {
	if err == nil {
		l.Say(toneError, "")
		return
	}
	words := message(err)
	l.Say(toneError, words)
	l.words, l.detail = words, details(err, words)
	l.showDetail(false)
}

// Tapped shows or hides the detail of the failure shown.
func (l *statusLine) Tapped(*fyne.PointEvent) {
	if l.detail != "" {
		l.showDetail(!l.open)
	}
}

// Cursor is a pointer while there is a detail to show, so the line reads as clickable.
func (l *statusLine) Cursor() desktop.Cursor {
	if l.detail != "" {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

func (l *statusLine) showDetail(open bool) {
	l.open = open
	switch {
	case l.detail == "":
	case open:
		l.Label.SetText(l.words + "\nDetails: " + l.detail)
	default:
		l.Label.SetText(l.words + " (Details…)")
	}
}

// Say shows s in the colour of its tone, or hides the line when s is empty.
func (l *statusLine) Say(t tone, s string) {
	l.words, l.detail, l.open = "", "", false
	l.Importance = t.importance()
	l.Label.SetText(s)
	if s == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

func errorLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = toneError.importance()
	return l
}
