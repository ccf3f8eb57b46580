//go:build !windows

package schedule_test

import (
	"context"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/medialake/connect/core/schedule"
)

// program is an executable outside the temporary folder, as an installed app is.
func program(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("true")
	if err != nil {
		t.Fatalf("no 'true' program: %v", err)
	}
	return p
}

// OfflineSystemd points the real systemctl at a fresh configuration folder and makes it work
// on unit files alone (SYSTEMD_OFFLINE), so that a test never reaches the systemd user
// instance of the person running it; it returns the folder of user units.
func OfflineSystemd(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("systemctl"); err != nil {
		t.Fatalf("systemctl is needed (Debian package systemd; scripts/deps.sh test installs it): %v", err)
	}
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("SYSTEMD_OFFLINE", "1")
	return filepath.Join(cfg, "systemd", "user")
}

// An odd but legal workspace folder: spaces, a quote, a backslash and systemd's specifier and
// variable characters must all reach the program as they are.
const oddHome = `/tmp/Work Space/it's "ours" \ 100% $HOME`

func TestSystemdInstallAndRemove(t *testing.T) {
	units := OfflineSystemd(t)
	ctx := context.Background()
	s := schedule.New(schedule.Config{OS: "linux", Program: program(t)})
	job := schedule.Job{Name: "medialake-connect-upkeep-test", Home: oddHome}

	if _, err := s.Install(ctx, job); err != nil {
		t.Fatalf("Install: %v", err)
	}
	if ok, err := s.Installed(ctx, job); err != nil || !ok {
		t.Fatalf("Installed = %v, %v; want true", ok, err)
	}
	for _, f := range []string{job.Name + ".service", job.Name + ".timer", "timers.target.wants/" + job.Name + ".timer"} {
		if _, err := os.Stat(filepath.Join(units, f)); err != nil {
			t.Errorf("after Install: %v", err)
		}
	}
	out, _ := exec.Command("systemctl", "--user", "is-enabled", job.Name+".timer").CombinedOutput()
	if got := strings.TrimSpace(string(out)); got != "enabled" {
		t.Errorf("systemctl --user is-enabled = %q, want enabled", got)
	}

	if err := s.Remove(ctx, job); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if ok, _ := s.Installed(ctx, job); ok {
		t.Error("Installed after Remove = true")
	}
	left, _ := filepath.Glob(filepath.Join(units, "*", job.Name+"*"))
	more, _ := filepath.Glob(filepath.Join(units, job.Name+"*"))
	if left = append(left, more...); len(left) > 0 {
		t.Errorf("Remove left %v", left)
	}
	if err := s.Remove(ctx, job); err != nil {
		t.Errorf("second Remove: %v, want nothing to do", err)
	}
}

// The units pass systemd's own checker, which also fails when ExecStart's program, as systemd
// unquotes it, does not exist.
func TestSystemdUnitsVerify(t *testing.T) {
	units := OfflineSystemd(t)
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Fatalf("systemd-analyze is needed (Debian package systemd): %v", err)
	}
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir()) // systemd-analyze --user needs one, even empty
	dir := filepath.Join(t.TempDir(), "Program 100% $X")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(dir, "medialake-connect")
	if err := os.Symlink(program(t), prog); err != nil {
		t.Fatal(err)
	}
	job := schedule.Job{Name: "medialake-connect-upkeep-verify", Home: oddHome}
	argv := []string{prog, "--home", job.Home, "sources", "maintain"}
	os.MkdirAll(units, 0o755)
	svc, tmr := filepath.Join(units, job.Name+".service"), filepath.Join(units, job.Name+".timer")
	os.WriteFile(svc, []byte(schedule.ServiceUnit(job, argv)), 0o644)
	os.WriteFile(tmr, []byte(schedule.TimerUnit(job)), 0o644)
	if out, err := exec.Command("systemd-analyze", "verify", "--user", tmr, svc).CombinedOutput(); err != nil || len(out) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s\n--- service:\n%s", err, out, schedule.ServiceUnit(job, argv))
	}
	// The same check fails when the program does not exist, so it reads ExecStart's words.
	gone := append([]string{prog + "-missing"}, argv[1:]...)
	os.WriteFile(svc, []byte(schedule.ServiceUnit(job, gone)), 0o644)
	if _, err := exec.Command("systemd-analyze", "verify", "--user", tmr, svc).CombinedOutput(); err == nil {
		t.Error("systemd-analyze verify passed a service whose program is missing: the check above proves nothing")
	}
}

