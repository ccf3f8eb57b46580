package cli

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// openBrowser opens url in the system browser, as the GUI does: $BROWSER if set (a command,
// or a list separated by colons whose first entry is used, with %s standing for the URL),
// else xdg-open, open (macOS) or the URL handler of Windows. It does not wait for the browser.
// Core gives it the flow's start address, never the sign-in address itself: other users can
// read a process's arguments.
func openBrowser(url string) error {
	cmd := browserCommand(url)
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // reap it; xdg-open returns at once, a browser may run for hours
	return nil
}

// browserCommand is the command openBrowser starts for url.
func browserCommand(url string) *exec.Cmd {
	if b, _, _ := strings.Cut(os.Getenv("BROWSER"), string(os.PathListSeparator)); strings.TrimSpace(b) != "" {
		fields := strings.Fields(b)
		args, hasURL := fields[1:], false
		for i, a := range args {
			if strings.Contains(a, "%s") {
				args[i], hasURL = strings.ReplaceAll(a, "%s", url), true
			}
		}
		if !hasURL {
			args = append(args, url)
		}
		return exec.Command(fields[0], args...)
	}
	switch runtime.GOOS {
	case "darwin":
		return exec.Command("open", url)
	case "windows":
		// rundll32 hands FileProtocolHandler the rest of its command line as it is, quotes
		// included: fine for the flow's start address, which holds nothing Go would quote.
		return exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		return exec.Command("xdg-open", url)
	}
}
