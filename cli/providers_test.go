package cli

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/internal/keychaintest"
)

// googleShared writes, as earlier connections would have, a Google integration and one
// source of the same account for each of owners; it returns their ids in that order.
func (w *workspace) googleShared(owners ...string) []int64 {
	w.t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(w.home, core.DBFile))
	if err != nil {
		w.t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	var ids []int64
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		err := store.PutIntegration(ctx, tx, store.Integration{ID: "google", Provider: "google", Name: "Google Drive",
			ClientID: "1234-abc.apps.googleusercontent.com", Enabled: true, SecretSetAt: now, CreatedAt: now, UpdatedAt: now})
		for _, name := range owners {
			u, uerr := store.UserByName(ctx, tx, name)
			if err = uerr; err != nil {
				return err
			}
			id, ierr := store.InsertSource(ctx, tx, store.Source{IntegrationID: "google", OwnerID: u.ID, Account: "team@example.com",
				AccountSubject: "g-1", CreatedAt: now, UpdatedAt: now})
			if err = ierr; err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return ids
}

// Google revokes the app's whole grant of the account: where another source here has the same
// account, 'sources disconnect' refuses, saying what the revocation would end and offering
// 'sources forget'; --revoke-shared revokes all the same and says what it ended.
func TestDisconnectRefusesToEndASharedGoogleGrant(t *testing.T) {
	keychaintest.Require(t)
	w := newWorkspace(t)
	w.team()
	ids := w.googleShared("wendy", "walter")
	mine := strconv.FormatInt(ids[0], 10)

	r := w.as("wendy", "sources", "disconnect", mine)
	for _, want := range []string{"Nothing was revoked", "whole access", "1 other source", "sources forget " + mine, "disconnect --revoke-shared " + mine} {
		if r.code != ExitFailed || !strings.Contains(r.stderr, want) {
			t.Errorf("disconnect of a shared grant: %v; want exit %d and %q", r, ExitFailed, want)
		}
	}
	r = w.must(w.as("wendy", "sources", "disconnect", "--revoke-shared", mine))
	if !strings.Contains(r.stdout, "Disconnected source "+mine) || !strings.Contains(r.stdout, "any other computer") {
		t.Errorf("disconnect --revoke-shared said %q; want it done, and what Google's revocation ends", r.stdout)
	}
	if r := w.must(w.as("walter", "sources", "list", "--json")); !strings.Contains(r.stdout, "team@example.com") {
		t.Errorf("walter's sources: %s; want his source kept", r.stdout)
	}
}

// A Google app in Testing: the admin records it with --publishing-status, integrations show
// says it, and the sources forecast the 7 days with the reason, in both outputs.
func TestPublishingStatusTesting(t *testing.T) {
	keychaintest.Require(t)
	w := newWorkspace(t)
	w.team()
	w.googleShared("wendy")
	if r := w.as("root", "integrations", "set", "google", "--publishing-status", "beta"); r.code != ExitFailed ||
		!strings.Contains(r.stderr, "--publishing-status: Choose testing or in-production") {
		t.Errorf("--publishing-status beta: %v; want it refused, naming the option", r)
	}
	if r := w.must(w.as("root", "integrations", "show", "google", "--json")); !strings.Contains(r.stdout, `"publishing_status": "in-production"`) {
		t.Errorf("show --json before: %s; want in-production, the default", r.stdout)
	}
	w.must(w.as("root", "integrations", "set", "google", "--publishing-status", "testing"))
	if r := w.must(w.as("root", "integrations", "show", "google", "--json")); !strings.Contains(r.stdout, `"publishing_status": "testing"`) {
		t.Errorf("show --json: %s; want publishing_status testing", r.stdout)
	}
	if r := w.must(w.as("root", "integrations", "show", "google")); !strings.Contains(r.stdout, "each sign-in ends 7 days after it") {
		t.Errorf("show: %s; want what Testing means", r.stdout)
	}
	r := w.must(w.as("wendy", "sources", "list", "--json"))
	if !strings.Contains(r.stdout, `"renewal": "ends"`) || !strings.Contains(r.stdout, "in Testing at Google Drive") {
		t.Errorf("sources list --json: %s; want renewal ends, saying why", r.stdout)
	}
	if r := w.must(w.as("wendy", "sources", "list")); !strings.Contains(r.stdout, "refreshed or not (app in Testing)") {
		t.Errorf("sources list: %s; want the fixed end in the RENEWS column", r.stdout)
	}
}

// Microsoft's account types set the tenant: a single tenant must name its directory; and
// Microsoft's AADSTS50194 and AADSTS700016 get advice of their own.
func TestMicrosoftAccountTypes(t *testing.T) {
	keychaintest.Require(t)
	w := newWorkspace(t)
	w.team()
	const id = "11112222-aaaa-bbbb-cccc-333344445555"
	r := w.as("root", "integrations", "set", "microsoft", "--client-id", id, "--client-type", "public", "--account-types", "single")
	if r.code != ExitFailed || !strings.Contains(r.stderr, "--tenant: A single-tenant registration signs in at its own directory") {
		t.Errorf("single tenant without a tenant: %v; want --tenant asked for", r)
	}
	w.must(w.as("root", "integrations", "set", "microsoft", "--client-id", id, "--client-type", "public", "--account-types", "multi"))
	if r := w.must(w.as("root", "integrations", "show", "microsoft", "--json")); !strings.Contains(r.stdout, `"tenant": "organizations"`) ||
		!strings.Contains(r.stdout, `"account_types": "multi"`) {
		t.Errorf("show --json: %s; want the tenant the account types set", r.stdout)
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{&core.ProviderError{Code: "invalid_request", Description: "AADSTS50194: Application 'x' is not configured as a multi-tenant application."},
			"--account-types single --tenant DIRECTORY-ID"},
		{&core.ExchangeError{Code: "unauthorized_client", Description: "AADSTS700016: Application with identifier 'x' was not found."},
			"checks --client-id, --account-types and --tenant"},
	} {
		if got := message(c.err); !strings.Contains(got, c.want) {
			t.Errorf("message(%v) = %q; want %q in it", c.err, got, c.want)
		}
	}
}

// A client ID of another shape than the provider's is refused, the message saying the shape.
func TestClientIDShapeRefused(t *testing.T) {
	keychaintest.Require(t)
	w := newWorkspace(t)
	w.team()
	for _, c := range []struct{ id, want string }{
		{"google", "--client-id: A client ID of Google Drive ends in .apps.googleusercontent.com"},
		{"microsoft", "--client-id: A client ID of Microsoft OneDrive is a GUID"},
	} {
		r := w.asIn("root", strings.NewReader("s3cret\n"), "integrations", "set", c.id, "--client-id", "abc123", "--client-secret-file", "-")
		if r.code != ExitFailed || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s with client ID abc123: %v; want %q", c.id, r, c.want)
		}
	}
}
