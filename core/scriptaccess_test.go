package core

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/internal/authtest"
)

// scriptTeam is a connect team whose writer connected one source and allowed scripts on it.
func scriptTeam(t *testing.T) (*connectTeam, Source) {
	t.Helper()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	src := tm.connect(t, tm.writer, "idp")
	if err := tm.app.AllowScripts(context.Background(), tm.writer, src.ID); err != nil {
		t.Fatalf("AllowScripts: %v", err)
	}
	return tm, src
}

// assertNoScriptAccess checks that a program without sign-in is refused src's token, as the
// front ends need it: ErrNoScriptAccess (an ErrForbidden) naming the source and its owner.
func (tm *connectTeam) assertNoScriptAccess(t *testing.T, id int64, owner string) {
	t.Helper()
	_, err := tm.app.ScriptToken(context.Background(), id)
	var ns *NoScriptAccessError
	if !errors.Is(err, ErrNoScriptAccess) || !errors.Is(err, access.ErrForbidden) || !errors.As(err, &ns) ||
		ns.SourceID != id || ns.Owner != owner {
		t.Fatalf("ScriptToken: got %v (%+v), want a *NoScriptAccessError for source %d of %s", err, ns, id, owner)
	}
	if e := tm.lastEntry(t); e.Actor != ProgramActor || e.Action != string(access.SourceToken) || e.Outcome != store.OutcomeDenied {
		t.Errorf("entry = %+v, want the program's denied source.token", e)
	}
}

