// Command clionly is the app's command line without its window: main.go's command branch
// alone. The Windows command-line test builds it for Windows and runs it under Wine, because
// cross-compiling the window (Fyne) takes about 20 minutes from a cold cache and the commands
// never reach it. It reports no version: FyneApp.toml is embedded by main.go only.
package main

import (
	"os"

	"github.com/medialake/connect/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
