package cli

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/medialake/connect/core"
)

// --version prints FyneApp.toml's version and the build's, and touches no workspace: it must
// work before init, on a machine where nothing is set up yet.
func TestVersionPrintsTheBuildAndOpensNothing(t *testing.T) {
	b, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	core.SetAppFile(b)
	t.Cleanup(func() { core.SetAppFile(nil) })
	want := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([^"]+)"`).FindSubmatch(b)
	if want == nil {
		t.Fatal("FyneApp.toml has no Version")
	}
	w := newWorkspace(t)
	for _, args := range [][]string{{"--version"}, {"-version"}} {
		r := w.run(args...)
		if r.code != ExitOK || r.stderr != "" {
			t.Fatalf("%v: %s", args, r)
		}
		if !strings.HasPrefix(r.stdout, "medialake-connect "+string(want[1])+" (build ") {
			t.Errorf("%v: stdout %q; want it to start with the version %s", args, r.stdout, want[1])
		}
		for _, line := range []string{"\ncommit ", "\ngo go1.", "\nfyne "} {
			if !strings.Contains(r.stdout, line) {
				t.Errorf("%v: stdout %q has no line %q", args, r.stdout, strings.TrimSpace(line))
			}
		}
	}
	if _, err := os.Stat(w.home); !os.IsNotExist(err) {
		t.Errorf("--version made the workspace folder %s (stat: %v)", w.home, err)
	}
}
