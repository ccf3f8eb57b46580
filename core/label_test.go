package core

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

// A failure on a source names its account and its integration as the
// administrator named it, in the error and in the activity log, never the integration's id.
func TestSourceFailureNamesTheIntegration(t *testing.T) {
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp-7f3a", provider: "oauth2"})
	src := tm.connect(t, tm.writer, "idp-7f3a")
	tm.srv.Stop()
	_, err := tm.app.Refresh(context.Background(), tm.writer, src.ID)
	var se *SourceError
	if !errors.As(err, &se) || se.Integration != "Test idp-7f3a" || se.Account != src.Account {
		t.Fatalf("Refresh offline = %v (%+v), want a *SourceError of %s at Test idp-7f3a", err, se, src.Account)
	}
	if !errors.Is(err, ErrOffline) {
		t.Errorf("Refresh offline = %v, want ErrOffline still in it", err)
	}
	if e := tm.lastEntry(t); e.Subject != src.Account+" at Test idp-7f3a" {
		t.Errorf("activity subject = %q, want %q", e.Subject, src.Account+" at Test idp-7f3a")
	}
}

// A refresh the provider refuses, other than with invalid_grant, has a
// reason of its own, so that front ends say it in their words rather than show oauth2's.
func TestRefusedRefreshHasAReason(t *testing.T) {
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oauth2"})
	src := tm.connect(t, tm.writer, "idp")
	tm.srv.FailNextToken(http.StatusBadRequest, `{"error":"invalid_request","error_description":"refresh token is not valid"}`,
		http.Header{"Content-Type": {"application/json"}})
	_, err := tm.app.Refresh(context.Background(), tm.writer, src.ID)
	if got := ReasonOf(err); got != ReasonProviderError {
		t.Errorf("ReasonOf(%v) = %d, want ReasonProviderError (%d)", err, got, ReasonProviderError)
	}
}
