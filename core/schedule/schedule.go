// Package schedule installs, and removes, the per-user schedule that runs a workspace's upkeep
// (`medialake-connect --home DIR sources maintain`) while the app is closed: a systemd user
// timer on Linux, a launchd agent on macOS, a Task Scheduler task on Windows.
//
// Why: providers drop refresh tokens that stay unused (Box after 60 days, Microsoft after 90,
// Google after about six months), and the app's keep-alive refreshes them only while something
// runs it. Once a day (Every) is far more often than the shortest of those lifetimes needs, and
// a run missed while the computer was off happens at the next start.
//
// What this protects and what not: the schedule runs as the person's own OS account, with the
// access to their keychain that any of their programs has, and it carries no secret — only the
// program's path and the workspace folder. On Linux a user timer runs while the person's systemd
// user instance runs (while they are logged in, or always after `loginctl enable-linger`).
package schedule

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
	"unicode"
)

// Every is how often the schedule runs the upkeep.
const Every = 24 * time.Hour

// Job is the upkeep of one workspace.
type Job struct {
	// Name is unique per workspace and safe in a file name; it names the unit, agent or task.
	Name string
	// Home is the workspace folder, given to the program as --home.
	Home string
}

// Runner runs a command and returns what it printed (standard output and error together).
type Runner func(ctx context.Context, name string, args ...string) ([]byte, error)

// Config is what a Scheduler needs from its surroundings; every field has a default.
type Config struct {
	// OS is the system whose scheduler is used; empty means runtime.GOOS.
	OS string
	// Dir is where macOS's agent is written; empty means ~/Library/LaunchAgents. On Linux the
	// units go where systemctl looks ($XDG_CONFIG_HOME/systemd/user); Windows keeps its tasks.
	Dir string
	// Program is the app's executable; empty means os.Executable().
	Program string
	// Run runs the system's tools (systemctl, launchctl, schtasks); nil runs them for real.
	Run Runner
}

// Errors a Scheduler returns; each wraps the detail.
var (
	// ErrUnsupported: this system has no scheduler the app knows how to use.
	ErrUnsupported = errors.New("no per-user scheduler the app can use on this system")
	// ErrRefused: the system's scheduler tool failed; the error carries what it said.
	ErrRefused = errors.New("the system's scheduler refused")
	// ErrProgram: the program cannot be scheduled where it is (a temporary build, an odd path,
	// a file or folder that another user could change).
	ErrProgram = errors.New("this copy of the app cannot be scheduled")
)

// backend is one system's scheduler.
type backend interface {
	install(ctx context.Context, job Job, argv []string) (note string, err error)
	remove(ctx context.Context, job Job) error
	installed(ctx context.Context, job Job) (bool, error)
	where(job Job) string
}

// Scheduler installs and removes the upkeep's schedule on one system.
type Scheduler struct {
	cfg     Config
	backend backend
}

// Bounds of a run of the system's scheduler tool. Found under Wine: its schtasks ends within
// a few seconds, but something it starts keeps the output pipe open about 15 s more, and a
// plain CombinedOutput waits for that on every command that reads the schedule (sources list,
// and connect after "Signed in as"); a scheduler service that never answers would make it wait
// for ever. So the tool gets toolTimeout in all, and its output toolPipeWait once it ended.
const (
	toolTimeout  = 30 * time.Second
	toolPipeWait = time.Second
)

// runTool runs a scheduler tool for real, within the bounds above.
func runTool(ctx context.Context, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.WaitDelay = toolPipeWait
	out, err := cmd.CombinedOutput()
	if errors.Is(err, exec.ErrWaitDelay) {
		err = nil // the tool ended and said its piece; what it left running is not ours
	}
	if ctx.Err() != nil {
		return out, fmt.Errorf("%s did not answer within %s: %w", name, toolTimeout, ctx.Err())
	}
	return out, err
}

// New returns the Scheduler of cfg.OS (by default the running system's).
func New(cfg Config) *Scheduler {
	if cfg.OS == "" {
		cfg.OS = runtime.GOOS
	}
	if cfg.Run == nil {
		cfg.Run = runTool
	}
	s := &Scheduler{cfg: cfg}
	switch cfg.OS {
	case "linux":
		s.backend = &systemd{run: cfg.Run}
	case "darwin":
		s.backend = &launchd{dir: cfg.Dir, run: cfg.Run, uid: os.Getuid()}
	case "windows":
		s.backend = &schtasks{run: cfg.Run}
	}
	return s
}

