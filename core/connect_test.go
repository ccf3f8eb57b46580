package core

import (
	"context"
	"testing"
)

// Issue 10, defect 8: after a disconnect, the next connect gets a new id, so that a script
// that asks for a source's token by id never receives another account's.
func TestSourceIDNotReusedAfterDisconnect(t *testing.T) {
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	first := tm.connect(t, tm.writer, "idp")
	if err := tm.app.Disconnect(context.Background(), tm.writer, first.ID); err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	if again := tm.connect(t, tm.writer, "idp"); again.ID == first.ID {
		t.Errorf("the account connected again got id %d, the id of the disconnected source; want a new one", again.ID)
	}
}
