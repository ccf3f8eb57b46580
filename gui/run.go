package gui

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"time"

	"fyne.io/fyne/v2/app"

	"github.com/medialake/connect/assets"
	"github.com/medialake/connect/core"
)

// AppID is FyneApp.toml's Details.ID: packaging and app.NewWithID must use the same string.
const AppID = "io.medialake.connect"

// Run starts the desktop app with the options args (--home DIR, -v) and returns the process's
// exit code once its window is closed: 0, 1 when the workspace could not be opened (a window
// says why), 2 for a wrong option.
func Run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("medialake-connect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	home := fs.String("home", "", "workspace folder (default $"+core.HomeEnv+", else the user's config folder)")
	verbose := fs.Bool("v", false, "also log to the terminal")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "medialake-connect: unknown command %q; run without a command to open the app\n", core.Printable(fs.Arg(0)))
		return 2
	}
	fa := app.NewWithID(AppID)
	fa.SetIcon(assets.AppIcon)
	c, err := core.OpenWorkspace(context.Background(), *home, *verbose)
	if err != nil {
		fmt.Fprintln(stderr, "medialake-connect:", core.Printable(err.Error()))
		ShowFatal(fa, err)
		return 1
	}
	defer c.Close()

	ui := New(fa, c, Deps{Probe: c.ProbeKeychain, Screen: PrimaryScreen, Shown: returnStartMemory})
	// The window's own icon is the 144-pixel mark, the same picture (window managers show it
	// at 128 pixels at most). Fyne would otherwise decode the 512-pixel app icon for it, and
	// GLFW hand that to X in a 2 MB buffer; once glibc has freed so large a block it serves
	// blocks up to that size from its heap, which keeps them: about 1 MB more at start. The
	// app's icon (tray, notifications, macOS's Dock) stays the 512-pixel one.
	ui.Window().SetIcon(assets.AppMark)
	ui.Start()
	ui.RunIdleTimer()
	ui.RunMaintenance(time.Minute)
	ui.Window().ShowAndRun()
	return 0
}

// returnStartMemory hands back to the system, once the first screen is drawn, the memory that
// start-up used and let go: the fonts' parse buffers, the decoded window icon, the database's
// first reads. Go's runtime returns such memory only over minutes, so a window that shows one
// form would hold about 5 MB more than it uses. Fyne draws the screen, the last of that work,
// within a few frames of its being put in the window: a second is ample.
func returnStartMemory() { time.AfterFunc(time.Second, debug.FreeOSMemory) }
