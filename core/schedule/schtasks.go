package schedule

import (
	"context"
	"fmt"
	"strings"
)

// schtasks schedules the job as a daily task of the person's Task Scheduler library. Written
// to Microsoft's schtasks documentation; not tried here.
type schtasks struct {
	run Runner
}

func (t *schtasks) task(job Job) string { return `Medialake Connect\` + job.Name }

func (t *schtasks) where(job Job) string { return `the scheduled task "` + t.task(job) + `"` }

// maxTaskRun is the longest command line schtasks /TR accepts.
const maxTaskRun = 261

// TaskCommand is the /TR value: the task's command line, which the program splits back into
// argv as Windows does (CommandLineToArgvW): a word with a space, a tab or a quote is quoted,
// and backslashes are doubled where they come before a quote, the closing one included, so
// that a folder such as `\\server\team share\` keeps its last backslash.
func TaskCommand(argv []string) string {
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = a
		if a == "" || strings.ContainsAny(a, " \t\"") {
			quoted[i] = quoteArg(a)
		}
	}
	return strings.Join(quoted, " ")
}

// quoteArg quotes a as one word of a Windows command line.
func quoteArg(a string) string {
	var b strings.Builder
	b.WriteByte('"')
	slashes := 0
	for i := 0; i < len(a); i++ {
		switch c := a[i]; c {
		case '\\':
			slashes++
		case '"':
			b.WriteString(strings.Repeat(`\`, slashes+1)) // the backslashes doubled, then one for the quote
			slashes = 0
		default:
			slashes = 0
		}
		b.WriteByte(a[i])
	}
	b.WriteString(strings.Repeat(`\`, slashes)) // doubled before the closing quote
	b.WriteByte('"')
	return b.String()
}

func (t *schtasks) install(ctx context.Context, job Job, argv []string) (string, error) {
	line := TaskCommand(argv)
	if len(line) > maxTaskRun {
		return "", fmt.Errorf("%w: the command line is %d characters, the Task Scheduler takes %d: "+
			"move the app or the workspace folder to a shorter path", ErrProgram, len(line), maxTaskRun)
	}
	// /F replaces a task of the same name. schtasks cannot ask for a run after a missed start,
	// so a day the computer is off at 12:30 is skipped; tokens live for weeks, days are enough.
	out, err := t.run(ctx, "schtasks", "/Create", "/F", "/SC", "DAILY", "/ST", "12:30", "/TN", t.task(job), "/TR", line)
	if err != nil {
		return "", refused("schtasks /Create", out, err)
	}
	return "", nil
}

func (t *schtasks) remove(ctx context.Context, job Job) error {
	if ok, _ := t.installed(ctx, job); !ok {
		return nil
	}
	if out, err := t.run(ctx, "schtasks", "/Delete", "/F", "/TN", t.task(job)); err != nil {
		return refused("schtasks /Delete", out, err)
	}
	return nil
}

// installed asks schtasks for the task, which it lists by name. Wine's schtasks answers every
// /Query with success and prints nothing, so success alone does not count.
func (t *schtasks) installed(ctx context.Context, job Job) (bool, error) {
	out, err := t.run(ctx, "schtasks", "/Query", "/TN", t.task(job))
	return err == nil && strings.Contains(string(out), job.Name), nil
}