// scriptAccessShown reads whether the sources list and the source's details show script access.
func (tm *connectTeam) scriptAccessShown(t *testing.T, id int64) (list, details bool) {
	t.Helper()
	ctx := context.Background()
	all, err := tm.app.Sources(ctx, tm.admin, SourceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.ID == id {
			list = s.ScriptAccess
		}
	}
	d, err := tm.app.SourceDetails(ctx, tm.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	return list, d.ScriptAccess
}

// Grant, use without a passphrase (refreshed when expired, as AccessToken does), withdraw.
func TestScriptAccess(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	src := tm.connect(t, tm.writer, "idp")
	tm.assertNoScriptAccess(t, src.ID, "wendy")
	if list, details := tm.scriptAccessShown(t, src.ID); list || details {
		t.Errorf("before the grant: shown %v in the list, %v in the details; want off by default", list, details)
	}

	if err := tm.app.AllowScripts(ctx, tm.writer, src.ID); err != nil {
		t.Fatalf("AllowScripts: %v", err)
	}
	if e := tm.lastEntry(t); e.Actor != "wendy" || e.Action != string(access.SourceAllowScripts) || e.Outcome != store.OutcomeOK {
		t.Errorf("entry = %+v, want wendy's source.allow-scripts ok", e)
	}
	if list, details := tm.scriptAccessShown(t, src.ID); !list || !details {
		t.Errorf("after the grant: shown %v in the list, %v in the details; want both", list, details)
	}
	calls := tm.srv.TokenRequests()
	got, err := tm.app.ScriptToken(ctx, src.ID)
	if err != nil || got.Reveal() != tm.token(t, src.ID).AccessToken || tm.srv.TokenRequests() != calls {
		t.Fatalf("ScriptToken: err %v, stored token %t, %d token requests; want the stored token, no request",
			err, err == nil && got.Reveal() == tm.token(t, src.ID).AccessToken, tm.srv.TokenRequests()-calls)
	}

	tm.clk.Advance(tm.token(t, src.ID).Expiry.Sub(tm.clk.Now()) + time.Minute)
	fresh, err := tm.app.ScriptToken(ctx, src.ID)
	if err != nil || fresh.Reveal() == got.Reveal() || fresh.Reveal() != tm.token(t, src.ID).AccessToken {
		t.Fatalf("ScriptToken after expiry: err %v; want a refreshed token, the one now in the keychain", err)
	}
	tm.assertNowhere(t, got.Reveal(), fresh.Reveal(), tm.token(t, src.ID).RefreshToken)

	writer, err := tm.app.SignIn(ctx, "wendy", secret(writerPass)) // the clock's jump locked the first session
	if err != nil {
		t.Fatal(err)
	}
	if err := tm.app.DenyScripts(ctx, writer, src.ID); err != nil {
		t.Fatalf("DenyScripts: %v", err)
	}
	if e := tm.lastEntry(t); e.Actor != "wendy" || e.Action != string(access.SourceDenyScripts) || e.Outcome != store.OutcomeOK {
		t.Errorf("entry = %+v, want wendy's source.deny-scripts ok", e)
	}
	tm.assertNoScriptAccess(t, src.ID, "wendy")
	if _, err := tm.app.ScriptToken(ctx, src.ID+100); !errors.Is(err, ErrUnknownSource) {
		t.Errorf("ScriptToken of no source: got %v, want ErrUnknownSource", err)
	}
}

// Only the owner grants; a reader, another writer and an administrator cannot grant it for
// someone else's source. Withdrawing is the owner's or an administrator's.
func TestScriptAccessWhoMay(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	src := tm.connect(t, tm.writer, "idp")
	if _, err := tm.app.AddUser(ctx, tm.admin, "walt", access.Write, secret("walt passphrase 5"), secret("walt passphrase 5")); err != nil {
		t.Fatal(err)
	}
	walt, err := tm.app.SignIn(ctx, "walt", secret("walt passphrase 5"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		who  string
		s    *access.Session
		want error
	}{
		{"reader", tm.read, access.ErrForbidden},
		{"another writer", walt, access.ErrForbidden},
		{"administrator", tm.admin, access.ErrOwnerOnly},
		{"no session", nil, access.ErrSessionEnded},
	} {
		if err := tm.app.AllowScripts(ctx, tc.s, src.ID); !errors.Is(err, tc.want) {
			t.Errorf("%s allows scripts: got %v, want %v", tc.who, err, tc.want)
		}
	}
	tm.assertNoScriptAccess(t, src.ID, "wendy")

	if err := tm.app.AllowScripts(ctx, tm.writer, src.ID); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*access.Session{tm.read, walt} {
		if err := tm.app.DenyScripts(ctx, s, src.ID); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("DenyScripts by a reader or another writer: got %v, want ErrForbidden", err)
		}
	}
	if _, err := tm.app.ScriptToken(ctx, src.ID); err != nil {
		t.Fatalf("after refused withdrawals: %v, want the token", err)
	}
	if err := tm.app.DenyScripts(ctx, tm.admin, src.ID); err != nil {
		t.Fatalf("DenyScripts by an administrator: %v", err)
	}
	tm.assertNoScriptAccess(t, src.ID, "wendy")
}

// The grant ends by itself: disconnect, forget, another account, another owner, the owner
// disabled (and enabled again), demoted, deleted, and a disconnect that waits.
func TestScriptAccessEnds(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		end   func(t *testing.T, tm *connectTeam, id int64)
		owner string // the source's owner afterwards; "" if it is gone
	}{
		{"disconnected", func(t *testing.T, tm *connectTeam, id int64) {
			if err := tm.app.Disconnect(ctx, tm.writer, id); err != nil {
				t.Fatal(err)
			}
		}, ""},
		{"forgotten", func(t *testing.T, tm *connectTeam, id int64) {
			if err := tm.app.Forget(ctx, tm.writer, id); err != nil {
				t.Fatal(err)
			}
		}, ""},
		{"revocation pending", func(t *testing.T, tm *connectTeam, id int64) {
			tm.setStatus(t, id, StatusRevocationPending)
		}, "wendy"},
		{"another account", func(t *testing.T, tm *connectTeam, id int64) {
			// Reconnect refuses another account today; should the row ever name another
			// account, the grant given for the first one does not follow.
			tm.srv.SetUser(authtest.User{Subject: "someone-else", Email: "else@example.com", Name: "Else"})
			if _, err := tm.app.Reconnect(ctx, tm.writer, id, tm.hooks(t, nil)); !errors.Is(err, ErrDifferentAccount) {
				t.Fatalf("Reconnect with another account: got %v, want ErrDifferentAccount", err)
			}
			if _, err := tm.app.ScriptToken(ctx, id); err != nil {
				t.Fatalf("a refused reconnect ended the grant: %v", err)
			}
			if _, err := tm.app.db.Exec(`UPDATE sources SET account_subject = 'someone-else' WHERE id = ?`, id); err != nil {
				t.Fatal(err)
			}
		}, "wendy"},
		{"owner disabled, then enabled", func(t *testing.T, tm *connectTeam, id int64) {
			if err := tm.app.DisableUser(ctx, tm.admin, tm.writerID); err != nil {
				t.Fatal(err)
			}
			if e := tm.lastEntry(t); !strings.Contains(e.Detail, "script access of 1 sources ended") {
				t.Errorf("disable entry = %+v, want it to say the script access ended", e)
			}
			if err := tm.app.EnableUser(ctx, tm.admin, tm.writerID); err != nil {
				t.Fatal(err)
			}
		}, "wendy"},
		{"owner demoted to read", func(t *testing.T, tm *connectTeam, id int64) {
			if err := tm.app.SetPrivilege(ctx, tm.admin, tm.writerID, access.Read); err != nil {
				t.Fatal(err)
			}
		}, "wendy"},
		{"owner deleted, sources to root", func(t *testing.T, tm *connectTeam, id int64) {
			rootID := tm.writerID - 1
			if err := tm.app.DeleteUser(ctx, tm.admin, tm.writerID, SourcePolicy{TransferTo: rootID}); err != nil {
				t.Fatal(err)
			}
		}, "root"},
		{"owner deleted, sources disconnected", func(t *testing.T, tm *connectTeam, id int64) {
			if err := tm.app.DeleteUser(ctx, tm.admin, tm.writerID, SourcePolicy{Disconnect: true}); err != nil {
				t.Fatal(err)
			}
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tm, src := scriptTeam(t)
			if _, err := tm.app.ScriptToken(ctx, src.ID); err != nil {
				t.Fatalf("with the grant: %v", err)
			}
			tc.end(t, tm, src.ID)
			if tc.owner == "" {
				if _, err := tm.app.ScriptToken(ctx, src.ID); !errors.Is(err, ErrUnknownSource) {
					t.Errorf("source gone: got %v, want ErrUnknownSource", err)
				}
				var n int
				if err := tm.app.db.QueryRow(`SELECT count(*) FROM script_access`).Scan(&n); err != nil || n != 0 {
					t.Errorf("grants left: %d (%v), want 0", n, err)
				}
				return
			}
			tm.assertNoScriptAccess(t, src.ID, tc.owner)
			if list, details := tm.scriptAccessShown(t, src.ID); list || details {
				t.Errorf("shown %v in the list, %v in the details; want neither", list, details)
			}
		})
	}
}

