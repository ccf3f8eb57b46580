package gui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

// Every action core writes to the log has words, and the action filter names each one apart;
// every outcome has a word.
func TestEveryActivityActionHasASentence(t *testing.T) {
	seen := map[string]access.Action{}
	for _, a := range core.Actions() {
		p, ok := activityWords[a]
		if !ok || p.did == "" || p.do == "" {
			t.Errorf("action %s has no sentence in activityWords", a)
			continue
		}
		label := actionLabel(a)
		if other, dup := seen[label]; dup {
			t.Errorf("actions %s and %s are both %q in the filter", other, a, label)
		}
		seen[label] = a
	}
	for _, o := range core.Outcomes() {
		if outcomeWords[o] == "" {
			t.Errorf("outcome %q has no word", o)
		}
	}
}

func TestActivitySentences(t *testing.T) {
	cases := []struct {
		e    core.ActivityEntry
		want string
	}{
		{core.ActivityEntry{Actor: "Alice", Action: string(access.IntegrationSave), Subject: "Google Drive", Outcome: core.OutcomeOK},
			"Alice saved the integration Google Drive"},
		{core.ActivityEntry{Actor: "Wendy", Action: string(access.SourceConnect), Subject: "writer@example.com at Sandbox", Outcome: core.OutcomeOK},
			"Wendy connected writer@example.com at Sandbox"},
		{core.ActivityEntry{Actor: "Bob", Action: string(access.SignIn), Subject: "Bob", Outcome: core.OutcomeFailed, Detail: "wrong passphrase (1 in a row)"},
			"Bob could not sign in: wrong passphrase (1 in a row)"},
		{core.ActivityEntry{Actor: "Rita", Action: string(access.SourceConnect), Outcome: core.OutcomeDenied, Detail: "privilege Read"},
			"Rita was not allowed to connect an account: privilege Read"},
		{core.ActivityEntry{Actor: "Wendy", Action: string(access.SourceConnect), Subject: "Sandbox", Outcome: core.OutcomeFailed, Detail: "flow cancelled"},
			"Wendy could not connect an account at Sandbox: flow cancelled"},
		{core.ActivityEntry{Actor: "Rita", Action: string(access.SourceConnect), Subject: "Google Drive", Outcome: core.OutcomeDenied, Detail: "privilege Read"},
			"Rita was not allowed to connect an account at Google Drive: privilege Read"},
		{core.ActivityEntry{Actor: "Root", Action: string(access.WorkspaceImport), Subject: "workspace", Outcome: core.OutcomeOK},
			"Root imported a workspace file"},
		{core.ActivityEntry{Actor: "Ada", Action: string(access.SignOut), Subject: "Ada", Outcome: core.OutcomeOK}, "Ada signed out"},
		{core.ActivityEntry{Actor: core.UpkeepActor, Action: string(access.SourceRefresh), Subject: "a@b at Drive", Outcome: core.OutcomeOK, Detail: "back online"},
			"The upkeep refreshed a@b at Drive: back online"},
		{core.ActivityEntry{Actor: "Eve\n", Action: "future.thing", Subject: "x\u202e", Outcome: core.OutcomeOK},
			`Eve\n did future.thing on x\u202e`},
		{core.ActivityEntry{Actor: "Eve", Action: "future.{s}", Subject: "y", Outcome: core.OutcomeOK},
			"Eve did future.{s} on y"},
	}
	for _, c := range cases {
		if got := activitySentence(c.e); got != c.want {
			t.Errorf("%s %s %q: got %q, want %q", c.e.Actor, c.e.Action, c.e.Outcome, got, c.want)
		}
	}
}

// A wrong passphrase at the sign-in screen reads as a sentence with its outcome in words; a
// click anywhere on its row (here on the outcome) selects the row and shows the entry whole,
// however long the name that cut the row short.
func TestActivityRowsReadAsSentencesAndSelectWhole(t *testing.T) {
	long := strings.Repeat("someone-with-a-long-name ", 2) + "end"
	f := newFixture(t, func(c *core.App) {
		adminAndWriter(t)(c)
		if _, err := c.SignIn(context.Background(), "Wes", core.NewSecret("not the passphrase")); err == nil {
			t.Fatal("a wrong passphrase signed in")
		}
		if _, err := c.SignIn(context.Background(), long, core.NewSecret(goodPass)); err == nil {
			t.Fatal("a sign-in with an unknown name succeeded")
		}
	})
	f.signIn(t, "Ada", goodPass)
	f.ui.goTab(tabActivity)
	p := f.ui.home.activity
	p.reload()
	f.ui.Wait()
	row := rowOf(t, p, "Wes")
	item := p.list.CreateItem().(*activityRow)
	p.list.UpdateItem(row, item)
	if want := "Wes could not sign in: wrong passphrase (1 in a row)"; item.what.Text != want || item.outcome.Text != "Failed" {
		t.Errorf("row reads %q, %q; want %q, Failed", item.outcome.Text, item.what.Text, want)
	}
	p.list.UpdateItem(rowOf(t, p, long), item)
	if w := item.what.MinSize().Width; item.what.Truncation != fyne.TextTruncateEllipsis || w > 200 {
		t.Errorf("a long sentence needs %.0f: it does not end in an ellipsis within its column", w)
	}
	p.list.ScrollTo(row)
	top := fyne.CurrentApp().Driver().AbsolutePositionForObject(p.list)
	rowHeight := item.MinSize().Height + 4 // the list's separator and padding
	test.TapCanvas(f.ui.win.Canvas(), top.Add(fyne.NewPos(activityTimeWidth+10, rowHeight*float32(row)+rowHeight/2)))
	if !strings.Contains(p.entry.Text, "Wes could not sign in") {
		t.Errorf("a click on row %d's outcome shows %q; want its entry whole", row, p.entry.Text)
	}
}

func rowOf(t *testing.T, p *activityPane, actor string) int {
	t.Helper()
	for i, e := range p.entries {
		if e.Actor == actor {
			return i
		}
	}
	t.Fatalf("no activity row of %q among %d", actor, len(p.entries))
	return -1
}

// The action filter offers actions in words and keeps the entries of the one chosen.
func TestActivityFilterByActionInWords(t *testing.T) {
	f := newFixture(t, func(c *core.App) {
		adminAndWriter(t)(c)
		if _, err := c.SignIn(context.Background(), "Wes", core.NewSecret("not the passphrase")); err == nil {
			t.Fatal("a wrong passphrase signed in")
		}
	})
	f.signIn(t, "Ada", goodPass)
	p := f.ui.home.activity
	p.action.SetSelected(actionLabel(access.SignIn))
	f.ui.Wait()
	if len(p.entries) < 2 {
		t.Fatalf("filtered by %q: %d entries, want the sign-ins of Ada and Wes", p.action.Selected, len(p.entries))
	}
	for _, e := range p.entries {
		if e.Action != string(access.SignIn) {
			t.Errorf("filtered by %q: an entry of %s", p.action.Selected, e.Action)
		}
	}
}
