package gui

import (
	"fmt"

	"github.com/medialake/connect/core"
)

// aboutText is what the About dialog says: the same facts as --version, in words, so that a
// person reporting a problem can copy which build they run.
func aboutText(v core.BuildVersion) string {
	return fmt.Sprintf("Medialake Connect %s (build %d)\n\nCommit: %s\nGo: %s\nFyne: %s\nLicence: %s",
		v.Version, v.Build, v.Commit, v.Go, v.Fyne, core.License)
}

// showAbout opens the About dialog from the Account menu.
func (u *UI) showAbout() {
	showInfo(u.win, "About Medialake Connect", aboutText(core.Version()))
}
