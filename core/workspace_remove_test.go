package core

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/vault"
)

// Removing a workspace takes an administrator and its folder typed: then every keychain
// entry it held (client secrets, tokens, the sandbox's key) and its folder are gone.
func TestRemoveWorkspace(t *testing.T) {
	ctx := context.Background()
	tm, _ := exportTeam(t, false)
	src := tm.connect(t, tm.writer, "kept")
	kc := vault.New(tm.app.WorkspaceID(), vault.Config{})
	if err := kc.Set(ctx, vault.SandboxKeyKey, secret("sandbox key")); err != nil {
		t.Fatal(err)
	}
	keys := []string{vault.IntegrationSecretKey("idp"), vault.IntegrationSecretKey("kept"), vault.SourceTokenKey(src.ID), vault.SandboxKeyKey}
	for _, k := range keys {
		if _, err := kc.Get(ctx, k); err != nil {
			t.Fatalf("%s before the removal: %v", k, err)
		}
	}
	if err := tm.app.RemoveWorkspace(ctx, tm.writer, tm.home); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("a writer removes the workspace: %v, want ErrForbidden", err)
	}
	if err := tm.app.RemoveWorkspace(ctx, tm.admin, tm.home+"x"); !errors.Is(err, ErrRemoveNotConfirmed) {
		t.Errorf("another folder typed: %v, want ErrRemoveNotConfirmed", err)
	}
	if _, err := kc.Get(ctx, vault.IntegrationSecretKey("idp")); err != nil {
		t.Fatalf("a refused removal deleted a secret: %v", err)
	}
	if err := tm.app.RemoveWorkspace(ctx, tm.admin, " "+tm.home+" "); err != nil {
		t.Fatalf("RemoveWorkspace: %v", err)
	}
	for _, k := range keys {
		if _, err := kc.Get(ctx, k); !errors.Is(err, vault.ErrNotFound) {
			t.Errorf("%s after the removal: %v, want it gone", k, err)
		}
	}
	if _, err := os.Stat(tm.home); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the folder after the removal: %v, want it gone", err)
	}
}
