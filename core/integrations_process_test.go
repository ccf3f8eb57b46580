package core

import (
	"context"
	"encoding/hex"
	"testing"

	"github.com/medialake/connect/core/redact"
)

// googleLock is the name of the lock that guards changes to Google's integration.
var googleLock = "integration-" + hex.EncodeToString([]byte("google"))

// calledKeychain is a keychain that reports each call, as "get", "set" or "delete".
type calledKeychain struct {
	Keychain
	calls chan<- string
}

func (k calledKeychain) Get(ctx context.Context, key string) (redact.Secret, error) {
	k.calls <- "get"
	return k.Keychain.Get(ctx, key)
}

func (k calledKeychain) Set(ctx context.Context, key string, s redact.Secret) error {
	k.calls <- "set"
	return k.Keychain.Set(ctx, key, s)
}

func (k calledKeychain) Delete(ctx context.Context, key string) error {
	k.calls <- "delete"
	return k.Keychain.Delete(ctx, key)
}

// While another process (a command, say) is between the keychain and
// the database in a save of an integration, a save of the same integration here waits
// before it touches the keychain, and the last save's secret is the one kept.
func TestSavesOfOneIntegrationTakeTurnsAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	w := newAdminWorkspace(t, nil) // the real Secret Service, shared by both processes
	calls := make(chan string, 100)
	w.app.keychain = calledKeychain{Keychain: w.app.keychain, calls: calls}
	waiting := make(chan string, 1)
	w.app.locks.OnWait(func(name string) { waiting <- name })

	c := startChild(t, w.home, "save-held")
	c.Expect("in-set") // the child wrote its secret and holds its save there
	done := make(chan error, 1)
	go func() {
		done <- w.app.SaveIntegration(ctx, w.admin, googleInput("parent-id.apps.googleusercontent.com", "parent-secret"))
	}()
	select {
	case name := <-waiting:
		if name != googleLock {
			t.Errorf("the save waited for %q, want %s", name, googleLock)
		}
	case call := <-calls:
		t.Fatalf("the save called the keychain (%s) while another process was saving the same integration", call)
	case err := <-done:
		t.Fatalf("the save ended (%v) while another process was saving the same integration", err)
	}
	c.GoAhead()
	c.Expect("done")
	if err := <-done; err != nil {
		t.Fatalf("SaveIntegration: %v", err)
	}
	if got, v := w.stored(t, "google"), w.view(t, "google"); got != "parent-secret" || v.ClientID != "parent-id.apps.googleusercontent.com" {
		t.Errorf("keychain holds %q and the row client id %q; want the last save's, parent-secret and parent-id", got, v.ClientID)
	}
}
