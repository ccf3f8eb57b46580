// Medialake Connect: with no command it opens the desktop app; with one, it runs that command.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"fyne.io/fyne/v2/app"

	"github.com/medialake/connect/assets"
	"github.com/medialake/connect/cli"
	"github.com/medialake/connect/core"
	"github.com/medialake/connect/gui"
)

// appID is FyneApp.toml's Details.ID.
const appID = "io.medialake.connect"

func main() {
	if cli.HasCommand(os.Args[1:]) {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	home := flag.String("home", "", "workspace folder (default $"+core.HomeEnv+", else the user's config folder)")
	verbose := flag.Bool("v", false, "also log to the terminal")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "medialake-connect: unknown command %q; run without a command to open the app\n", flag.Arg(0))
		os.Exit(2)
	}
	dir, err := core.HomeDir(*home)
	if err != nil {
		fmt.Fprintln(os.Stderr, "medialake-connect:", err)
		os.Exit(1)
	}
	log, logFile, err := core.OpenLog(dir, *verbose)
	if err != nil {
		fmt.Fprintln(os.Stderr, "medialake-connect:", err)
		os.Exit(1)
	}
	defer logFile.Close()

	fa := app.NewWithID(appID)
	fa.SetIcon(assets.AppIcon)
	c, err := core.Open(context.Background(), core.Config{Home: dir, Logger: log})
	if err != nil {
		log.Error("open workspace", "err", err)
		fmt.Fprintln(os.Stderr, "medialake-connect:", err)
		gui.ShowFatal(fa, err)
		os.Exit(1)
	}
	defer c.Close()
	log.Info("started", "home", dir, "workspace", c.WorkspaceID())

	ui := gui.New(fa, c, gui.Deps{Probe: c.ProbeKeychain})
	ui.Start()
	ui.RunIdleTimer()
	ui.RunMaintenance(time.Minute)
	ui.Window().ShowAndRun()
}
