// Medialake Connect: with no command it opens the desktop app; with one, it runs that command.
package main

import (
	_ "embed"
	"os"

	"github.com/medialake/connect/cli"
	"github.com/medialake/connect/core"
	"github.com/medialake/connect/gui"
)

// appFile is FyneApp.toml, the one place the version is written; embedded so that a plain
// go build reports it too.
//
//go:embed FyneApp.toml
var appFile []byte

func main() {
	core.SetAppFile(appFile)
	args := os.Args[1:]
	if !cli.HasCommand(args) {
		os.Exit(gui.Run(args, os.Stderr))
	}
	os.Exit(cli.Main(args))
}
