package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"testing"
	"time"
)

// fillActivity appends n entries in one transaction: actors cycle through 10 names and
// actions through 5.
func fillActivity(tb testing.TB, db *DB, n int) {
	tb.Helper()
	err := db.Tx(context.Background(), func(tx *sql.Tx) error {
		for i := range n {
			e := Entry{At: time.UnixMilli(int64(1_750_000_000_000 + i)), Actor: fmt.Sprintf("user%d", i%10),
				Action: fmt.Sprintf("action.%d", i%5), Subject: fmt.Sprintf("subject %d", i), Outcome: OutcomeOK}
			if err := Append(context.Background(), tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func TestActivityKeysetPages(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	fillActivity(t, db, 250)

	for _, tc := range []struct {
		name string
		f    ActivityFilter
		want int
	}{
		{"all", ActivityFilter{Limit: 40}, 250},
		{"actor", ActivityFilter{Actor: "user3", Limit: 7}, 25},
		{"action", ActivityFilter{Action: "action.1", Limit: 9}, 50},
		{"both", ActivityFilter{Actor: "user3", Action: "action.3", Limit: 3}, 25},
		{"none match", ActivityFilter{Actor: "nobody"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.f
			seen := map[int64]bool{}
			last := int64(1 << 62)
			for {
				page, err := Activity(ctx, db, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range page {
					if e.ID >= last || seen[e.ID] {
						t.Fatalf("id %d after %d: not strictly newest first", e.ID, last)
					}
					if (f.Actor != "" && e.Actor != f.Actor) || (f.Action != "" && e.Action != f.Action) {
						t.Fatalf("entry %+v does not match filter %+v", e, f)
					}
					seen[e.ID], last = true, e.ID
				}
				if len(page) < max(f.Limit, 1) {
					break
				}
				f.BeforeID = page[len(page)-1].ID
			}
			if len(seen) != tc.want {
				t.Errorf("paged through %d entries, want %d", len(seen), tc.want)
			}
		})
	}

	page, err := Activity(ctx, db, ActivityFilter{})
	if err != nil || len(page) != DefaultActivityPage {
		t.Errorf("default page = %d entries, %v; want %d", len(page), err, DefaultActivityPage)
	}
	if e := page[0]; e.Subject != "subject 249" || !e.At.Equal(time.UnixMilli(1_750_000_000_249)) {
		t.Errorf("newest entry = %+v, want subject 249", e)
	}
}

func TestActivityLimitCapped(t *testing.T) {
	db := openTemp(t)
	fillActivity(t, db, MaxActivityPage+5)
	page, err := Activity(t.Context(), db, ActivityFilter{Limit: 1 << 30})
	if err != nil || len(page) != MaxActivityPage {
		t.Errorf("huge limit gave %d entries, %v; want %d", len(page), err, MaxActivityPage)
	}
}

func TestCSVCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"jane", "jane"},
		{"=1+1", "'=1+1"},
		{"+1", "'+1"},
		{"-2", "'-2"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", `\tx`}, // escaped, so no longer a cell a spreadsheet trims to a formula
		{"\rx", `\rx`},
		{"\x1b]0;PWNED\x07", `\x1b]0;PWNED\x07`},
		{"a=b", "a=b"},
	} {
		if got := csvCell(tc.in); got != tc.want {
			t.Errorf("csvCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWriteActivityCSV(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	n := 2*MaxActivityPage + 3 // crosses page boundaries
	fillActivity(t, db, n)
	if err := Append(ctx, db, Entry{At: time.UnixMilli(1), Actor: "-x", Action: "a", Subject: "=cmd|' /C calc'!A0", Outcome: OutcomeDenied, Detail: "d, \"quoted\"\nline"}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	got, err := WriteActivityCSV(ctx, db, &buf, ActivityFilter{})
	if err != nil || got != n+1 {
		t.Fatalf("WriteActivityCSV = %d, %v; want %d", got, err, n+1)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != n+2 {
		t.Fatalf("%d records, want %d", len(recs), n+2)
	}
	// Controls are escaped as the tables escape them: a CSV file is read in terminals too.
	want := []string{fmt.Sprint(n + 1), "1970-01-01T00:00:00.001Z", "'-x", "a", "'=cmd|' /C calc'!A0", "denied", `d, "quoted"\nline`}
	if fmt.Sprint(recs[1]) != fmt.Sprint(want) {
		t.Errorf("newest record = %q, want %q", recs[1], want)
	}
	if recs[n+1][4] != "subject 0" {
		t.Errorf("oldest record = %q, want subject 0", recs[n+1])
	}

	// A limit is honoured across pages.
	buf.Reset()
	if got, err := WriteActivityCSV(ctx, db, &buf, ActivityFilter{Limit: MaxActivityPage + 5}); err != nil || got != MaxActivityPage+5 {
		t.Errorf("WriteActivityCSV(limit %d) = %d, %v", MaxActivityPage+5, got, err)
	}
	buf.Reset()
	if got, err := WriteActivityCSV(ctx, db, &buf, ActivityFilter{Actor: "user7"}); err != nil || got != n/10 {
		t.Errorf("WriteActivityCSV(user7) = %d, %v; want %d", got, err, n/10)
	}
}

// BenchmarkActivityPage reads one page of 100 from a log of 100,000 entries: the first page,
// one deep in the log, and filtered ones.
func BenchmarkActivityPage(b *testing.B) {
	db, err := Open(context.Background(), b.TempDir()+"/connect.db")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	fillActivity(b, db, 100_000)
	for _, bc := range []struct {
		name string
		f    ActivityFilter
	}{
		{"newest", ActivityFilter{}},
		{"deep", ActivityFilter{BeforeID: 1_000}},
		{"actor", ActivityFilter{Actor: "user3"}},
		{"actor-deep", ActivityFilter{Actor: "user3", BeforeID: 5_000}},
		{"action", ActivityFilter{Action: "action.4", BeforeID: 50_000}},
		{"actor-and-action", ActivityFilter{Actor: "user3", Action: "action.3"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				page, err := Activity(context.Background(), db, bc.f)
				if err != nil || len(page) != DefaultActivityPage {
					b.Fatalf("page = %d entries, %v", len(page), err)
				}
			}
		})
	}
}
