package cli

import (
	"flag"
	"strconv"
	"time"

	"github.com/medialake/connect/core"
)

var activityCommands = []command{
	{name: "activity", summary: "show the activity log, newest first (admin)",
		about: "Here --user filters by the user who acted: put your own --user before the command.\n" +
			"--csv writes the matching entries as CSV, every one unless --limit is given, escaped\n" +
			"as the table is (the export is itself recorded).",
		example: prog + " --user root activity --user wendy --action source.connect --limit 20", run: runActivity},
}

// entryJSON is an activity entry in --json output.
type entryJSON struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Subject string    `json:"subject"`
	Outcome string    `json:"outcome"`
	Detail  string    `json:"detail"`
}

func runActivity(r *runner, fs *flag.FlagSet, args []string) error {
	var f core.ActivityFilter
	fs.StringVar(&f.Actor, "user", "", "only the entries of the user `NAME`")
	fs.StringVar(&f.Action, "action", "", "only the entries of `ACTION`, e.g. user.add or source.connect")
	fs.IntVar(&f.Limit, "limit", 0, "at most `N` entries (default 100, at most 1000; with --csv, every entry)")
	fs.Int64Var(&f.BeforeID, "before", 0, "only entries older than the entry `ID`, for the next page")
	csv := fs.Bool("csv", false, "write every matching entry as CSV")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	if _, err := r.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *csv && *asJSON {
		return usagef("choose either --csv or --json")
	}
	app, s, err := r.signIn()
	if err != nil {
		return err
	}
	if *csv {
		return app.ExportActivityCSV(r.ctx, s, r.out, f)
	}
	entries, err := app.Activity(r.ctx, s, f)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]entryJSON, len(entries))
		for i, e := range entries {
			out[i] = entryJSON{ID: e.ID, At: e.At.UTC(), Actor: e.Actor, Action: e.Action, Subject: e.Subject, Outcome: e.Outcome, Detail: e.Detail}
		}
		return r.json(out)
	}
	rows := make([][]string, len(entries))
	for i, e := range entries {
		rows[i] = []string{strconv.FormatInt(e.ID, 10), e.At.Local().Format("2006-01-02 15:04:05"), orDash(e.Actor), e.Action, orDash(e.Subject), e.Outcome, e.Detail}
	}
	return r.table([]string{"ID", "WHEN", "USER", "ACTION", "SUBJECT", "OUTCOME", "DETAIL"}, rows)
}
