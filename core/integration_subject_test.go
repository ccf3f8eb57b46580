package core

import (
	"context"
	"strings"
	"testing"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/internal/authtest"
	"github.com/medialake/connect/internal/testkit"
)

// TestIntegrationActivitySubject: every use-case on one integration records the
// integration's name as the activity's subject, allowed or refused (view, save, enable,
// test authorization, remove secret, disable, remove, the sandbox's settings), and the id
// asked for only where no integration has it.
func TestIntegrationActivitySubject(t *testing.T) {
	ctx := context.Background()
	w := newAdminWorkspace(t, nil)
	a := w.app
	srv := authtest.New(t)
	srv.AddClient(authtest.Client{ID: "medialake", Secret: "s3", RedirectURIs: []string{"http://127.0.0.1/callback"}})
	const name = "Test IdP"
	id, err := a.AddCustomIntegration(ctx, w.admin, name, catalog.OIDC)
	if err != nil {
		t.Fatal(err)
	}
	sandboxName := w.view(t, string(catalog.Sandbox)).Name
	first := countActivity(t, a)

	uses := map[string]func(s *access.Session, id string) error{
		"view": func(s *access.Session, id string) error { _, err := a.Integration(ctx, s, id); return err },
		"save": func(s *access.Session, id string) error {
			return a.SaveIntegration(ctx, s, IntegrationInput{ID: id, Name: name, ClientID: "medialake", Secret: secret("s3"), Issuer: srv.Issuer()})
		},
		"enable": func(s *access.Session, id string) error { return a.SetEnabled(ctx, s, id, true) },
		"test": func(s *access.Session, id string) error {
			b := testkit.NewBrowser(t, srv)
			_, err := a.TestAuthorization(ctx, s, id, FlowHooks{OpenURL: b.Open})
			b.Wait()
			return err
		},
		"remove secret": func(s *access.Session, id string) error { return a.RemoveSecret(ctx, s, id) },
		"disable":       func(s *access.Session, id string) error { return a.SetEnabled(ctx, s, id, false) },
		"remove":        func(s *access.Session, id string) error { return a.RemoveIntegration(ctx, s, id, true) },
	}
	order := []string{"view", "save", "enable", "test", "remove secret", "disable", "remove"}
	for _, use := range order {
		if err := uses[use](w.writer, id); err == nil {
			t.Fatalf("%s as a writer succeeded", use)
		}
		if err := uses[use](w.admin, id); err != nil {
			t.Fatalf("%s as the admin: %v", use, err)
		}
	}
	if _, err := a.Sandbox(ctx, w.writer); err == nil {
		t.Fatal("the sandbox's settings as a writer: no refusal")
	}
	if err := a.SetSandbox(ctx, w.admin, SandboxInput{Port: "29171", AccessTokenTTL: "5m"}); err != nil {
		t.Fatal(err)
	}
	if err := a.RemoveIntegration(ctx, w.writer, "custom-none", true); err == nil {
		t.Fatal("removing an unknown integration as a writer: no refusal")
	}

	entries, err := store.Activity(ctx, a.db, store.ActivityFilter{Limit: countActivity(t, a) - first})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for i, e := range entries {
		subject := name
		switch {
		case i == 0:
			subject = "custom-none"
		case i <= 2:
			subject = sandboxName
		}
		if !strings.HasPrefix(e.Action, "integration.") || e.Subject != subject {
			t.Errorf("%s %s: subject %q, want %q", e.Action, e.Outcome, e.Subject, subject)
		}
		want[e.Action+" "+e.Outcome] = true
	}
	for _, act := range []access.Action{access.IntegrationView, access.IntegrationSave, access.IntegrationEnable,
		access.IntegrationTest, access.IntegrationDisable, access.IntegrationRemove} {
		if !want[string(act)+" "+store.OutcomeDenied] {
			t.Errorf("no denied %s among %d entries", act, len(entries))
		}
	}
}
