package core

import (
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
