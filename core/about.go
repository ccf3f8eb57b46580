package core

import "github.com/medialake/connect/core/version"

// BuildVersion is which build is running: FyneApp.toml's version, the commit, Go and Fyne.
type BuildVersion = version.Info

// SetAppFile hands over FyneApp.toml's contents, which only package main can embed (it sits at
// the module's root); call it once at start.
func SetAppFile(b []byte) { version.SetAppFile(b) }

// Version returns the running build's versions, for --version and the About dialog.
func Version() BuildVersion { return version.Get() }

// License is the SPDX name of the project's licence (the LICENSE file).
const License = version.License
