package main

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/gui"
)

// FyneApp.toml's ID is what packaging uses; app.NewWithID must get the very same string, or
// preferences and the keychain-facing app identity split in two.
func TestAppIDMatchesFyneAppToml(t *testing.T) {
	b, err := os.ReadFile("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*ID\s*=\s*"([^"]+)"`).FindSubmatch(b)
	if m == nil {
		t.Fatal("FyneApp.toml has no Details.ID")
	}
	if got := string(m[1]); got != gui.AppID {
		t.Errorf("FyneApp.toml ID = %q, gui.AppID = %q", got, gui.AppID)
	}
	if !regexp.MustCompile(`(?m)^\s*fyneDo\s*=\s*true`).Match(b) {
		t.Error("FyneApp.toml must say [Migrations] fyneDo = true: only Fyne's goroutine touches widgets")
	}
}

// Dependencies point one way: gui imports core, never the reverse, and the command line
// stays free of the toolkit too.
func TestCoreAndCLIDoNotImportFyne(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./core/...", "./cli/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "fyne.io/") {
			t.Errorf("core/ or cli/ depends on %s", pkg)
		}
	}
}

// access (passphrases) and catalog (client secrets) need the Secret type, not the keychain:
// neither may pull in go-keyring or D-Bus, which is why Secret lives in core/redact, a leaf.
func TestAccessAndCatalogDoNotImportKeychain(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./core/redact", "./core/access", "./core/catalog").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/zalando/go-keyring") || strings.HasPrefix(pkg, "github.com/godbus/dbus") {
			t.Errorf("core/redact, core/access or core/catalog depends on %s", pkg)
		}
	}
}

// The facade stands alone: the front ends import core, and core/access for the privilege
// words, never another part of core.
func TestFrontEndsImportOnlyCore(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}:{{join .Imports " "}}`, "./gui/...", "./cli/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	const core = "github.com/medialake/connect/core"
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		for _, imp := range strings.Fields(imports) {
			if strings.HasPrefix(imp, core+"/") && imp != core+"/access" {
				t.Errorf("%s imports %s: re-export what it needs from core", pkg, imp)
			}
		}
	}
}

// What the tests are made of stays out of the app: the test kit, the tests' authorization
// server and the browser driver are for *_test.go files, never for the binary people run.
func TestAppHoldsNoTestParts(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	var seen int
	for _, pkg := range strings.Fields(string(out)) {
		seen++
		for _, part := range []string{"github.com/medialake/connect/internal/testkit",
			"github.com/medialake/connect/internal/authtest", "github.com/medialake/connect/internal/browsertest",
			"github.com/chromedp/"} {
			if strings.HasPrefix(pkg, part) {
				t.Errorf("the app depends on %s", pkg)
			}
		}
	}
	if seen < 100 { // the app with Fyne and SQLite: a list this short was not the app's
		t.Errorf("go list -deps . listed %d packages", seen)
	}
}

// A plain go build must know its version: FyneApp.toml is embedded, not set by the Makefile.
func TestBuiltBinaryPrintsFyneAppVersion(t *testing.T) {
	bin := t.TempDir() + "/medialake-connect"
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	b, err := os.ReadFile("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([^"]+)"`).FindSubmatch(b)
	if m == nil {
		t.Fatal("FyneApp.toml has no Details.Version")
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("--version: %v\n%s", err, out)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	if want := "medialake-connect " + string(m[1]) + " (build "; !strings.HasPrefix(first, want) {
		t.Errorf("--version's first line %q; want it to start with %q", first, want)
	}
	if !regexp.MustCompile(`(?m)^fyne v2\.`).Match(out) {
		t.Errorf("--version does not name the Fyne version:\n%s", out)
	}
}

// The AppStream metainfo repeats what FyneApp.toml and LICENSE say; a release bump or a licence
// change that forgets it would ship a package that contradicts itself.
func TestMetainfoAgreesWithFyneAppAndLicense(t *testing.T) {
	app, err := os.ReadFile("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	meta, err := os.ReadFile("packaging/" + gui.AppID + ".metainfo.xml")
	if err != nil {
		t.Fatalf("the metainfo must be named after FyneApp.toml's ID: %v", err)
	}
	lic, err := os.ReadFile("LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	version := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([^"]+)"`).FindSubmatch(app)
	if version == nil {
		t.Fatal("FyneApp.toml has no Details.Version")
	}
	for _, want := range []string{
		"<id>" + gui.AppID + "</id>",
		`<release version="` + string(version[1]) + `"`,
		"<project_license>" + core.License + "</project_license>",
		"<launchable type=\"desktop-id\">" + gui.AppID + ".desktop</launchable>",
	} {
		if !strings.Contains(string(meta), want) {
			t.Errorf("the metainfo has no %s", want)
		}
	}
	if !strings.HasPrefix(string(lic), core.License+" License\n") {
		t.Errorf("LICENSE does not start with %q: core.License and LICENSE disagree", core.License+" License")
	}
}
