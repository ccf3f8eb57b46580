package startup_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	_ "fyne.io/fyne/v2/lang" // reads the locale in its init, which must come after ours

	"github.com/medialake/connect/cli/startup"
)

// childEnv, set, makes the test binary exit right after the packages initialized: the run
// that TestFyneLocaleQuiet watches.
const childEnv = "STARTUP_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestFyneLocaleQuiet starts this test binary as the program would start, under C.UTF-8: with
// a command, Fyne prints nothing while it initializes; with only the GUI's options, the
// environment is left alone and Fyne complains, as it does in the GUI.
func TestFyneLocaleQuiet(t *testing.T) {
	cases := []struct {
		args     []string
		complain bool
	}{
		{[]string{"users", "list"}, false},
		{[]string{"--home", "/tmp/x", "token", "3"}, false},
		{[]string{"--help"}, false},
		{[]string{"-v"}, true},
		{[]string{"--home", "/tmp/x"}, true},
	}
	for _, env := range []string{"LANG=C.UTF-8", "LC_ALL=POSIX.UTF-8"} {
		for _, c := range cases {
			cmd := exec.Command(os.Args[0], c.args...)
			cmd.Env = []string{childEnv + "=1", env}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s %q: %v\n%s", env, c.args, err, out)
			}
			if got := strings.Contains(string(out), "Error parsing user locale"); got != c.complain {
				t.Errorf("%s %q: Fyne complains: got %v, want %v; output:\n%s", env, c.args, got, c.complain, out)
			}
		}
	}
}

func TestHasCommand(t *testing.T) {
	cases := []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"-v"}, false},
		{[]string{"--home", "/x", "-v"}, false},
		{[]string{"--home=/x"}, false},
		{[]string{"-home", "/x"}, false},
		{[]string{"users", "list"}, true},
		{[]string{"--home", "/x", "init", "root"}, true},
		{[]string{"--help"}, true},
		{[]string{"--user", "root"}, true},
		{[]string{"-"}, true},
		{[]string{""}, true},
	}
	for _, c := range cases {
		if got := startup.HasCommand(c.args); got != c.want {
			t.Errorf("HasCommand(%q): got %v, want %v", c.args, got, c.want)
		}
	}
}
