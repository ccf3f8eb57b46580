package core

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/core/store"
)

// Google revokes the app's whole grant of an account: revoking one user's source of it would
// end another user's source of the same account. Disconnect says so before revoking and
// changes nothing; DisconnectShared revokes once the person chose to.
func TestDisconnectSaysWhatGoogleRevocationEnds(t *testing.T) {
	ctx := context.Background()
	tm, hooks := googleTeam(t)
	mine, err := tm.app.Connect(ctx, tm.writer, "google", hooks)
	if err != nil {
		t.Fatalf("Connect as the writer: %v", err)
	}
	if mine.SharesGrant != 0 || !strings.Contains(mine.RevokeEnds, "every source of this account") {
		t.Errorf("a lone Google source: SharesGrant %d, RevokeEnds %q; want 0 and what Google's revocation ends", mine.SharesGrant, mine.RevokeEnds)
	}
	theirs, err := tm.app.Connect(ctx, tm.admin, "google", hooks) // the same account, by another user
	if err != nil {
		t.Fatalf("Connect as the admin: %v", err)
	}
	list, err := tm.app.Sources(ctx, tm.writer, SourceFilter{})
	if err != nil || len(list) != 1 || list[0].SharesGrant != 1 {
		t.Fatalf("the writer's list = %+v, %v; want their source, sharing its grant with 1 other", list, err)
	}

	err = tm.app.Disconnect(ctx, tm.writer, mine.ID)
	var shared *SharedGrantError
	if !errors.As(err, &shared) || shared.Others != 1 || ReasonOf(err) != ReasonSharedGrant || !strings.Contains(shared.Ends, "Google") {
		t.Fatalf("Disconnect of a shared grant = %v; want a SharedGrantError naming 1 other source", err)
	}
	if n, rows := tm.srv.RevokeRequests(), tm.rows(t); n != 0 || len(rows) != 2 {
		t.Fatalf("after the refusal: %d revocations, %d sources; want none revoked and both kept", n, len(rows))
	}

	if err := tm.app.DisconnectShared(ctx, tm.writer, mine.ID); err != nil {
		t.Fatalf("DisconnectShared: %v", err)
	}
	if n, rows := tm.srv.RevokeRequests(), tm.rows(t); n != 1 || len(rows) != 1 || rows[0].ID != theirs.ID {
		t.Errorf("after DisconnectShared: %d revocations, sources %+v; want 1 and the admin's source left", n, rows)
	}
	if err := tm.app.Disconnect(ctx, tm.admin, theirs.ID); err != nil {
		t.Errorf("Disconnect of the last source of the account: %v", err)
	}
}

// A Google app in Testing has its refresh tokens end 7 days after each sign-in, used or not.
// The integration records its publishing status (in production for one saved before), and
// its sources forecast those 7 days, saying why, where they would otherwise renew for months.
func TestGoogleTestingAppForecastsSevenDays(t *testing.T) {
	ctx := context.Background()
	tm, hooks := googleTeam(t)
	if v, err := tm.app.Integration(ctx, tm.admin, "google"); err != nil || v.PublishingStatus != PublishingInProduction {
		t.Fatalf("a Google integration saved without a status: %q, %v; want in-production", v.PublishingStatus, err)
	}
	src, err := tm.app.Connect(ctx, tm.writer, "google", hooks)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if src.Renewal.Kind == RenewalEnds || src.Renewal.Why != "" {
		t.Errorf("in production: renewal %+v; want no fixed end", src.Renewal)
	}

	save := func(status string) error {
		return tm.app.SaveIntegration(ctx, tm.admin, IntegrationInput{ID: "google", ClientID: "123456789012-desktop.apps.googleusercontent.com", PublishingStatus: status})
	}
	var invalid *ValidationError
	if err := save("beta"); !errors.As(err, &invalid) || !strings.Contains(invalid.Fields[FieldPublishing], "testing or in-production") {
		t.Errorf("publishing status beta: %v; want a refusal naming the two statuses", err)
	}
	if err := tm.app.SaveIntegration(ctx, tm.admin, IntegrationInput{ID: "dropbox", ClientID: "appkey", Port: "27419",
		PublishingStatus: "testing"}); !errors.As(err, &invalid) || invalid.Fields[FieldPublishing] == "" {
		t.Errorf("Dropbox with a publishing status: %v; want it refused", err)
	}
	if err := save(" Testing "); err != nil {
		t.Fatalf("save as testing: %v", err)
	}
	if v, _ := tm.app.Integration(ctx, tm.admin, "google"); v.PublishingStatus != PublishingTesting {
		t.Errorf("saved status %q, want testing", v.PublishingStatus)
	}
	connected := tm.clk.Now()
	later := func(d time.Duration) { // and signed in again, past the idle lock
		t.Helper()
		tm.clk.Advance(d)
		if tm.writer, err = tm.app.SignIn(ctx, "wendy", secret(writerPass)); err != nil {
			t.Fatal(err)
		}
	}
	later(3 * 24 * time.Hour)
	if _, err := tm.app.Refresh(ctx, tm.writer, src.ID); err != nil { // a refresh gives no new lifetime
		t.Fatalf("Refresh: %v", err)
	}
	got, err := tm.app.SourceDetails(ctx, tm.writer, src.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := connected.Add(7 * 24 * time.Hour)
	if got.Renewal.Kind != RenewalEnds || !got.Renewal.By.Equal(want) || !strings.Contains(got.Renewal.Why, "in Testing") {
		t.Errorf("in Testing, refreshed: renewal %+v; want it to end at %v, saying why", got.Renewal, want)
	}
	later(5 * 24 * time.Hour)
	if got, _ := tm.app.SourceDetails(ctx, tm.writer, src.ID); got.Renewal.Kind != RenewalExpired || got.Renewal.Why == "" {
		t.Errorf("8 days after the sign-in: renewal %+v; want ended, saying why", got.Renewal)
	}

}

// A Google client ID that is not one (abc123) is refused when saved, saying the shape; one
// saved before the rule is refused at once by Test authorization, where Google would have
// refused the sign-in in the browser while the test waited its five minutes.
func TestGoogleClientIDShape(t *testing.T) {
	ctx := context.Background()
	tm, hooks := googleTeam(t)
	err := tm.app.SaveIntegration(ctx, tm.admin, IntegrationInput{ID: "google", ClientID: "abc123"})
	var invalid *ValidationError
	if !errors.As(err, &invalid) || !strings.Contains(invalid.Fields[FieldClientID], ".apps.googleusercontent.com") {
		t.Fatalf("client ID abc123: %v; want it refused, naming the shape", err)
	}
	tm.editIntegration(t, "google", func(r *store.Integration) { r.ClientID = "abc123" })
	hooks.Timeout = time.Minute
	start := time.Now()
	report, err := tm.app.TestAuthorization(ctx, tm.admin, "google", hooks)
	if ReasonOf(err) != ReasonNotSetUp || !strings.Contains(report.Problem+err.Error(), ".apps.googleusercontent.com") || time.Since(start) > 10*time.Second {
		t.Errorf("Test authorization with client ID abc123: %v (report %+v); want it refused at once, naming the shape", err, report)
	}
}
