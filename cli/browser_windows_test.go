package cli

import (
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// On Windows, without $BROWSER, the flow's start address goes to the URL handler of the
// system, through rundll32 in the system folder. rundll32 passes FileProtocolHandler the rest
// of its command line unsplit, so the address must reach that command line unquoted.
func TestWindowsBrowserCommand(t *testing.T) {
	t.Setenv("BROWSER", "")
	const start = "http://127.0.0.1:49152/start?k=Zm9vYmFyYmF6cXV4"
	cmd := browserCommand(start)
	if cmd.Err != nil {
		t.Fatalf("rundll32 not found: %v", cmd.Err)
	}
	if !strings.EqualFold(filepath.Base(cmd.Path), "rundll32.exe") || !strings.EqualFold(filepath.Base(filepath.Dir(cmd.Path)), "system32") {
		t.Errorf("runs %s, want rundll32.exe of the system folder", cmd.Path)
	}
	if want := []string{"rundll32", "url.dll,FileProtocolHandler", start}; !slices.Equal(cmd.Args, want) {
		t.Errorf("arguments %q, want %q", cmd.Args, want)
	}
	if q := syscall.EscapeArg(start); q != start {
		t.Errorf("the address reaches rundll32 as %s: FileProtocolHandler would get the quotes too", q)
	}

	t.Setenv("BROWSER", `C:\Tools\browser.exe --new-window %s;C:\other.exe`)
	cmd = browserCommand(start)
	if want := []string{`C:\Tools\browser.exe`, "--new-window", start}; !slices.Equal(cmd.Args, want) {
		t.Errorf("with $BROWSER: arguments %q, want %q", cmd.Args, want)
	}
}
