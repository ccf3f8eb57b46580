// Package gui is Medialake Connect's desktop front end: Fyne screens over core's use-cases.
// Only Fyne's goroutine touches widgets; work that waits (database, keychain, network,
// passphrase hashing) runs in the background and reports back through fyne.Do.
package gui

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
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
	// Now is the clock for the idle lock; nil means time.Now.
	Now func() time.Time
}

// UI is the main window and the screen it shows: first start, sign-in, or the tabs.
type UI struct {
	fa   fyne.App
	win  fyne.Window
	core *core.App
	deps Deps

	session *access.Session
	lastUse time.Time // of the window, for the idle lock; Fyne's goroutine only
	idle    time.Duration
	typed   uint64 // hash of the focused entry's text at the last idle check; 0: none

	// The screens, kept so that tests can reach their widgets.
	first  *firstStartScreen
	signIn *signInScreen
	home   *homeScreen

	pending  sync.WaitGroup // background work started by the UI, for tests to wait on
	reportMu sync.Mutex     // one background report at a time (see background)
	quit     chan struct{}  // closed by Close: timers stop
}

// New builds the main window over an open workspace. Call Start to show it.
func New(fa fyne.App, c *core.App, deps Deps) *UI {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	u := &UI{fa: fa, core: c, deps: deps, win: fa.NewWindow(Title), quit: make(chan struct{})}
	u.win.Resize(fyne.NewSize(1040, 700))
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
		}
	})
}

// background runs work off Fyne's goroutine and then runs the function it returns (if any)
// on Fyne's goroutine.
func (u *UI) background(work func(ctx context.Context) func()) {
	u.pending.Add(1)
	go func() {
		defer u.pending.Done()
		done := work(context.Background())
		if done != nil {
			// Fyne's driver runs done on its own goroutine; the test driver runs it on this
			// one, so the lock keeps two reports from touching widgets at once there too.
			u.reportMu.Lock()
			defer u.reportMu.Unlock()
			fyne.DoAndWait(done)
		}
	}()
}

// Close stops the UI's timers. The window closes with the app.
func (u *UI) Close() { close(u.quit) }

// Wait blocks until the background work started so far has finished and reported back.
// Tests call it after a tap.
func (u *UI) Wait() { u.pending.Wait() }

// used records activity in the window, which postpones the idle lock.
func (u *UI) used() { u.lastUse = u.deps.Now() }

// signedIn switches to the tabs for a fresh session.
func (u *UI) signedIn(s *access.Session) {
	u.session = s
	u.used()
	u.first, u.signIn = nil, nil
	u.home = newHomeScreen(u)
	u.win.SetMainMenu(u.mainMenu())
	u.win.SetContent(u.home.content)
	u.showNotices(s.Notices)
	u.background(func(ctx context.Context) func() {
		d, err := u.core.IdleLock(ctx, s)
		return func() {
			if err == nil {
				u.idle = d
			}
		}
	})
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

// CheckIdle locks the session when the window has been idle for the workspace's idle-lock
// time. A ticker calls it; tests call it with a clock of their own.
func (u *UI) CheckIdle() {
	if u.session == nil || u.idle <= 0 {
		return
	}
	if u.typedSinceLastCheck() {
		u.used()
	}
	if u.deps.Now().Sub(u.lastUse) >= u.idle {
		u.lock("Locked after inactivity. Sign in again to go on.")
	}
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

// RunIdleTimer checks the idle lock every few seconds until the app quits.
func (u *UI) RunIdleTimer() {
	go func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-u.quit:
				return
			case <-t.C:
				fyne.Do(u.CheckIdle)
			}
		}
	}()
}

// RunMaintenance runs core's upkeep (pending revocations, keep-alive, offline sources) every
// interval until the app quits. The first run waits an interval: start-up stays offline.
func (u *UI) RunMaintenance(every time.Duration) {
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-u.quit:
				return
			case <-t.C:
			}
			rep, err := u.core.Maintain(context.Background())
			fyne.Do(func() { u.maintained(rep, err) })
		}
	}()
}

// maintained shows what an upkeep run found: the offline part of the status line, and the
// sources' new states.
func (u *UI) maintained(rep core.MaintainReport, err error) {
	if u.home == nil {
		return
	}
	if err != nil {
		u.home.network.SetText("Upkeep failed: " + message(err))
		u.home.network.Show()
		return
	}
	if rep.StillOffline > 0 {
		u.home.network.SetText(fmt.Sprintf("Offline: %s cannot reach their provider", sources(rep.StillOffline)))
		u.home.network.Show()
	} else {
		u.home.network.Hide()
	}
	if rep.Revoked+rep.KeptAlive+rep.BackOnline+rep.NeedsReconnect > 0 {
		u.home.sources.reload(0)
	}
}

// lock ends the session in core and returns to the sign-in screen with a message.
func (u *UI) lock(msg string) {
	if u.session == nil {
		return
	}
	u.core.Lock(u.session)
	name := u.session.Name
	u.session = nil
	u.home = nil
	u.win.SetMainMenu(nil)
	u.showSignIn(msg, name)
}

func (u *UI) signOut() {
	if u.session == nil {
		return
	}
	s := u.session
	u.session = nil
	u.home = nil
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
	status.SetText(message(err))
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

func (u *UI) mainMenu() *fyne.MainMenu {
	lockItem := fyne.NewMenuItem("Lock", func() { u.lock("Locked. Sign in again to go on.") })
	lockItem.Shortcut = lockShortcut
	outItem := fyne.NewMenuItem("Sign out", u.signOut)
	outItem.Shortcut = signOutShortcut
	pass := fyne.NewMenuItem("Change passphrase…", u.showChangePassphrase)
	return fyne.NewMainMenu(fyne.NewMenu("Account", pass, fyne.NewMenuItemSeparator(), lockItem, outItem))
}

var (
	lockShortcut    = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	signOutShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
)

// tabKeys are Ctrl+1 … Ctrl+5 (Cmd on macOS): Sources, Integrations, Users, Activity, Settings.
var tabKeys = []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5}

func (u *UI) addShortcuts() {
	u.win.Canvas().AddShortcut(lockShortcut, func(fyne.Shortcut) { u.lock("Locked. Sign in again to go on.") })
	u.win.Canvas().AddShortcut(signOutShortcut, func(fyne.Shortcut) { u.signOut() })
	for i, k := range tabKeys {
		u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
			if u.home != nil {
				u.used()
				u.home.showTab(i)
			}
		})
	}
}
