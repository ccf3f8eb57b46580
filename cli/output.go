package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/medialake/connect/core"
)

// table prints rows under header, aligned, for people. Every cell is escaped (core.Printable):
// names, accounts and details come from people and providers, and a tab, a line break or an
// escape sequence in one would forge a row or drive the terminal.
func (r *runner) table(header []string, rows [][]string) error {
	var buf strings.Builder
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, row := range rows {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = core.Printable(c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// An empty last cell leaves the padding of the one before it.
	for line := range strings.Lines(buf.String()) {
		if _, err := fmt.Fprintln(r.out, strings.TrimRight(line, " \n")); err != nil {
			return err
		}
	}
	return nil
}

// json prints v as indented JSON, for scripts. The types printed carry the field names that
// README.md documents; they are kept stable.
func (r *runner) json(v any) error {
	enc := json.NewEncoder(r.out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// when formats a time for a table, local and to the minute; "-" for none.
func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}

// timePtr is nil for the zero time, so that JSON leaves it out.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