// A program's reads are recorded at most once per source per hour, across processes (a
// second App on the same workspace stands for the next cron run); refusals every time.
func TestScriptReadsThrottled(t *testing.T) {
	ctx := context.Background()
	tm, src := scriptTeam(t)
	other, err := Open(ctx, Config{Home: tm.home, Now: tm.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	reads := func() int {
		t.Helper()
		var n int
		if err := tm.app.db.QueryRow(`SELECT count(*) FROM activity WHERE actor = ? AND detail LIKE 'token read by a program%'`,
			ProgramActor).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for i, step := range []struct {
		app     *App
		advance time.Duration
		want    int
	}{
		{tm.app, 0, 1}, {tm.app, 0, 1}, {other, time.Minute, 1}, {other, 58 * time.Minute, 1},
		{tm.app, time.Minute, 2}, {other, 0, 2}, {tm.app, 30 * time.Minute, 2}, {other, 31 * time.Minute, 3},
	} {
		tm.clk.Advance(step.advance)
		if _, err := step.app.ScriptToken(ctx, src.ID); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
		if got := reads(); got != step.want {
			t.Errorf("after read %d (%s later): %d entries, want %d", i, step.advance, got, step.want)
		}
	}
	if e := tm.lastEntry(t); e.Action != string(access.SourceToken) || e.Subject != sourceLabel(tm.rows(t)[0]) {
		t.Errorf("entry = %+v, want source.token on the source", e)
	}
	// Two processes that both saw an old entry: only the first claims the next one.
	later := tm.clk.Now().Add(2 * time.Hour)
	for i, want := range []bool{true, false} {
		if got, err := store.NoteScriptRead(ctx, tm.app.db, src.ID, later, scriptReadEvery); err != nil || got != want {
			t.Errorf("claim %d: got %v, %v; want %v", i, got, err, want)
		}
	}
}

// assertNowhere checks that none of the secrets is in the log or the database's files.
func (tm *connectTeam) assertNowhere(t *testing.T, secrets ...string) {
	t.Helper()
	files := map[string][]byte{"log": tm.log.Bytes()}
	for _, name := range []string{DBFile, DBFile + "-wal"} {
		b, err := os.ReadFile(filepath.Join(tm.home, name))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		files[name] = b
	}
	for name, b := range files {
		for i, sec := range secrets {
			if len(sec) < 6 || bytes.Contains(b, []byte(sec)) {
				t.Errorf("%s holds secret %d (or it is too short to search for)", name, i)
			}
		}
	}
}
