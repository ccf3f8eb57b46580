package gui

import (
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/medialake/connect/core"
)

// The Account menu has About, which names FyneApp.toml's version, the commit, Go,
// Fyne and the licence, and closes on Escape like every dialog.
func TestAboutFromTheAccountMenu(t *testing.T) {
	b, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	core.SetAppFile(b)
	t.Cleanup(func() { core.SetAppFile(nil) })
	version := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([^"]+)"`).FindSubmatch(b)
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	menu := f.ui.win.MainMenu()
	if menu == nil || menu.Items[0].Label != "Account" {
		t.Fatal("the window has no Account menu first")
	}
	opened := false
	for _, item := range menu.Items[0].Items {
		if item.Label == "About Medialake Connect" {
			item.Action()
			opened = true
		}
	}
	if !opened {
		t.Fatal("the Account menu has no About Medialake Connect")
	}
	got := dialogText(t, f.ui.win)
	for _, want := range []string{"Medialake Connect " + string(version[1]) + " (build ", "Commit: ",
		"Go: " + runtime.Version(), "Fyne: ", "Licence: " + core.License} {
		if !strings.Contains(got, want) {
			t.Errorf("About says %q; want it to contain %q", got, want)
		}
	}
	escape(f.ui.win)
	if f.ui.win.Canvas().Overlays().Top() != nil {
		t.Error("About is still open after Escape")
	}
}
