package core

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/internal/authtest"
)

// A token endpoint that answers an error without an RFC 6749 error code (a proxy's or a WAF's
// page) may echo the request, refresh token included. x/oauth2's RetrieveError puts that body
// in its message; it must reach neither the error shown, the activity log nor the log.
func TestRefreshErrorBodyNotRecorded(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	src := tm.connect(t, tm.writer, "idp")
	tok := tm.token(t, src.ID)
	body := "<html>bad request: grant_type=refresh_token&refresh_token=" + tok.RefreshToken + "</html>"
	tm.srv.FailNextToken(http.StatusBadRequest, body, http.Header{"Content-Type": {"text/html"}})

	_, err := tm.app.Refresh(ctx, tm.writer, src.ID)
	if err == nil {
		t.Fatal("Refresh succeeded, want the provider's refusal")
	}
	if strings.Contains(err.Error(), tok.RefreshToken) {
		t.Errorf("Refresh error = %q, holds the refresh token", err)
	}
	entries, err := tm.app.Activity(ctx, tm.admin, ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Detail, tok.RefreshToken) {
			t.Errorf("activity entry %s %s: detail holds the refresh token: %q", e.Action, e.Outcome, e.Detail)
		}
	}
	row, err := store.SourceByID(ctx, tm.app.db, src.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(row.StatusDetail, tok.RefreshToken) || row.Status != store.StatusError {
		t.Errorf("status = %s %q, want error without the refresh token", row.Status, row.StatusDetail)
	}
	if bytes.Contains(tm.log.Bytes(), []byte(tok.RefreshToken)) {
		t.Error("the log holds the refresh token")
	}
}

// The "who am I" call uses the token just issued as it is. A client that refreshed a
// short-lived one on its own would spend the refresh token and throw the rotated one away,
// so the source would be saved with a dead grant.
func TestConnectIdentifiesWithoutRefreshing(t *testing.T) {
	tm := newConnectTeam(t)
	// x/oauth2 counts a token as expired 10 s before its expiry.
	tm.srv = authtest.New(t, authtest.WithAccessTokenTTL(5*time.Second))
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	tm.connect(t, tm.writer, "idp")
	if n := tm.srv.TokenRequests(); n != 1 {
		t.Errorf("token requests during Connect = %d, want 1 (the code exchange)", n)
	}
}

// A nil session is refused like any session that sign-in did not hand out, by every use-case.
func TestChangeOwnPassphraseNilSession(t *testing.T) {
	tm := newConnectTeam(t)
	err := tm.app.ChangeOwnPassphrase(context.Background(), nil, secret(adminPass), secret(adminPass+"x"), secret(adminPass+"x"))
	if !errors.Is(err, access.ErrSessionEnded) {
		t.Errorf("ChangeOwnPassphrase(nil session) = %v, want ErrSessionEnded", err)
	}
}

// Guesses at the current passphrase through ChangeOwnPassphrase count like wrong sign-ins: an
// unattended, unlocked session cannot be used to try passphrases without limit.
func TestChangeOwnPassphraseGuessesLockOut(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app
	newPass := secret("wendy's new passphrase")
	for i := 1; i <= access.FreeFailures; i++ {
		err := a.ChangeOwnPassphrase(ctx, tm.writer, secret("guess number "+strings.Repeat("x", i)), newPass, newPass)
		if !errors.Is(err, access.ErrWrongPassphrase) {
			t.Fatalf("guess %d: %v, want ErrWrongPassphrase", i, err)
		}
	}
	// Locked now: even the right current passphrase waits, and so does sign-in.
	var locked *access.LockedError
	if err := a.ChangeOwnPassphrase(ctx, tm.writer, secret(writerPass), newPass, newPass); !errors.As(err, &locked) {
		t.Fatalf("after %d guesses: %v, want a LockedError", access.FreeFailures, err)
	}
	if _, err := a.SignIn(ctx, "wendy", secret(writerPass)); !errors.As(err, &locked) {
		t.Errorf("sign-in after the guesses: %v, want a LockedError", err)
	}
	tm.clk.Advance(access.FirstDelay)
	if err := a.ChangeOwnPassphrase(ctx, tm.writer, secret(writerPass), newPass, newPass); err != nil {
		t.Fatalf("after the wait, with the right passphrase: %v", err)
	}
	if u := tm.user(t, "wendy"); u.FailedSignIns != 0 || !u.LockedUntil.IsZero() {
		t.Errorf("after a successful change: %d failures, locked until %v; want both cleared", u.FailedSignIns, u.LockedUntil)
	}
}

// Two processes (here two Apps on one workspace, each with its own in-process lock) guessing at
// the same moment get no extra guesses: every check is counted before it is made, so once the
// count closes sign-in the other checks are refused without looking at the passphrase.
func TestLockOutHoldsAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	other := openApp(t, tm.home, tm.clk)
	for i := 1; i < access.FreeFailures; i++ {
		if _, err := tm.app.SignIn(ctx, "wendy", secret("wrong guess")); !errors.Is(err, access.ErrWrongPassphrase) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	const tries = 8
	errs := make(chan error, tries)
	for i := range tries {
		a := tm.app
		if i%2 == 1 {
			a = other
		}
		go func() {
			_, err := a.SignIn(ctx, "wendy", secret("wrong guess"))
			errs <- err
		}()
	}
	checked := 0
	for range tries {
		err := <-errs
		var locked *access.LockedError
		if !errors.As(err, &locked) {
			t.Errorf("a guess got through the lock-out: %v", err)
		}
		if errors.Is(err, access.ErrWrongPassphrase) {
			checked++ // this one was checked, and closed sign-in
		}
	}
	if checked != 1 {
		t.Errorf("%d of %d simultaneous guesses were checked, want exactly 1", checked, tries)
	}
}
