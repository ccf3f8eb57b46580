package schedule_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/windows"

	"github.com/medialake/connect/core/schedule"
)

// The scheduled task's command line, read back the way Windows splits a command line into a
// program's arguments (CommandLineToArgvW, which is also how a Go program reads os.Args), is
// the program, --home with the workspace folder, and the upkeep command, whatever spaces,
// quotes or backslashes the paths hold. Under Wine the splitting is Wine's shell32.
func TestScheduledTaskCommandLine(t *testing.T) {
	for _, tc := range []struct{ name, prog, home string }{
		{"plain", `C:\MedialakeConnect\medialake-connect.exe`, `C:\Users\ada\AppData\Roaming\medialake-connect`},
		{"spaces", `C:\Program Files\Medialake Connect\medialake-connect.exe`, `C:\Users\Ada Lovelace\AppData\Roaming\medialake-connect`},
		{"root of a drive", `C:\Program Files\Medialake Connect\medialake-connect.exe`, `D:\`},
		{"share with spaces", `C:\Tools\medialake-connect.exe`, `\\server\team share\ws\`},
		{"backslash before a space", `C:\Tools\medialake-connect.exe`, `C:\a\ b\ws`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls [][]string
			s := schedule.New(schedule.Config{OS: "windows", Program: tc.prog,
				Run: func(_ context.Context, name string, args ...string) ([]byte, error) {
					calls = append(calls, append([]string{name}, args...))
					return nil, nil
				}})
			job := schedule.Job{Name: "medialake-connect-upkeep-abc", Home: tc.home}
			if _, err := s.Install(context.Background(), job); err != nil {
				t.Fatalf("Install: %v", err)
			}
			if len(calls) == 0 || !slices.Contains(calls[0], "/TR") {
				t.Fatalf("calls %q, want schtasks /Create with /TR", calls)
			}
			line := calls[0][slices.Index(calls[0], "/TR")+1]
			got, err := windows.DecomposeCommandLine(line)
			if err != nil {
				t.Fatalf("DecomposeCommandLine(%s): %v", line, err)
			}
			want := []string{tc.prog, "--home", tc.home, "sources", "maintain"}
			if !slices.Equal(got, want) {
				t.Errorf("the task runs %q\nfrom the command line %s\nwant %q", got, line, want)
			}
		})
	}
}

// Asking the real schtasks about a task nobody made answers "not installed", and soon: the
// sources list asks on every run. Under Wine, schtasks answers every query with success and
// leaves its output open about 15 s after it ended; its first run in a fresh prefix also
// starts the scheduler service (about 10 s), so the second run is the one timed.
func TestScheduledTaskQueryBounded(t *testing.T) {
	s := schedule.New(schedule.Config{})
	job := schedule.Job{Name: "medialake-connect-upkeep-never-made", Home: `C:\Users\nobody\ws`}
	for i := range 2 {
		start := time.Now()
		ok, err := s.Installed(context.Background(), job)
		if took := time.Since(start); i == 1 && took > 8*time.Second {
			t.Errorf("Installed took %s, want a few seconds at most", took.Round(time.Second))
		}
		if ok || err != nil {
			t.Errorf("Installed = %v, %v for a task nobody made; want false, nil", ok, err)
		}
	}
}
