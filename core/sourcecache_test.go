package core

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/medialake/connect/core/store"
)

// Sources answers from its cache only while the database is unchanged: a change committed
// by this App, by another connection of another process (here a second store.DB on the
// same file), a change of the keep-alive setting and another filter are all seen at once.
func TestSourcesSeesEveryChange(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	root := tm.user(t, "root")
	addSources(t, tm.app, root.ID, 2)
	list := func() []Source {
		t.Helper()
		l, err := tm.app.Sources(ctx, tm.admin, SourceFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	if got := list(); len(got) != 2 {
		t.Fatalf("%d sources, want 2", len(got))
	}
	list()[0].Account = "changed by a caller" // callers get a copy
	if got := list()[0].Account; got != "accta@example.com" {
		t.Errorf("first account = %q after a caller changed its copy", got)
	}

	addSources(t, tm.app, tm.user(t, "wendy").ID, 3) // this App's pool
	if got := list(); len(got) != 5 {
		t.Errorf("after this process added 3: %d sources, want 5", len(got))
	}

	other, err := store.Open(ctx, filepath.Join(tm.home, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.ExecContext(ctx, `UPDATE sources SET status = ? WHERE account = 'accta@example.com'`,
		store.StatusNeedsReconnect); err != nil {
		t.Fatal(err)
	}
	got := list()
	if got[0].Status != StatusNeedsReconnect || got[0].Renewal.Kind != RenewalReconnect {
		t.Errorf("after another connection's change: status %q, renewal %+v; want needs reconnect", got[0].Status, got[0].Renewal)
	}

	mine, err := tm.app.Sources(ctx, tm.writer, SourceFilter{})
	if err != nil || len(mine) != 3 {
		t.Errorf("wendy's sources right after root's: %d, %v; want her 3", len(mine), err)
	}
}