// Install makes the system run the job every day, replacing an earlier definition of the
// same job. note, when not empty, is something the person should know (it will only start at
// the next login, say). On failure nothing of the job is left behind.
func (s *Scheduler) Install(ctx context.Context, job Job) (note string, err error) {
	if s.backend == nil {
		return "", s.unsupported(job)
	}
	argv, err := s.command(job)
	if err != nil {
		return "", err
	}
	return s.backend.install(ctx, job, argv)
}

// Remove takes the job's schedule away; removing one that is not installed is no error.
func (s *Scheduler) Remove(ctx context.Context, job Job) error {
	if s.backend == nil {
		return nil
	}
	return s.backend.remove(ctx, job)
}

// Installed reports whether the job is scheduled (enabled, on Linux).
func (s *Scheduler) Installed(ctx context.Context, job Job) (bool, error) {
	if s.backend == nil {
		return false, nil
	}
	return s.backend.installed(ctx, job)
}

// Where names the job's schedule as the person finds it in their system, e.g. "the systemd
// user timer medialake-connect-upkeep-x.timer".
func (s *Scheduler) Where(job Job) string {
	if s.backend == nil {
		return "no schedule (" + s.cfg.OS + ")"
	}
	return s.backend.where(job)
}

// Command is the command line the schedule runs, for the person who schedules it by hand.
func (s *Scheduler) Command(job Job) ([]string, error) { return s.command(job) }

func (s *Scheduler) unsupported(job Job) error {
	line := "medialake-connect --home DIR sources maintain"
	if argv, err := s.command(job); err == nil {
		line = strings.Join(argv, " ")
	}
	return fmt.Errorf("%w (%s): run %q once a day from cron or a scheduler of your choice instead", ErrUnsupported, s.cfg.OS, line)
}

// command is the argv of the upkeep: the program, the workspace folder, the command.
func (s *Scheduler) command(job Job) ([]string, error) {
	prog := s.cfg.Program
	if prog == "" {
		p, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("%w: where is it? %w", ErrProgram, err)
		}
		prog = p
	}
	if p, err := filepath.EvalSymlinks(prog); err == nil {
		prog = p
	}
	if err := checkPath(s.cfg.OS, "the app's program", prog); err != nil {
		return nil, err
	}
	if err := checkPath(s.cfg.OS, "the workspace folder", job.Home); err != nil {
		return nil, err
	}
	// `go run` builds into the temporary folder and deletes the program when it ends.
	if tmp := os.TempDir(); strings.HasPrefix(prog, filepath.Clean(tmp)+string(filepath.Separator)) {
		return nil, fmt.Errorf("%w: it runs from the temporary folder %s and will be gone; install the app "+
			"(make install) and turn this on from the installed copy", ErrProgram, tmp)
	}
	// The files are this system's only when the schedule is too (tests name others' paths).
	if s.cfg.OS == runtime.GOOS {
		if err := checkReplaceable(prog); err != nil {
			return nil, err
		}
	}
	return []string{prog, "--home", job.Home, "sources", "maintain"}, nil
}

// checkPath refuses a path that is relative or holds a control character: every scheduler
// reads its definition as lines of text.
func checkPath(goos, what, p string) error {
	abs := filepath.IsAbs(p)
	if goos == "windows" { // checked on any system, so that its tests run here too
		abs = len(p) > 2 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') || strings.HasPrefix(p, `\\`)
	}
	if !abs {
		return fmt.Errorf("%w: %s %q is not an absolute path", ErrProgram, what, p)
	}
	if strings.IndexFunc(p, unicode.IsControl) >= 0 {
		return fmt.Errorf("%w: %s %q holds a control character; move it to a plain folder name", ErrProgram, what, p)
	}
	return nil
}

// refused wraps a tool's failure with the first line it printed.
func refused(tool string, out []byte, err error) error {
	said := strings.TrimSpace(string(out))
	if i := strings.IndexByte(said, '\n'); i >= 0 {
		said = said[:i]
	}
	if said == "" {
		said = err.Error()
	}
	return fmt.Errorf("%w: %s: %s", ErrRefused, tool, said)
}
