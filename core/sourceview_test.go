package core

import (
	"testing"
	"time"

	"github.com/medialake/connect/core/store"
)

func TestRenewalOf(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	soon := now.Add(5 * 24 * time.Hour)
	cases := []struct {
		name      string
		status    string
		dies      time.Time
		keepAlive bool
		want      Renewal
	}{
		{"no idle lifetime", store.StatusConnected, time.Time{}, false, Renewal{Kind: RenewsAutomatically}},
		{"idle lifetime, keep-alive on", store.StatusConnected, soon, true, Renewal{Kind: RenewsAutomatically}},
		{"idle lifetime, keep-alive off", store.StatusConnected, soon, false, Renewal{Kind: RenewalExpires, By: soon}},
		{"offline keeps its date", store.StatusOffline, soon, false, Renewal{Kind: RenewalExpires, By: soon}},
		{"idled out, even with keep-alive", store.StatusConnected, now, true, Renewal{Kind: RenewalExpired, By: now}},
		{"refused refresh token", store.StatusNeedsReconnect, soon, true, Renewal{Kind: RenewalReconnect}},
		{"revocation pending", store.StatusRevocationPending, time.Time{}, false, Renewal{Kind: RenewalNone}},
	}
	for _, c := range cases {
		got := renewalOf(Source{Status: c.status, ExpiresIfUnused: c.dies}, c.keepAlive, now)
		if got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}
