package gui

import (
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
)

// menuItem runs the item labelled label of the window's menu named menu, and fails when
// there is none.
func menuItem(t *testing.T, w fyne.Window, menu, label string) {
	t.Helper()
	for _, m := range w.MainMenu().Items {
		for _, item := range m.Items {
			if m.Label == menu && item.Label == label {
				item.Action()
				return
			}
		}
	}
	t.Fatalf("the window has no %s → %s", menu, label)
}

// Help → About names FyneApp.toml's version, the commit, Go, Fyne and the licence, shows the
// app's icon and links to FyneApp.toml's Website, and closes on Escape like every dialog.
// About is no longer in the Account menu.
func TestAboutFromTheHelpMenu(t *testing.T) {
	b, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	core.SetAppFile(b)
	t.Cleanup(func() { core.SetAppFile(nil) })
	version := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([^"]+)"`).FindSubmatch(b)
	website := regexp.MustCompile(`(?m)^\s*Website\s*=\s*"([^"]+)"`).FindSubmatch(b)
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	for _, item := range f.ui.win.MainMenu().Items[0].Items {
		if strings.HasPrefix(item.Label, "About") {
			t.Errorf("the %s menu still has %q", f.ui.win.MainMenu().Items[0].Label, item.Label)
		}
	}
	menuItem(t, f.ui.win, "Help", "About Medialake Connect")
	got := dialogText(t, f.ui.win)
	for _, want := range []string{"Medialake Connect " + string(version[1]) + " (build ", "Commit: ",
		"Go: " + runtime.Version(), "Fyne: ", "Licence: " + core.License} {
		if !strings.Contains(got, want) {
			t.Errorf("About says %q; want it to contain %q", got, want)
		}
	}
	var link *widget.Hyperlink
	icon := false
	walkObjects(f.ui.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		if h, ok := o.(*widget.Hyperlink); ok {
			link = h
		}
		if img, ok := o.(*canvas.Image); ok && img.Resource != nil && strings.Contains(img.Resource.Name(), "icon") {
			icon = true
		}
		return true
	})
	if link == nil || link.URL == nil || link.URL.String() != string(website[1]) {
		t.Errorf("About links to %v; want FyneApp.toml's Website %s", link, website[1])
	}
	if !icon {
		t.Error("About shows no app icon")
	}
	escape(f.ui.win)
	if f.ui.win.Canvas().Overlays().Top() != nil {
		t.Error("About is still open after Escape")
	}
}

// Help → Keyboard shortcuts lists every shortcut the window answers, as its menus show the
// keys.
func TestKeyboardShortcutsListsEveryShortcut(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	menuItem(t, f.ui.win, "Help", "Keyboard shortcuts")
	got := dialogText(t, f.ui.win)
	for _, want := range []string{"Ctrl+L\nLock", "Ctrl+Shift+Q\nSign out", "Ctrl+1\nShow Sources", "Ctrl+5\nShow Settings", "Escape\n"} {
		if runtime.GOOS == "darwin" {
			want = strings.ReplaceAll(want, "Ctrl+", "Cmd+")
		}
		if !strings.Contains(got, want) {
			t.Errorf("Keyboard shortcuts says %q; want %q in it", got, want)
		}
	}
	for _, m := range f.ui.win.MainMenu().Items {
		for _, item := range m.Items {
			s, ok := item.Shortcut.(*desktop.CustomShortcut)
			if ok && !strings.Contains(got, keysName(s)+"\n") {
				t.Errorf("%s → %s has %s, which Keyboard shortcuts does not list", m.Label, item.Label, keysName(s))
			}
		}
	}
	escape(f.ui.win)
	if f.ui.win.Canvas().Overlays().Top() != nil {
		t.Error("Keyboard shortcuts is still open after Escape")
	}
}

// In the smallest window Keyboard shortcuts scrolls its list, and OK lies over none of it.
func TestKeyboardShortcutsFitTheSmallestWindow(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	f.ui.win.Resize(fyne.NewSize(640, 480))
	menuItem(t, f.ui.win, "Help", "Keyboard shortcuts")
	w, drv := f.ui.win, fyne.CurrentApp().Driver()
	box := func(o fyne.CanvasObject) rect {
		p := drv.AbsolutePositionForObject(o)
		return rect{p.X, p.Y, o.Size().Width, o.Size().Height}
	}
	scrolls, ok := inDialog[*container.Scroll](t, w), shownButton(w, "OK")
	if len(scrolls) != 1 || ok == nil {
		t.Fatalf("Keyboard shortcuts shows %d scrolls and OK %v; want its list in one scroll", len(scrolls), ok)
	}
	list, button := box(scrolls[0]), box(ok)
	if list.overlaps(button) || button.y+button.h > w.Canvas().Size().Height {
		t.Errorf("OK at %+v lies over the list at %+v or past the %v window", button, list, w.Canvas().Size())
	}
}
