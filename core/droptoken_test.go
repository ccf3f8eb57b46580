package core

import (
	"context"
	"errors"
	"testing"
)

// A token the app does not keep is revoked where the provider revokes that token alone: a
// test authorization's, and a refused connect's (the account is already a source). The
// source that holds the account keeps working. At Google, whose revocation would end the
// account's whole grant, nothing is revoked.
func TestTokensNotKeptAreRevoked(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "typed", provider: "oauth2", atServer: "s3cret", sent: "s3cret"})
	if _, err := tm.app.TestAuthorization(ctx, tm.admin, "typed", tm.hooks(t, nil)); err != nil {
		t.Fatalf("TestAuthorization: %v", err)
	}
	if n := tm.srv.RevokeRequests(); n != 1 {
		t.Errorf("revocations after a test authorization = %d, want 1", n)
	}
	src := tm.connect(t, tm.writer, "typed")
	_, err := tm.app.Connect(ctx, tm.writer, "typed", tm.hooks(t, nil))
	if !errors.Is(err, ErrAlreadyConnected) {
		t.Fatalf("second Connect of the account = %v; want ErrAlreadyConnected", err)
	}
	if n := tm.srv.RevokeRequests(); n != 2 {
		t.Errorf("revocations after a refused connect = %d, want 2", n)
	}
	if _, err := tm.app.Refresh(ctx, tm.writer, src.ID); err != nil {
		t.Errorf("the source of the account after the refused connect: %v; want it working", err)
	}

	g, hooks := googleTeam(t)
	if _, err := g.app.TestAuthorization(ctx, g.admin, "google", hooks); err != nil {
		t.Fatalf("TestAuthorization at Google: %v", err)
	}
	if _, err := g.app.Connect(ctx, g.writer, "google", hooks); err != nil {
		t.Fatal(err)
	}
	if _, err := g.app.Connect(ctx, g.writer, "google", hooks); !errors.Is(err, ErrAlreadyConnected) {
		t.Fatalf("second Connect at Google = %v; want ErrAlreadyConnected", err)
	}
	if n := g.srv.RevokeRequests(); n != 0 {
		t.Errorf("revocations at Google = %d, want none: they would end the account's source", n)
	}
}
