package core

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/medialake/connect/core/store"
)

func TestRenewalOf(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	soon := now.Add(5 * 24 * time.Hour)
	beforeNextRun := now.Add(UpkeepEvery - time.Hour)
	off, whileOpen, scheduled := upkeepPlan{}, upkeepPlan{keepAlive: true}, upkeepPlan{keepAlive: true, scheduled: true}
	cases := []struct {
		name   string
		status string
		dies   time.Time
		plan   upkeepPlan
		want   Renewal
	}{
		{"no idle lifetime", store.StatusConnected, time.Time{}, off, Renewal{Kind: RenewsAutomatically}},
		{"keep-alive on, scheduled while closed", store.StatusConnected, soon, scheduled, Renewal{Kind: RenewsAutomatically}},
		{"keep-alive on, only while the app runs", store.StatusConnected, soon, whileOpen, Renewal{Kind: RenewsWhileOpen, By: soon}},
		{"dies before the schedule's next run", store.StatusConnected, beforeNextRun, scheduled, Renewal{Kind: RenewalExpires, By: beforeNextRun}},
		{"idle lifetime, keep-alive off", store.StatusConnected, soon, off, Renewal{Kind: RenewalExpires, By: soon}},
		{"offline keeps its date", store.StatusOffline, soon, off, Renewal{Kind: RenewalExpires, By: soon}},
		{"idled out, even with keep-alive", store.StatusConnected, now, scheduled, Renewal{Kind: RenewalExpired, By: now}},
		{"refused refresh token", store.StatusNeedsReconnect, soon, scheduled, Renewal{Kind: RenewalReconnect}},
		{"revocation pending", store.StatusRevocationPending, time.Time{}, off, Renewal{Kind: RenewalNone}},
	}
	for _, c := range cases {
		got := renewalOf(Source{Status: c.status, ExpiresIfUnused: c.dies}, c.plan, now)
		if got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestCounted(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{Counted(1, "user"), "1 user"}, {Counted(0, "user"), "0 users"}, {Counted(2, "user"), "2 users"},
		{Counted(1, "activity entry", "activity entries"), "1 activity entry"},
		{Counted(3, "activity entry", "activity entries"), "3 activity entries"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// The sources list and one source's details are the same projection of a row: every field
// agrees, those that need more than the row included (the integration's names and revocation
// words, a shared Google grant, the end of a Testing app's sign-in, script access, renewal).
func TestSourceDetailsAgreeWithList(t *testing.T) {
	ctx := context.Background()
	tm, hooks := googleTeam(t)
	err := tm.app.SaveIntegration(ctx, tm.admin, IntegrationInput{ID: "google",
		ClientID: "123456789012-desktop.apps.googleusercontent.com", PublishingStatus: "testing"})
	if err != nil {
		t.Fatal(err)
	}
	if err := tm.app.SetKeepAlive(ctx, tm.admin, true); err != nil {
		t.Fatal(err)
	}
	mine, err := tm.app.Connect(ctx, tm.writer, "google", hooks)
	if err != nil {
		t.Fatalf("Connect as the writer: %v", err)
	}
	if _, err := tm.app.Connect(ctx, tm.admin, "google", hooks); err != nil { // the same account
		t.Fatalf("Connect as the admin: %v", err)
	}
	if err := tm.app.AllowScripts(ctx, tm.writer, mine.ID); err != nil {
		t.Fatalf("AllowScripts: %v", err)
	}
	list, err := tm.app.Sources(ctx, tm.admin, SourceFilter{})
	if err != nil || len(list) != 2 {
		t.Fatalf("Sources = %d sources, %v; want 2", len(list), err)
	}
	for _, listed := range list {
		if listed.ID == mine.ID && (!listed.ScriptAccess || listed.SharesGrant != 1 || listed.GrantEnds.IsZero() ||
			listed.RevokeEnds == "" || listed.Renewal.Kind != RenewalEnds) {
			t.Errorf("the writer's source in the list: %+v; want script access, a shared grant and a Testing end", listed)
		}
		details, err := tm.app.SourceDetails(ctx, tm.admin, listed.ID)
		if err != nil {
			t.Fatalf("SourceDetails(%d): %v", listed.ID, err)
		}
		if !reflect.DeepEqual(details, listed) {
			t.Errorf("source %d:\n details %+v\n list    %+v", listed.ID, details, listed)
		}
	}
}
