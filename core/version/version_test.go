package version

import (
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// The real FyneApp.toml must parse: packaging and --version read the same file.
func TestFromAppFileReadsTheProjectsFile(t *testing.T) {
	b, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	v, build, err := FromAppFile(b)
	if err != nil || v == "" || build < 1 {
		t.Fatalf("FromAppFile(FyneApp.toml) = %q, %d, %v; want a version and a build", v, build, err)
	}
}

func TestFromAppFile(t *testing.T) {
	for _, tc := range []struct {
		name, file, want string
		build            int
		fails            bool
	}{
		{name: "details", file: "[Details]\nVersion = \"1.2.3\"\nBuild = 7\n", want: "1.2.3", build: 7},
		{name: "no version", file: "[Details]\nBuild = 7\n", fails: true},
		{name: "not toml", file: "Version = = 1", fails: true},
		{name: "empty", file: "", fails: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, build, err := FromAppFile([]byte(tc.file))
			if tc.fails != (err != nil) || v != tc.want || build != tc.build {
				t.Errorf("got %q, %d, %v; want %q, %d, fails=%v", v, build, err, tc.want, tc.build, tc.fails)
			}
		})
	}
}

func TestFromBuildInfo(t *testing.T) {
	for _, tc := range []struct {
		name               string
		bi                 debug.BuildInfo
		wantCommit, wantFy string
	}{
		{name: "nothing recorded", wantCommit: Unknown, wantFy: Unknown},
		{name: "clean checkout", bi: debug.BuildInfo{
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "false"}},
			Deps:     []*debug.Module{{Path: "fyne.io/systray", Version: "v9"}, {Path: "fyne.io/fyne/v2", Version: "v2.7.1"}},
		}, wantCommit: "abc123", wantFy: "v2.7.1"},
		{name: "dirty tree, replaced fyne", bi: debug.BuildInfo{
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "true"}},
			Deps:     []*debug.Module{{Path: "fyne.io/fyne/v2", Version: "v2.7.1", Replace: &debug.Module{Version: "v2.7.2"}}},
		}, wantCommit: "abc123-dirty", wantFy: "v2.7.2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, f := fromBuildInfo(&tc.bi)
			if c != tc.wantCommit || f != tc.wantFy {
				t.Errorf("got %q, %q; want %q, %q", c, f, tc.wantCommit, tc.wantFy)
			}
		})
	}
}

func TestGetUsesTheAppFile(t *testing.T) {
	SetAppFile([]byte("[Details]\nVersion = \"4.5.6\"\nBuild = 2\n"))
	t.Cleanup(func() { SetAppFile(nil) })
	got := Get()
	if got.Version != "4.5.6" || got.Build != 2 || got.Go != runtime.Version() {
		t.Errorf("Get() = %+v; want version 4.5.6, build 2, go %s", got, runtime.Version())
	}
	if s := got.String(); !strings.HasPrefix(s, "medialake-connect 4.5.6 (build 2)\n") {
		t.Errorf("String() = %q", s)
	}
	SetAppFile(nil)
	if got := Get().Version; got != Unknown {
		t.Errorf("without FyneApp.toml: version %q, want %q", got, Unknown)
	}
}

// Get carries FyneApp.toml's Website, the address the About dialog links to.
func TestGetReadsTheWebsite(t *testing.T) {
	t.Cleanup(func() { SetAppFile(nil) })
	SetAppFile([]byte("Website = \"https://example.org/project\"\n[Details]\nVersion = \"1.2.3\"\n"))
	if got := Get().Website; got != "https://example.org/project" {
		t.Errorf("Website = %q, want https://example.org/project", got)
	}
	SetAppFile([]byte("[Details]\nVersion = \"1.2.3\"\n"))
	if got := Get().Website; got != "" {
		t.Errorf("Website of a file without one = %q, want none", got)
	}
}
