package store

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/medialake/connect/core/escape"
)

// Outcomes of an activity entry, as the schema allows them.
const (
	OutcomeOK     = "ok"
	OutcomeDenied = "denied"
	OutcomeFailed = "failed"
)

// Entry is one line of the activity log. It never holds a secret.
type Entry struct {
	ID      int64
	At      time.Time
	Actor   string // the user's name at the time, or "" for the system
	Action  string // an access.Action, e.g. user.add
	Subject string // what the action was about, e.g. a user's name or a source's account
	Outcome string // one of the Outcome constants
	Detail  string // a short explanation for people
}

// Append adds an entry to the activity log; e.ID is ignored.
func Append(ctx context.Context, q Querier, e Entry) error {
	_, err := q.ExecContext(ctx, `INSERT INTO activity (at, actor, action, subject, outcome, detail)
		VALUES (?, ?, ?, ?, ?, ?)`, millis(e.At), e.Actor, e.Action, e.Subject, e.Outcome, e.Detail)
	if err != nil {
		return fmt.Errorf("record activity %s: %w", e.Action, err)
	}
	return nil
}

// Page sizes of Activity.
const (
	DefaultActivityPage = 100
	MaxActivityPage     = 1000
)

// ActivityFilter narrows and pages Activity. Its zero value is the newest DefaultActivityPage
// entries of everyone.
type ActivityFilter struct {
	Actor  string // "": every actor
	Action string // "": every action
	// BeforeID keeps entries older than this one: pass the last ID of a page to get the next.
	// 0 starts at the newest.
	BeforeID int64
	// Limit is the page size: 0 means DefaultActivityPage, and it is at most MaxActivityPage.
	Limit int
}

// Activity returns one page of the log, newest first. Paging by id instead of OFFSET keeps the
// thousandth page as quick as the first; the actor and action indexes serve the filters.
func Activity(ctx context.Context, q Querier, f ActivityFilter) ([]Entry, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultActivityPage
	}
	limit = min(limit, MaxActivityPage)
	return activityPage(ctx, q, f, limit)
}

func activityPage(ctx context.Context, q Querier, f ActivityFilter, limit int) ([]Entry, error) {
	var where []string
	var args []any
	if f.Actor != "" {
		where = append(where, "actor = ?")
		args = append(args, f.Actor)
	}
	if f.Action != "" {
		where = append(where, "action = ?")
		args = append(args, f.Action)
	}
	if f.BeforeID > 0 {
		where = append(where, "id < ?")
		args = append(args, f.BeforeID)
	}
	query := `SELECT id, at, actor, action, subject, outcome, detail FROM activity`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY id DESC LIMIT ?"
	args = append(args, limit)

	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read activity: %w", err)
	}
	defer rows.Close()
	var page []Entry
	for rows.Next() {
		var e Entry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Subject, &e.Outcome, &e.Detail); err != nil {
			return nil, fmt.Errorf("read activity: %w", err)
		}
		e.At = fromMillis(at)
		page = append(page, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read activity: %w", err)
	}
	return page, nil
}

// WriteActivityCSV writes the entries that f keeps (its BeforeID included), newest first, as
// CSV with a header row to w: at most f.Limit of them, every one where f.Limit is 0. It
// returns how many entries it wrote.
func WriteActivityCSV(ctx context.Context, q Querier, w io.Writer, f ActivityFilter) (int, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"id", "time", "actor", "action", "subject", "outcome", "detail"}); err != nil {
		return 0, fmt.Errorf("write activity csv: %w", err)
	}
	n := 0
	for f.Limit <= 0 || n < f.Limit {
		size := MaxActivityPage
		if f.Limit > 0 {
			size = min(size, f.Limit-n)
		}
		page, err := activityPage(ctx, q, f, size)
		if err != nil {
			return n, err
		}
		for _, e := range page {
			rec := []string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano),
				e.Actor, e.Action, e.Subject, e.Outcome, e.Detail}
			for i := range rec {
				rec[i] = csvCell(rec[i])
			}
			if err := cw.Write(rec); err != nil {
				return n, fmt.Errorf("write activity csv: %w", err)
			}
			n++
		}
		if len(page) < size {
			break
		}
		f.BeforeID = page[len(page)-1].ID
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, fmt.Errorf("write activity csv: %w", err)
	}
	return n, nil
}

// csvCell makes a cell safe to read: escaped as the tables are (a CSV file is read in
// terminals too, and a sign-in name is whatever was typed; a tab or carriage return that a
// spreadsheet would trim in front of a formula is escaped with the rest), and defused where
// a spreadsheet would run it as a formula (CSV injection): a leading =, +, -, or @ gets a '
// in front, which spreadsheets show as text.
func csvCell(s string) string {
	s = escape.Text(s)
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}