// failingRun runs the real tools but fails the one command named.
func failingRun(failing string) schedule.Runner {
	return func(ctx context.Context, name string, args ...string) ([]byte, error) {
		if slices.Contains(args, failing) {
			return []byte("Failed to " + failing + ": simulated refusal\nsecond line"), errors.New("exit status 1")
		}
		return exec.CommandContext(ctx, name, args...).CombinedOutput()
	}
}

// Where no user instance runs (daemon-reload fails), the timer is enabled all the same and
// the note says when it starts.
func TestSystemdWithoutInstance(t *testing.T) {
	OfflineSystemd(t)
	s := schedule.New(schedule.Config{OS: "linux", Program: program(t), Run: failingRun("daemon-reload")})
	job := schedule.Job{Name: "medialake-connect-upkeep-later", Home: "/tmp/ws"}
	note, err := s.Install(context.Background(), job)
	if err != nil || !strings.Contains(note, "next login") {
		t.Fatalf("Install = %q, %v; want a note that the timer starts at the next login", note, err)
	}
	if ok, _ := s.Installed(context.Background(), job); !ok {
		t.Error("Installed = false, want the timer enabled")
	}
}

func TestSystemdRefusedLeavesNothing(t *testing.T) {
	units := OfflineSystemd(t)
	s := schedule.New(schedule.Config{OS: "linux", Program: program(t), Run: failingRun("enable")})
	job := schedule.Job{Name: "medialake-connect-upkeep-refused", Home: "/tmp/ws"}
	_, err := s.Install(context.Background(), job)
	if !errors.Is(err, schedule.ErrRefused) || !strings.Contains(err.Error(), "simulated refusal") || strings.Contains(err.Error(), "second line") {
		t.Fatalf("Install = %v, want ErrRefused with the tool's first line", err)
	}
	if left, _ := filepath.Glob(filepath.Join(units, job.Name+"*")); len(left) > 0 {
		t.Errorf("a refused install left %v", left)
	}
}

func TestProgramRefused(t *testing.T) {
	tmpProg := filepath.Join(os.TempDir(), "go-build123", "exe", "medialake-connect")
	for _, tc := range []struct {
		name, prog, home, want string
	}{
		{"go run build", tmpProg, "/home/a/ws", "temporary folder"},
		{"relative program", "bin/medialake-connect", "/home/a/ws", "not an absolute path"},
		{"relative home", "/usr/bin/medialake-connect", "ws", "not an absolute path"},
		{"newline in home", "/usr/bin/medialake-connect", "/home/a/ws\n[Service]", "control character"},
		{"quote in program", "/opt/it's/medialake-connect", "/home/a/ws", "quote or a backslash"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := schedule.New(schedule.Config{OS: "linux", Program: tc.prog,
				Run: func(context.Context, string, ...string) ([]byte, error) { t.Fatal("a tool ran"); return nil, nil }})
			_, err := s.Install(context.Background(), schedule.Job{Name: "x", Home: tc.home})
			if !errors.Is(err, schedule.ErrProgram) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Install = %v, want ErrProgram saying %q", err, tc.want)
			}
		})
	}
}

func TestUnsupportedSystemSaysWhatToRun(t *testing.T) {
	s := schedule.New(schedule.Config{OS: "plan9", Program: "/usr/bin/medialake-connect"})
	_, err := s.Install(context.Background(), schedule.Job{Name: "x", Home: "/home/a/ws"})
	if !errors.Is(err, schedule.ErrUnsupported) || !strings.Contains(err.Error(), "/usr/bin/medialake-connect --home /home/a/ws sources maintain") {
		t.Errorf("Install = %v, want ErrUnsupported with the command to schedule by hand", err)
	}
}

// recorder stands in for launchctl and schtasks, which this system does not have: it records
// each call and answers as told.
type recorder struct {
	calls [][]string
	fail  map[string]bool // by the call's first argument
}

func (r *recorder) run(_ context.Context, name string, args ...string) ([]byte, error) {
	r.calls = append(r.calls, append([]string{name}, args...))
	if r.fail[args[0]] {
		return []byte("refused"), errors.New("exit status 1")
	}
	return nil, nil
}

