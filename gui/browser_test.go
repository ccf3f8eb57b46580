package gui

import (
	"context"
	"net/url"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core"
)

// markingDriver marks the functions run through fyne.Do and fyne.DoAndWait.
type markingDriver struct {
	fyne.Driver
	inDo atomic.Bool
}

func (d *markingDriver) DoFromGoroutine(fn func(), wait bool) {
	d.Driver.DoFromGoroutine(func() {
		d.inDo.Store(true)
		defer d.inDo.Store(false)
		fn()
	}, wait)
}

// browserApp is the test app whose OpenURL notes whether it ran through fyne.Do.
type browserApp struct {
	fyne.App
	drv    *markingDriver
	opened chan bool
}

func (a *browserApp) Driver() fyne.Driver { return a.drv }
func (a *browserApp) OpenURL(*url.URL) error {
	a.opened <- a.drv.inDo.Load()
	return nil
}

// The test authorization's browser, like the connect dialog's, is the GUI's own,
// which core calls from the flow's goroutine and which reaches Fyne's OpenURL only through
// fyne.DoAndWait, on the UI goroutine. It was left to a browser of core's, which called
// OpenURL off the UI goroutine.
func TestBrowserOpensOnUIGoroutine(t *testing.T) {
	base := test.NewTempApp(t)
	fa := &browserApp{App: base, drv: &markingDriver{Driver: base.Driver()}, opened: make(chan bool, 2)}
	fyne.SetCurrentApp(fa)
	c, err := core.Open(context.Background(), core.Config{Home: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := c.CreateFirstAdmin(context.Background(), "Ada", core.NewSecret(goodPass), core.NewSecret(goodPass))
	if err != nil {
		t.Fatal(err)
	}
	u := newTestUI(fa, c, Deps{})
	t.Cleanup(u.Close)
	u.session = s
	for name, open := range map[string]func(string) error{
		"test authorization": newIntegrationsPane(u).openURL,
		"connect":            buildSourcesPane(u).openURL,
	} {
		if open == nil {
			t.Fatalf("%s: no browser of the GUI's own", name)
		}
		done := make(chan error)
		go func() { done <- open("https://auth.example/authorize") }() // as core calls it
		if err := <-done; err != nil {
			t.Fatalf("%s: open = %v", name, err)
		}
		if onUI := <-fa.opened; !onUI {
			t.Errorf("%s: OpenURL ran off the UI goroutine, not through fyne.DoAndWait", name)
		}
	}
}
