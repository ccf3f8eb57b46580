package core

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/keychaintest"
)

// After a disconnect, the next connect gets a new id, so that a script
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

// A process killed between the keychain write of a new source's token
// and the commit of its row leaves no token behind once the workspace is opened again, and
// no row that looks connected without a token. The keychain is the real Secret Service,
// searched with its own client.
func TestConnectKilledBeforeCommitLeavesNoToken(t *testing.T) {
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	c := startChild(t, tm.home, "connect-killed")
	line := c.Next()
	id, err := strconv.ParseInt(strings.TrimPrefix(line, "saved "), 10, 64)
	if err != nil {
		t.Fatalf("child said %q (%v), want saved <id>; stderr:\n%s", line, err, c.Stderr())
	}
	if _, err := c.End(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("child ended with %v, want killed", err)
	}
	key := "attribute.username = " + tm.app.WorkspaceID() + "/" + vault.SourceTokenKey(id)
	if keys := tm.sourceKeys(t); !slices.Contains(keys, key) {
		t.Fatalf("keychain holds %v after the kill, want the token of source %d: the kill came too late to test anything", keys, id)
	}

	again, err := Open(context.Background(), Config{Home: tm.home})
	if err != nil {
		t.Fatalf("Open after the kill: %v", err)
	}
	defer again.Close()
	if keys := tm.sourceKeys(t); len(keys) != 0 {
		t.Errorf("keychain holds %v after the workspace opened again, want no token without a source", keys)
	}
	if rows := tm.rows(t); len(rows) != 0 {
		t.Errorf("sources after the kill: %+v, want none", rows)
	}
	if src := tm.connect(t, tm.writer, "idp"); src.ID == id {
		t.Errorf("the next connect got id %d, the killed connect's; want a new one", id)
	}
}

// A reservation whose connect is still under way, in this process or another, is not
// swept when another process opens the workspace; once its holder is gone, it is.
func TestSweepLeavesLiveConnectAlone(t *testing.T) {
	ctx := context.Background()
	home := filepath.Join(t.TempDir(), "ws")
	kc := vault.New("ws", vault.Config{Backend: &keychaintest.Memory{}})
	open := func() *App {
		t.Helper()
		a, err := Open(ctx, Config{Home: home, Keychain: kc})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		return a
	}
	a := open()
	id, unlock, err := a.reserveSource(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pending := func() []int64 {
		t.Helper()
		ids, err := store.PendingSources(ctx, a.db)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	other := open()
	if got := pending(); !slices.Equal(got, []int64{id}) {
		t.Errorf("reservations after another open during the connect = %v, want [%d]", got, id)
	}
	other.Close()
	unlock() // as a killed process's lock is released
	open()
	if got := pending(); len(got) != 0 {
		t.Errorf("reservations after an open once the connect is gone = %v, want none", got)
	}
}

// dbWritableOnSet is a keychain that, at each write, begins and ends a write transaction of
// its own on the workspace: it fails if the use-case holds SQLite's write lock while it calls
// the keychain.
type dbWritableOnSet struct {
	Keychain
	db   *store.DB
	errs *[]error
}

func (k dbWritableOnSet) Set(ctx context.Context, key string, s redact.Secret) error {
	*k.errs = append(*k.errs, k.db.Tx(ctx, func(*sql.Tx) error { return nil }))
	return k.Keychain.Set(ctx, key, s)
}

// Connect and reconnect write their token through one path, the keychain first and
// never while the database's write lock is held, since a keychain call may wait on an unlock
// prompt and every other writer of the workspace would wait with it.
func TestTokenWriteOutsideDatabaseLock(t *testing.T) {
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	var errs []error
	swapKeychain(tm.app, dbWritableOnSet{Keychain: tm.app.keychain, db: tm.app.db, errs: &errs})
	src := tm.connect(t, tm.writer, "idp")
	if _, err := tm.app.Reconnect(context.Background(), tm.writer, src.ID, tm.hooks(t, nil)); err != nil {
		t.Fatalf("Reconnect: %v", err)
	}
	if len(errs) < 2 {
		t.Fatalf("keychain writes = %d, want the connect's and the reconnect's", len(errs))
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("keychain write %d: the database could not be written meanwhile: %v", i+1, err)
		}
	}
	if got := tm.rows(t)[0]; got.TokenVersion != 2 || got.Status != store.StatusConnected {
		t.Errorf("after the reconnect: token version %d, status %s; want 2, connected", got.TokenVersion, got.Status)
	}
}
