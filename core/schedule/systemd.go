package schedule

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// systemd schedules the job as a user timer: NAME.service runs the upkeep once, NAME.timer
// starts it daily. `systemctl --user enable` works on the unit files alone, so the timer is
// in place even when no user instance runs now (it then starts at the next login).
type systemd struct {
	run Runner
}

func (d *systemd) where(job Job) string { return "the systemd user timer " + job.Name + ".timer" }

func (d *systemd) folder() (string, error) {
	// systemctl finds user units in $XDG_CONFIG_HOME/systemd/user, as UserConfigDir does.
	cfg, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	return filepath.Join(cfg, "systemd", "user"), nil
}

// ServiceUnit and TimerUnit are the two unit files of job running argv.
func ServiceUnit(job Job, argv []string) string {
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = systemdQuote(a, i > 0)
	}
	return "# Written by Medialake Connect: \"Keep connections alive when the app is closed\".\n" +
		"# Turn that off in the app (Admin → Settings) rather than editing this file.\n" +
		"[Unit]\nDescription=Medialake Connect upkeep: keep connections alive\n\n" +
		"[Service]\nType=oneshot\nExecStart=" + strings.Join(quoted, " ") + "\n"
}

// TimerUnit starts the service daily; Persistent catches up on a day the computer was off.
func TimerUnit(job Job) string {
	return "# Written by Medialake Connect: \"Keep connections alive when the app is closed\".\n" +
		"[Unit]\nDescription=Medialake Connect upkeep, daily\n\n" +
		"[Timer]\nOnCalendar=daily\nRandomizedDelaySec=1h\nPersistent=true\n\n" +
		"[Install]\nWantedBy=timers.target\n"
}

// systemdQuote quotes one word of ExecStart: inside double quotes a backslash and a quote are
// escaped and % (a specifier) is doubled; so is $ (a variable) in an argument, where systemd
// expands variables, but not in the program's path, where it does not.
func systemdQuote(s string, arg bool) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "%", "%%")
	if arg {
		r = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "%", "%%", "$", "$$")
	}
	return `"` + r.Replace(s) + `"`
}

func (d *systemd) install(ctx context.Context, job Job, argv []string) (string, error) {
	if _, err := exec.LookPath("systemctl"); err != nil {
		return "", fmt.Errorf("%w: systemctl not found: run %q once a day from cron instead", ErrUnsupported, strings.Join(argv, " "))
	}
	// systemd refuses such a program path ("Executable name contains special characters").
	if strings.ContainsAny(argv[0], `"'\`) {
		return "", fmt.Errorf("%w: systemd cannot start a program whose path holds a quote or a backslash (%s): "+
			"move the app to a plain folder", ErrProgram, argv[0])
	}
	dir, err := d.folder()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("write the timer: %w", err)
	}
	files := map[string]string{job.Name + ".service": ServiceUnit(job, argv), job.Name + ".timer": TimerUnit(job)}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			d.remove(ctx, job)
			return "", fmt.Errorf("write the timer: %w", err)
		}
	}
	// The running instance (if any) must read the new files before it can start the timer.
	_, reloadErr := d.run(ctx, "systemctl", "--user", "daemon-reload")
	if out, err := d.run(ctx, "systemctl", "--user", "enable", job.Name+".timer"); err != nil {
		d.remove(ctx, job)
		return "", refused("systemctl --user enable", out, err)
	}
	if reloadErr != nil {
		return "No systemd user instance runs now: the timer starts at your next login.", nil
	}
	if out, err := d.run(ctx, "systemctl", "--user", "start", job.Name+".timer"); err != nil {
		d.remove(ctx, job)
		return "", refused("systemctl --user start", out, err)
	}
	return "", nil
}

// remove stops and disables the timer where a user instance runs, then deletes the files
// (and the link enable made) itself, so that the job is gone even when systemctl cannot
// reach an instance.
func (d *systemd) remove(ctx context.Context, job Job) error {
	dir, err := d.folder()
	if err != nil {
		return err
	}
	timer := filepath.Join(dir, job.Name+".timer")
	if _, err := os.Stat(timer); err == nil {
		d.run(ctx, "systemctl", "--user", "disable", "--now", job.Name+".timer")
	}
	for _, p := range []string{filepath.Join(dir, "timers.target.wants", job.Name+".timer"), timer,
		filepath.Join(dir, job.Name+".service")} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove the timer: %w", err)
		}
	}
	d.run(ctx, "systemctl", "--user", "daemon-reload")
	return nil
}

// installed reads the unit files as `systemctl --user is-enabled` does, without starting a
// program: the timer is enabled when timers.target wants it. The sources list asks this on
// every read.
func (d *systemd) installed(_ context.Context, job Job) (bool, error) {
	dir, err := d.folder()
	if err != nil {
		return false, nil
	}
	for _, p := range []string{filepath.Join(dir, job.Name+".timer"), filepath.Join(dir, "timers.target.wants", job.Name+".timer")} {
		if _, err := os.Stat(p); err != nil {
			return false, nil
		}
	}
	return true, nil
}
