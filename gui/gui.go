// Package gui is Medialake Connect's desktop front end: Fyne screens over core's use-cases.
// Only Fyne's goroutine touches widgets; work that waits (database, keychain, network,
// passphrase hashing) runs in the background (UI.background, UI.every) and reports back on
// Fyne's goroutine through UI.report.
//
// Screens are built as fyne_demo builds them: newXScreen or newXPane takes the UI (the window
// and the session) and returns a small struct that holds the widgets its tests touch, its
// content field the screen itself; UI.showX puts a screen in the window.
package gui

import (
	"context"
	"hash/fnv"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

// Title is the main window's title.
const Title = "Medialake Connect"

// Deps is what the UI needs besides the open workspace.
type Deps struct {
	// Probe tells whether the keychain answers, for the status line; nil hides that part.
	Probe func(ctx context.Context) error
	// Now is the clock for the countdowns shown (a sign-in lock-out); nil means time.Now. The
	// idle lock runs on core's clock: core alone decides it.
	Now func() time.Time
	// Screen tells the work area of the screen the window opens on, in pixels at the density
	// Fyne detects, and whether it is known; the window's first size fits it (PrimaryScreen
	// asks the desktop's). nil: the size is not fitted.
	Screen func() (fyne.Size, bool)
	// Shown is called once, on Fyne's goroutine, when Start has put the first-start or the
	// sign-in screen in the window; nil: nothing.
	Shown func()
}

// UI is the main window and the screen it shows: first start, sign-in, or the tabs.
type UI struct {
	fa   fyne.App
	win  fyne.Window
	core *core.App
	deps Deps

	session *access.Session
	held    *heldScreen // the screen of a locked session, while the sign-in screen shows
	typed   uint64      // hash of the focused entry's text at the last idle check; 0: none

	// The screens, kept so that tests can reach their widgets.
	first  *firstStartScreen
	signIn *signInScreen
	home   *homeScreen

	jobs jobs          // background work started by the UI (see background)
	quit chan struct{} // closed by Close: timers stop
}

// New builds the main window over an open workspace. Call Start to show it.
func New(fa fyne.App, c *core.App, deps Deps) *UI {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	u := &UI{fa: fa, core: c, deps: deps, win: fa.NewWindow(Title), quit: make(chan struct{})}
	u.jobs.changed = sync.NewCond(&u.jobs.mu)
	u.restoreSize()
	u.win.SetCloseIntercept(func() {
		u.saveSize()
		u.win.Close()
	})
	fa.Settings().SetTheme(appTheme{theme.DefaultTheme()})
	if dc, ok := u.win.Canvas().(desktop.Canvas); ok {
		dc.SetOnKeyDown(func(*fyne.KeyEvent) { u.used() })
	}
	u.addShortcuts()
	return u
}

// Window is the main window.
func (u *UI) Window() fyne.Window { return u.win }

// Start shows the first-start screen on an empty workspace, else the sign-in screen.
func (u *UI) Start() {
	u.background(func(ctx context.Context) func() {
		empty, err := u.core.NeedsFirstAdmin(ctx)
		return func() {
			if err != nil {
				u.win.SetContent(fatalScreen(err))
				return
			}
			if empty {
				u.showFirstStart()
			} else {
				u.showSignIn("", "")
			}
			if u.deps.Shown != nil {
				u.deps.Shown()
			}
		}
	})
}

// Close stops the UI's timers. The window closes with the app.
func (u *UI) Close() { close(u.quit) }

// used tells core of activity in the window, which postpones the idle lock. It costs no I/O,
// so every key and tap may call it.
func (u *UI) used() {
	if u.session != nil {
		u.core.Used(u.session)
	}
}

// signedIn switches to the tabs for a fresh session. A locked session left behind (another
// user signed in at the lock screen) ends, and nothing of its screen is kept.
func (u *UI) signedIn(s *access.Session) {
	u.dropHeld()
	u.session = s
	u.rememberProfile(s.Name)
	u.first, u.signIn = nil, nil
	u.home = newHomeScreen(u)
	u.win.SetMainMenu(u.mainMenu())
	u.win.SetContent(u.home.content)
	u.showNotices(s.Notices)
}

// showNotices shows what core says must be read at once after signing in (a passphrase reset
// by local recovery), in one dialog.
func (u *UI) showNotices(notices []string) {
	if len(notices) == 0 {
		return
	}
	shown := make([]string, len(notices))
	for i, n := range notices {
		shown[i] = core.Printable(n)
	}
	showInfo(u.win, "Please read", strings.Join(shown, "\n\n"))
}

// CheckIdle reports typing to core and asks core whether the session is still open; once core
// has locked it (idle for the workspace's idle-lock time), the window shows the lock screen.
// A ticker calls it; tests call it after moving core's clock.
func (u *UI) CheckIdle() {
	s := u.session
	if s == nil {
		return
	}
	if u.typedSinceLastCheck() {
		u.used()
	}
	u.background(func(ctx context.Context) func() {
		_, err := u.core.IdleLeft(ctx, s)
		return func() {
			if u.session == s {
				u.sessionLost(err)
			}
		}
	})
}

// typedSinceLastCheck reports whether the focused entry's text changed since the last call.
// Fyne tells the window about keys only while nothing has the focus, so typing into a form
// would otherwise not count as use. Only a hash of the text is kept: it may be a passphrase.
func (u *UI) typedSinceLastCheck() bool {
	var text string
	switch e := u.win.Canvas().Focused().(type) {
	case *widget.Entry:
		text = e.Text
	case *dialogEntry:
		text = e.Text
	case *wheelEntry:
		text = e.Text
	default:
		u.typed = 0
		return false
	}
	h := fnv.New64a()
	h.Write([]byte(text))
	sum := h.Sum64() | 1 // never 0, which means "no entry focused"
	changed := u.typed != 0 && sum != u.typed
	u.typed = sum
	return changed
}

// RunIdleTimer checks the idle lock every few seconds until the app quits, keeps the
// window's size for the next start, and shows what changed in the workspace meanwhile.
func (u *UI) RunIdleTimer() {
	u.every(5*time.Second, func(ctx context.Context) func() bool {
		changed := u.core.Changed(ctx)
		return func() bool {
			u.CheckIdle()
			u.saveSize()
			u.showChanges(changed)
			return false
		}
	})
}

// showChanges reloads the sources when the database changed: a command beside the window
// (a refresh, a disconnect, a source of another user) shows within seconds.
func (u *UI) showChanges(changed bool) {
	if changed && u.home != nil && u.home.sources != nil {
		u.home.sources.reload(0)
	}
}

// RunMaintenance runs core's upkeep (pending revocations, keep-alive, offline sources) every
// interval until the app quits. The first run waits an interval: start-up stays offline.
func (u *UI) RunMaintenance(every time.Duration) {
	u.every(every, func(ctx context.Context) func() bool {
		rep, err := u.core.Maintain(ctx)
		return func() bool {
			u.maintained(rep, err)
			return false
		}
	})
}

// maintained shows what an upkeep run found: a failure in the status line, else the sources'
// new states, which also tell the status line's offline part (see showOffline).
func (u *UI) maintained(rep core.MaintainReport, err error) {
	if u.home == nil {
		return
	}
	if err != nil {
		u.home.network.SetText("Upkeep failed: " + message(err))
		u.home.network.Show()
		return
	}
	changed := rep.Revoked+rep.KeptAlive+rep.BackOnline+rep.NeedsReconnect > 0
	if changed || rep.StillOffline > 0 || u.home.network.Visible() {
		u.home.sources.reload(0)
	}
}

// sourcesShown is told of every sources list the Sources pane loads.
func (u *UI) sourcesShown(list []core.Source) {
	if u.home != nil {
		u.home.showOffline(list)
	}
}

// heldScreen is what a locked session's user was doing: kept out of sight while the sign-in
// screen shows, and put back when the same user signs in again, so that a lock loses nothing.
type heldScreen struct {
	session *access.Session
	home    *homeScreen
	dialogs []fyne.CanvasObject // the window's overlays at the lock, bottom first
	focused fyne.Focusable
}

// lock locks the session in core and shows the sign-in screen with a message, keeping the
// screen it covers for resume.
func (u *UI) lock(msg string) {
	if u.session == nil {
		return
	}
	u.core.Lock(u.session)
	focused := u.win.Canvas().Focused() // before the dialogs go, as it may be in one
	u.held = &heldScreen{session: u.session, home: u.home, focused: focused, dialogs: u.hideDialogs()}
	u.session, u.home = nil, nil
	u.win.SetMainMenu(nil)
	u.showSignIn(msg, u.held.session.Name)
}

// resume puts back the screen held at the lock, once core has unlocked its session.
func (u *UI) resume() {
	h := u.held
	u.held, u.signIn = nil, nil
	u.session, u.home = h.session, h.home
	u.win.SetMainMenu(u.mainMenu())
	u.win.SetContent(h.home.content)
	for _, d := range h.dialogs {
		u.win.Canvas().Overlays().Add(d)
	}
	if h.focused != nil {
		u.win.Canvas().Focus(h.focused)
	}
}

// dropHeld forgets the screen held at a lock and ends its session.
func (u *UI) dropHeld() {
	h := u.held
	if h == nil {
		return
	}
	u.held = nil
	u.background(func(ctx context.Context) func() {
		u.core.SignOut(ctx, h.session)
		return nil
	})
}

// hideDialogs takes the dialogs off the window, which keeps them over whatever content it is
// given, and returns them.
func (u *UI) hideDialogs() []fyne.CanvasObject {
	o := u.win.Canvas().Overlays()
	dialogs := slices.Clone(o.List())
	if len(dialogs) > 0 {
		o.Remove(dialogs[0]) // and every one above it
	}
	return dialogs
}

// signOut ends the session, or the locked one whose screen is held, and shows sign-in.
func (u *UI) signOut() {
	s := u.session
	if s == nil && u.held != nil {
		s = u.held.session
	}
	if s == nil {
		return
	}
	u.session, u.home, u.held = nil, nil, nil
	u.hideDialogs()
	u.win.SetMainMenu(nil)
	u.showSignIn("Signed out.", "")
	u.background(func(ctx context.Context) func() {
		u.core.SignOut(ctx, s)
		return nil
	})
}

// failed reports whether a background call failed, after showing why: a lost session returns
// to the sign-in screen, any other error goes to status.
func (u *UI) failed(err error, status *statusLine) bool {
	if err == nil || u.sessionLost(err) {
		return err != nil
	}
	status.Fail(err)
	return true
}

// sessionLost handles core refusing the session (idle lock elsewhere, user disabled).
func (u *UI) sessionLost(err error) bool {
	if !isSessionError(err) {
		return false
	}
	u.lock(message(err))
	return true
}
