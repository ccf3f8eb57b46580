package core

import (
	"context"
	"errors"
	"strings"
	"testing"
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