func TestLaunchdAgent(t *testing.T) {
	dir := t.TempDir()
	rec := &recorder{}
	s := schedule.New(schedule.Config{OS: "darwin", Dir: dir, Program: "/Applications/Medialake Connect.app/Contents/MacOS/medialake-connect", Run: rec.run})
	job := schedule.Job{Name: "medialake-connect-upkeep-abc", Home: "/Users/a/Library/Application Support/medialake <&> connect"}
	if _, err := s.Install(context.Background(), job); err != nil {
		t.Fatalf("Install: %v", err)
	}
	plist := filepath.Join(dir, "io.medialake.connect."+job.Name+".plist")
	data, err := os.ReadFile(plist)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Strings []string `xml:"dict>array>string"`
		Keys    []string `xml:"dict>key"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("the plist is not XML: %v\n%s", err, data)
	}
	want := []string{"/Applications/Medialake Connect.app/Contents/MacOS/medialake-connect", "--home", job.Home, "sources", "maintain"}
	if !slices.Equal(doc.Strings, want) || !slices.Contains(doc.Keys, "StartInterval") {
		t.Errorf("plist arguments = %q, keys %q; want %q and StartInterval", doc.Strings, doc.Keys, want)
	}
	last := rec.calls[len(rec.calls)-1]
	if !slices.Equal(last, []string{"launchctl", "bootstrap", "gui/" + strconv.Itoa(os.Getuid()), plist}) {
		t.Errorf("last call %q, want launchctl bootstrap of the plist", last)
	}
	if ok, _ := s.Installed(context.Background(), job); !ok {
		t.Error("Installed = false after Install")
	}
	if err := s.Remove(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(plist); !os.IsNotExist(err) {
		t.Errorf("Remove left the plist: %v", err)
	}

	rec.fail = map[string]bool{"bootstrap": true}
	if _, err := s.Install(context.Background(), job); !errors.Is(err, schedule.ErrRefused) {
		t.Errorf("Install with bootstrap refused = %v, want ErrRefused", err)
	}
	if _, err := os.Stat(plist); !os.IsNotExist(err) {
		t.Errorf("a refused install left the plist: %v", err)
	}
}

func TestScheduledTask(t *testing.T) {
	rec := &recorder{}
	s := schedule.New(schedule.Config{OS: "windows", Program: `C:\Program Files\Medialake Connect\medialake-connect.exe`, Run: rec.run})
	job := schedule.Job{Name: "medialake-connect-upkeep-abc", Home: `C:\Users\a b\AppData\Roaming\medialake-connect`}
	if _, err := s.Install(context.Background(), job); err != nil {
		t.Fatalf("Install: %v", err)
	}
	want := []string{"schtasks", "/Create", "/F", "/SC", "DAILY", "/ST", "12:30", "/TN", `Medialake Connect\` + job.Name, "/TR",
		`"C:\Program Files\Medialake Connect\medialake-connect.exe" --home "C:\Users\a b\AppData\Roaming\medialake-connect" sources maintain`}
	if !slices.Equal(rec.calls[0], want) {
		t.Errorf("schtasks call\n got %q\nwant %q", rec.calls[0], want)
	}
	long := schedule.Job{Name: "x", Home: `C:\` + strings.Repeat("a", 300)}
	if _, err := s.Install(context.Background(), long); !errors.Is(err, schedule.ErrProgram) {
		t.Errorf("Install of a 300-character path = %v, want ErrProgram", err)
	}
}

// Against the systemd user instance of the person running the tests, where one runs: the timer
// is installed, listed by systemd as waiting, and gone after Remove. Where none runs (CI, a
// container), TestSystemdInstallAndRemove has checked the same units on files.
func TestSystemdUserInstance(t *testing.T) {
	out, _ := exec.Command("systemctl", "--user", "is-system-running").Output()
	if state := strings.TrimSpace(string(out)); state != "running" && state != "degraded" {
		t.Skipf("no systemd user instance runs here (%q)", state)
	}
	ctx := context.Background()
	s := schedule.New(schedule.Config{OS: "linux", Program: program(t)})
	job := schedule.Job{Name: "medialake-connect-upkeep-test-" + strconv.Itoa(os.Getpid()), Home: t.TempDir()}
	t.Cleanup(func() { s.Remove(ctx, job) })
	if note, err := s.Install(ctx, job); err != nil || note != "" {
		t.Fatalf("Install = %q, %v", note, err)
	}
	timers, _ := exec.Command("systemctl", "--user", "list-timers", "--all", job.Name+".timer").CombinedOutput()
	if !strings.Contains(string(timers), job.Name+".timer") {
		t.Fatalf("systemd does not list the timer:\n%s", timers)
	}
	if err := s.Remove(ctx, job); err != nil {
		t.Fatal(err)
	}
	timers, _ = exec.Command("systemctl", "--user", "list-timers", "--all", job.Name+".timer").CombinedOutput()
	if strings.Contains(string(timers), job.Name+".timer") {
		t.Errorf("the timer is still listed after Remove:\n%s", timers)
	}
}
