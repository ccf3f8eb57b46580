// These tests sign in against a real authorization server (authtest, ory/fosite) and keep
// secrets in a real Secret Service: run them under scripts/with-secret-service.sh.

package cli

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/internal/testkit"
)

// A reader runs the upkeep, then no one: it needs no sign-in (the timer of a systemd user
// unit or cron runs exactly '--home DIR sources maintain'). The revocation that waited for
// the provider is done, and the activity log has it as the upkeep's.
func TestSourcesMaintain(t *testing.T) {
	w, srv, id := withIntegration(t)
	w.openURL = testkit.NewBrowser(t, srv).OpenURL
	src := w.connect("wendy", id)
	srv.Stop()
	if r := w.as("wendy", "sources", "disconnect", strconv.FormatInt(src.ID, 10)); r.code != ExitFailed {
		t.Fatalf("disconnect with the provider down: got %v, want exit 1", r)
	}

	r := w.must(w.as("rita", "sources", "maintain"))
	if want := "Revoked 0, kept alive 0, back online 0, still offline 0, needs reconnect 0.\n"; r.stdout != want {
		t.Errorf("maintain with the provider down: got %q, want %q", r.stdout, want)
	}
	srv.Start()
	w.ask = func(string) (core.Secret, error) {
		t.Fatal("sources maintain asked for a passphrase")
		return core.Secret{}, nil
	}
	r = w.must(w.run("sources", "maintain", "--json"))
	w.ask = nil
	var rep maintainJSON
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("maintain --json does not parse: %v\n%s", err, r.stdout)
	}
	if rep != (maintainJSON{Revoked: 1}) {
		t.Errorf("maintain --json: got %+v, want revoked 1", rep)
	}
	if !strings.Contains(r.stdout, `"still_offline": 0`) {
		t.Errorf("maintain --json lacks still_offline:\n%s", r.stdout)
	}
	if list := sourcesOf(t, w.must(w.as("wendy", "sources", "list", "--json"))); len(list) != 0 {
		t.Errorf("sources after maintain: got %+v, want none", list)
	}
	r = w.must(w.as("root", "activity", "--json", "--action", string(access.SourceDisconnect), "--limit", "1"))
	var entries []entryJSON
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil || len(entries) != 1 {
		t.Fatalf("activity --json: got %d entries (%v), want 1\n%s", len(entries), err, r.stdout)
	}
	if e := entries[0]; e.Actor != core.UpkeepActor || e.Outcome != "ok" {
		t.Errorf("entry: got %+v, want upkeep's source.disconnect ok", e)
	}
}
