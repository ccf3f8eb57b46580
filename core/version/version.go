// Package version says which build of Medialake Connect is running: the version FyneApp.toml
// gives, the commit it was built from, and the Go and Fyne versions in it. The command line's
// --version and the GUI's About dialog both print it, so they can never disagree.
//
// FyneApp.toml sits at the module's root, where only package main can embed it (go:embed does
// not reach into parent folders), so main hands its bytes over once with SetAppFile. The rest
// comes from the build information Go writes into every binary; reading it needs no toolkit,
// which keeps this package free of fyne.io like the rest of core.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/BurntSushi/toml"
)

// Unknown stands for what the build does not record: a binary built outside a git checkout has
// no commit, a test binary no module versions.
const Unknown = "unknown"

// fynePath is the toolkit's module, whose version the build information lists among the deps.
const fynePath = "fyne.io/fyne/v2"

// License is the SPDX name of the licence in LICENSE, which the About dialog and the AppStream
// metainfo name too (a test checks all three agree).
const License = "MIT"

// Info is one build's versions, ready to print.
type Info struct {
	Version string // FyneApp.toml's Details.Version, e.g. "0.1.0"
	Build   int    // FyneApp.toml's Details.Build
	Commit  string // the git revision, with "-dirty" when the tree had changes
	Go      string // runtime.Version()
	Fyne    string // the fyne.io/fyne/v2 module version
	Website string // FyneApp.toml's Website: the project's address, or "" where it has none
}

// String is what --version prints: the version first, then one line for each of the rest.
func (i Info) String() string {
	return fmt.Sprintf("medialake-connect %s (build %d)\ncommit %s\ngo %s\nfyne %s\n",
		i.Version, i.Build, i.Commit, i.Go, i.Fyne)
}

var (
	mu      sync.Mutex
	appFile []byte
)

// SetAppFile gives the contents of FyneApp.toml, which main embeds. Call it once, before Get.
func SetAppFile(b []byte) {
	mu.Lock()
	defer mu.Unlock()
	appFile = b
}

// Get returns the running binary's versions. Whatever cannot be read is Unknown.
func Get() Info {
	mu.Lock()
	b := appFile
	mu.Unlock()
	info := Info{Version: Unknown, Commit: Unknown, Go: runtime.Version(), Fyne: Unknown}
	if f, err := readAppFile(b); err == nil {
		info.Version, info.Build, info.Website = f.Details.Version, f.Details.Build, f.Website
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		info.Commit, info.Fyne = fromBuildInfo(bi)
	}
	return info
}

// FromAppFile reads Details.Version and Details.Build from the contents of a FyneApp.toml.
func FromAppFile(b []byte) (version string, build int, err error) {
	f, err := readAppFile(b)
	return f.Details.Version, f.Details.Build, err
}

// appFields are what the app reads of FyneApp.toml.
type appFields struct {
	Website string
	Details struct {
		Version string
		Build   int
	}
}

func readAppFile(b []byte) (appFields, error) {
	var f appFields
	if err := toml.Unmarshal(b, &f); err != nil {
		return appFields{}, fmt.Errorf("read FyneApp.toml: %w", err)
	}
	if f.Details.Version == "" {
		return appFields{}, fmt.Errorf("read FyneApp.toml: no Details.Version; add Version = \"x.y.z\" under [Details]")
	}
	return f, nil
}

// fromBuildInfo picks the commit and the Fyne version out of the build information.
func fromBuildInfo(bi *debug.BuildInfo) (commit, fyne string) {
	commit, fyne = Unknown, Unknown
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty && commit != Unknown {
		commit += "-dirty"
	}
	for _, d := range bi.Deps {
		if d.Path == fynePath {
			fyne = d.Version
			if d.Replace != nil {
				fyne = d.Replace.Version
			}
		}
	}
	return commit, fyne
}
