package core

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/egress"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/authtest"
	"github.com/medialake/connect/internal/keychaintest"
	"github.com/medialake/connect/internal/testkit"
)

// adminWorkspace is a workspace with one administrator and one writer, signed in, whose log
// goes to the log file in home.
type adminWorkspace struct {
	app           *App
	clk           *clock
	home          string
	admin, writer *access.Session
	vault         *vault.Vault // the same keychain entries as the app's, to look inside
}

// newAdminWorkspace opens a workspace on keychain; nil means the real Secret Service, and
// the test then needs scripts/with-secret-service.sh.
func newAdminWorkspace(t *testing.T, keychain Keychain) *adminWorkspace {
	t.Helper()
	return openAdminWorkspace(t, Config{Keychain: keychain})
}

// openAdminWorkspace is newAdminWorkspace with cfg's keychain and HTTP client; Home, Now
// and Logger are the workspace's own.
func openAdminWorkspace(t *testing.T, cfg Config) *adminWorkspace {
	t.Helper()
	if cfg.Keychain == nil {
		keychaintest.Require(t)
	}
	ctx := context.Background()
	w := &adminWorkspace{clk: newClock(), home: filepath.Join(t.TempDir(), "ws")}
	log, logFile, err := OpenLog(w.home, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logFile.Close() })
	cfg.Home, cfg.Now, cfg.Logger = w.home, w.clk.Now, log
	w.app, err = Open(ctx, cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { w.app.Close() })
	w.vault = vault.New(w.app.WorkspaceID(), vault.Config{})
	if w.admin, err = w.app.CreateFirstAdmin(ctx, "root", secret(adminPass), secret(adminPass)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.app.AddUser(ctx, w.admin, "wendy", access.Write, secret(writerPass), secret(writerPass)); err != nil {
		t.Fatal(err)
	}
	if w.writer, err = w.app.SignIn(ctx, "wendy", secret(writerPass)); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *adminWorkspace) view(t *testing.T, id string) IntegrationView {
	t.Helper()
	v, err := w.app.Integration(context.Background(), w.admin, id)
	if err != nil {
		t.Fatalf("Integration %s: %v", id, err)
	}
	return v
}

// stored returns the client secret the keychain holds for id, or "" if none.
func (w *adminWorkspace) stored(t *testing.T, id string) string {
	t.Helper()
	s, err := w.vault.Get(context.Background(), vault.IntegrationSecretKey(id))
	if errors.Is(err, vault.ErrNotFound) {
		return ""
	}
	if err != nil {
		t.Fatalf("keychain: %v", err)
	}
	return s.Reveal()
}

// addSource puts a source row under the integration, as a connection would.
func (w *adminWorkspace) addSource(t *testing.T, integrationID, account string) int64 {
	t.Helper()
	u, err := store.UserByName(context.Background(), w.app.db, "wendy")
	if err != nil {
		t.Fatal(err)
	}
	id, err := store.InsertSource(context.Background(), w.app.db, store.Source{IntegrationID: integrationID,
		OwnerID: u.ID, Account: account, AccountSubject: account, CreatedAt: w.clk.Now(), UpdatedAt: w.clk.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func googleInput(clientID, secretText string) IntegrationInput {
	return IntegrationInput{ID: "google", ClientID: shapedID("google", clientID), Secret: secret(secretText)}
}

// shapedID is the test's stand-in client ID "cid" in the shape that preset id requires of
// its client IDs (Google's, Microsoft's); any other client ID as it is.
func shapedID(id, clientID string) string {
	switch {
	case clientID != "cid":
		return clientID
	case id == "google":
		return "cid.apps.googleusercontent.com"
	case id == "microsoft":
		return msClientID
	}
	return clientID
}

func TestIntegrationsListPresetsAndCustom(t *testing.T) {
	ctx := context.Background()
	w := newAdminWorkspace(t, failingKeychain())
	list, err := w.app.Integrations(ctx, w.admin)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range list {
		ids = append(ids, v.ID)
		if v.Provider.IsSandbox() {
			// Nothing to register: set up from the start, one click from enabled.
			if v.State != StateDisabled || v.Saved || v.ClientID != catalog.SandboxClientID {
				t.Errorf("%s: state %v, saved %v, client id %q; want Disabled, unsaved, %s", v.ID, v.State, v.Saved, v.ClientID, catalog.SandboxClientID)
			}
			continue
		}
		if v.State != StateNotSetUp || v.Saved {
			t.Errorf("%s: state %v, saved %v; want Not set up, unsaved", v.ID, v.State, v.Saved)
		}
	}
	if got, want := strings.Join(ids, ","), "google,dropbox,microsoft,box,sandbox"; got != want {
		t.Errorf("presets = %s, want %s", got, want)
	}
	if v := list[1]; v.Port != 27419 || v.RedirectURI(v.Port) != "http://127.0.0.1:27419/callback" {
		t.Errorf("unsaved Dropbox: port %d, URI %q; want the fixed default port", v.Port, v.RedirectURI(v.Port))
	}

	id, err := w.app.AddCustomIntegration(ctx, w.admin, "  Corporate SSO ", catalog.OIDC)
	if err != nil {
		t.Fatalf("AddCustomIntegration: %v", err)
	}
	if !strings.HasPrefix(id, "custom-") || len(id) < len("custom-")+10 {
		t.Errorf("custom id = %q, want custom-<random>", id)
	}
	if _, err := w.app.AddCustomIntegration(ctx, w.admin, "Google again", catalog.Google); !errors.Is(err, ErrBadKind) {
		t.Errorf("custom of a preset kind: %v, want ErrBadKind", err)
	}
	var verr *ValidationError
	if _, err := w.app.AddCustomIntegration(ctx, w.admin, "  ", catalog.OAuth2); !errors.As(err, &verr) || verr.Fields[FieldName] == "" {
		t.Errorf("custom without a name: %v, want a ValidationError on %s", err, FieldName)
	}
	list, err = w.app.Integrations(ctx, w.admin)
	if err != nil {
		t.Fatal(err)
	}
	last := list[len(list)-1]
	if len(list) != 6 || last.ID != id || last.Name != "Corporate SSO" || !last.Custom || last.State != StateNotSetUp {
		t.Errorf("after adding: %d integrations, last %+v; want 6 with the custom one last, Not set up", len(list), last)
	}
	if e := lastEntries(t, w.app, 1)[0]; e.Action != string(access.IntegrationAdd) || e.Subject != "Corporate SSO" {
		t.Errorf("last activity = %+v, want integration.add of Corporate SSO", e)
	}
}

func TestStateGiven(t *testing.T) {
	down := vault.ErrUnavailable
	for _, c := range []struct {
		state IntegrationState
		probe error
		want  IntegrationState
	}{
		{StateNotSetUp, nil, StateNotSetUp},
		{StateNotSetUp, down, StateNotSetUp},
		{StateEnabled, nil, StateEnabled},
		{StateEnabled, down, StateKeychainUnavailable},
		{StateDisabled, down, StateKeychainUnavailable},
		{StateSecretMissing, nil, StateSecretMissing},
		{StateSecretMissing, down, StateKeychainUnavailable},
	} {
		if got := (IntegrationView{State: c.state}).StateGiven(c.probe); got != c.want {
			t.Errorf("%v given probe %v = %v, want %v", c.state, c.probe, got, c.want)
		}
	}
}

func TestIntegrationSaveReplaceDisableRemove(t *testing.T) {
	ctx := context.Background()
	w := newAdminWorkspace(t, nil)
	a := w.app

	if err := a.SetEnabled(ctx, w.admin, "google", true); !errors.Is(err, ErrCredentialsMissing) {
		t.Errorf("enabling an unsaved preset: %v, want ErrCredentialsMissing", err)
	}
	if err := a.SaveIntegration(ctx, w.admin, googleInput("  123.apps.googleusercontent.com ", " first-secret\n")); err != nil {
		t.Fatalf("save: %v", err)
	}
	savedAt := w.clk.Now()
	v := w.view(t, "google")
	if v.ClientID != "123.apps.googleusercontent.com" || !v.Saved || v.State != StateDisabled {
		t.Errorf("after the first save: client id %q, saved %v, state %v; want the trimmed id, saved, Disabled", v.ClientID, v.Saved, v.State)
	}
	if !v.SecretSetAt.Equal(savedAt) || v.SecretSetBy != "root" {
		t.Errorf("secret saved at %v by %q, want %v by root", v.SecretSetAt, v.SecretSetBy, savedAt)
	}
	if got := w.stored(t, "google"); got != "first-secret" {
		t.Errorf("keychain holds %q, want the trimmed secret", got)
	}
	if err := a.SetEnabled(ctx, w.admin, "google", true); err != nil {
		t.Fatalf("enable: %v", err)
	}
	if v := w.view(t, "google"); v.State != StateEnabled {
		t.Errorf("state after enabling = %v, want Enabled", v.State)
	}
	sourceID := w.addSource(t, "google", "jane@example.com")

	// Replacing the secret keeps the source and the enabled state.
	w.clk.Advance(10 * time.Minute)
	if err := a.SaveIntegration(ctx, w.admin, googleInput("123.apps.googleusercontent.com", "second-secret")); err != nil {
		t.Fatalf("replace: %v", err)
	}
	v = w.view(t, "google")
	if got := w.stored(t, "google"); got != "second-secret" {
		t.Errorf("keychain after replacing holds %q, want second-secret", got)
	}
	if !v.SecretSetAt.Equal(w.clk.Now()) || v.State != StateEnabled || v.Sources != 1 {
		t.Errorf("after replacing: secret saved at %v, state %v, %d sources; want now, Enabled, 1", v.SecretSetAt, v.State, v.Sources)
	}
	if e := lastEntries(t, a, 1)[0]; e.Action != string(access.IntegrationSave) || !strings.Contains(e.Detail, "client secret replaced") {
		t.Errorf("last activity = %+v, want integration.save saying the secret was replaced", e)
	}

	// A save without a secret keeps the saved one.
	w.clk.Advance(10 * time.Minute)
	in := googleInput("123.apps.googleusercontent.com", "")
	in.Scopes = "openid email"
	if err := a.SaveIntegration(ctx, w.admin, in); err != nil {
		t.Fatalf("save without a secret: %v", err)
	}
	v = w.view(t, "google")
	if got := w.stored(t, "google"); got != "second-secret" || v.SecretSetAt.Equal(w.clk.Now()) {
		t.Errorf("save without a secret: keychain %q, secret saved at %v; want both kept", got, v.SecretSetAt)
	}
	if !slices.Equal(v.Scopes, []string{"openid", "email"}) {
		t.Errorf("scopes = %v, want [openid email]", v.Scopes)
	}

	// Disabling keeps the source.
	if err := a.SetEnabled(ctx, w.admin, "google", false); err != nil {
		t.Fatal(err)
	}
	if v := w.view(t, "google"); v.State != StateDisabled || v.Sources != 1 {
		t.Errorf("after disabling: state %v, %d sources; want Disabled, 1", v.State, v.Sources)
	}
	if e := lastEntries(t, a, 1)[0]; e.Action != string(access.IntegrationDisable) {
		t.Errorf("last activity = %+v, want integration.disable", e)
	}

	// Removing the secret Google requires: secret missing, and enabling is refused.
	if err := a.SetEnabled(ctx, w.admin, "google", true); err != nil {
		t.Fatal(err)
	}
	if err := a.RemoveSecret(ctx, w.admin, "google"); err != nil {
		t.Fatalf("RemoveSecret: %v", err)
	}
	if got := w.stored(t, "google"); got != "" {
		t.Errorf("keychain still holds %q after RemoveSecret", got)
	}
	if v := w.view(t, "google"); v.State != StateSecretMissing || v.Enabled || !v.SecretSetAt.IsZero() {
		t.Errorf("after RemoveSecret: state %v, enabled %v, secret saved at %v; want Secret missing, disabled, none", v.State, v.Enabled, v.SecretSetAt)
	}
	if err := a.SetEnabled(ctx, w.admin, "google", true); !errors.Is(err, ErrCredentialsMissing) {
		t.Errorf("enabling without the required secret: %v, want ErrCredentialsMissing", err)
	}

	// Removing: refused while it has sources, unless confirmed.
	if err := a.SaveIntegration(ctx, w.admin, googleInput("123.apps.googleusercontent.com", "third-secret")); err != nil {
		t.Fatal(err)
	}
	if err := a.RemoveIntegration(ctx, w.admin, "google", false); !errors.Is(err, ErrIntegrationInUse) || !strings.Contains(err.Error(), "1 sources") {
		t.Errorf("removing with a source, unconfirmed: %v, want ErrIntegrationInUse naming 1 source", err)
	}
	if got := w.stored(t, "google"); got != "third-secret" {
		t.Errorf("refused removal left keychain %q, want third-secret", got)
	}
	if err := a.RemoveIntegration(ctx, w.admin, "google", true); err != nil {
		t.Fatalf("confirmed removal: %v", err)
	}
	if _, err := store.SourceByID(ctx, a.db, sourceID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("source after confirmed removal: %v, want not found", err)
	}
	if got := w.stored(t, "google"); got != "" {
		t.Errorf("keychain still holds %q after removal", got)
	}
	if v := w.view(t, "google"); v.Saved || v.State != StateNotSetUp {
		t.Errorf("after removal: saved %v, state %v; want the preset Not set up again", v.Saved, v.State)
	}
	if e := lastEntries(t, a, 1)[0]; e.Action != string(access.IntegrationRemove) || !strings.Contains(e.Detail, "1 sources disconnected") {
		t.Errorf("last activity = %+v, want integration.remove with 1 source disconnected", e)
	}

	// An integration without any secret in the keychain is removed too.
	if err := a.SaveIntegration(ctx, w.admin, IntegrationInput{ID: "dropbox", ClientID: "app-key", Port: "53682"}); err != nil {
		t.Fatal(err)
	}
	if err := a.RemoveIntegration(ctx, w.admin, "dropbox", false); err != nil {
		t.Fatalf("removing an integration without a secret: %v", err)
	}
	if v := w.view(t, "dropbox"); v.Saved {
		t.Error("Dropbox is still saved after its removal")
	}
}

// validationCase is one refused save: the fields it must name.
type validationCase struct {
	name string
	id   string // "oauth2" and "oidc" stand for a fresh custom integration of that kind
	in   IntegrationInput
	want []string
}

func TestSaveValidation(t *testing.T) {
	ctx := context.Background()
	w := newAdminWorkspace(t, nil)
	a := w.app
	srv := authtest.New(t)
	notFound := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notFound.Close)

	// A custom integration holding port 50000, for the port-taken case.
	holder, err := a.AddCustomIntegration(ctx, w.admin, "Port holder", catalog.OAuth2)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SaveIntegration(ctx, w.admin, IntegrationInput{ID: holder, Name: "Port holder", ClientID: "x",
		Port: "50000", AuthURL: "https://idp.example/auth", TokenURL: "https://idp.example/token"}); err != nil {
		t.Fatalf("save the port holder: %v", err)
	}

	custom := func(kind catalog.ID) string {
		id, err := a.AddCustomIntegration(ctx, w.admin, "Custom "+string(kind), kind)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	okOAuth2 := IntegrationInput{Name: "C", ClientID: "cid", AuthURL: "https://idp.example/a", TokenURL: "https://idp.example/t"}
	with := func(f func(*IntegrationInput)) IntegrationInput { in := okOAuth2; f(&in); return in }

	cases := []validationCase{
		{"empty client id", "google", IntegrationInput{ClientID: "  ", Secret: secret("s")}, []string{FieldClientID}},
		{"space inside client id", "google", IntegrationInput{ClientID: "123 456", Secret: secret("s")}, []string{FieldClientID}},
		{"line break inside client id", "box", IntegrationInput{ClientID: "abc\ndef", Secret: secret("s")}, []string{FieldClientID}},
		{"required secret missing", "google", IntegrationInput{ClientID: "cid", Secret: secret("  ")}, []string{FieldSecret}},
		{"box requires a secret", "box", IntegrationInput{ClientID: "cid"}, []string{FieldSecret}},
		{"exact-match port empty", "dropbox", IntegrationInput{ClientID: "key"}, []string{FieldPort}},
		{"port below range", "dropbox", IntegrationInput{ClientID: "key", Port: "1023"}, []string{FieldPort}},
		{"port above range", "dropbox", IntegrationInput{ClientID: "key", Port: "65536"}, []string{FieldPort}},
		{"port not a number", "microsoft", IntegrationInput{ClientID: "cid", Port: "80a"}, []string{FieldPort}},
		{"port of another integration", "dropbox", IntegrationInput{ClientID: "key", Port: "50000"}, []string{FieldPort}},
		{"bad scope", "microsoft", IntegrationInput{ClientID: "cid", Scopes: `User.Read "Files"`}, []string{FieldScopes}},
		{"non-ASCII scope", "microsoft", IntegrationInput{ClientID: "cid", Scopes: "Dateien.Lesen·"}, []string{FieldScopes}},
		{"bad tenant", "microsoft", IntegrationInput{ClientID: "cid", Tenant: "contoso/../x"}, []string{FieldTenant}},
		{"microsoft public client with a secret", "microsoft", IntegrationInput{ClientID: "cid", ClientType: catalog.ClientPublic, Secret: secret("s")}, []string{FieldSecret}},
		{"microsoft confidential client without one", "microsoft", IntegrationInput{ClientID: "cid", ClientType: catalog.ClientConfidential}, []string{FieldSecret}},
		{"microsoft unknown client type", "microsoft", IntegrationInput{ClientID: "cid", ClientType: "web"}, []string{FieldClientType}},
		// Resolve refuses a client type where the provider offers no choice; so does a save.
		{"client type of a provider without the choice", "google", IntegrationInput{ClientID: "cid", ClientType: catalog.ClientPublic, Secret: secret("s")}, []string{FieldClientType}},
		{"custom name empty", "oauth2", with(func(in *IntegrationInput) { in.Name = " " }), []string{FieldName}},
		{"endpoints missing", "oauth2", with(func(in *IntegrationInput) { in.AuthURL, in.TokenURL = "", "" }), []string{FieldAuthURL, FieldTokenURL}},
		{"plain http endpoint", "oauth2", with(func(in *IntegrationInput) { in.AuthURL = "http://idp.example/a" }), []string{FieldAuthURL}},
		{"authorization url with redirect_uri", "oauth2", with(func(in *IntegrationInput) { in.AuthURL = "https://idp.example/a?redirect_uri=https://evil.example/" }), []string{FieldAuthURL}},
		{"authorization url with a PKCE challenge", "oauth2", with(func(in *IntegrationInput) { in.AuthURL = "https://idp.example/a?prompt=login&Code_Challenge=abc" }), []string{FieldAuthURL}},
		{"relative endpoint", "oauth2", with(func(in *IntegrationInput) { in.TokenURL = "/token" }), []string{FieldTokenURL}},
		{"credentials in an endpoint", "oauth2", with(func(in *IntegrationInput) { in.TokenURL = "https://cid:pa55word@idp.example/t" }), []string{FieldTokenURL}},
		{"bad optional endpoints", "oauth2", with(func(in *IntegrationInput) { in.RevokeURL, in.UserinfoURL = "ftp://x/r", "me" }), []string{FieldRevokeURL, FieldUserinfoURL}},
		{"issuer missing", "oidc", IntegrationInput{Name: "C", ClientID: "cid"}, []string{FieldIssuer}},
		{"plain http issuer", "oidc", IntegrationInput{Name: "C", ClientID: "cid", Issuer: "http://idp.example"}, []string{FieldIssuer}},
		{"issuer without discovery", "oidc", IntegrationInput{Name: "C", ClientID: "cid", Issuer: notFound.URL}, []string{FieldIssuer}},
		{"every problem at once", "dropbox", IntegrationInput{ClientID: "a b", Port: "1", Scopes: `"`}, []string{FieldClientID, FieldPort, FieldScopes}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id := c.id
			if id == "oauth2" || id == "oidc" {
				id = custom(catalog.ID(id))
			}
			before, rows := w.view(t, id), countActivity(t, a)
			in := c.in
			in.ID, in.ClientID = id, shapedID(id, in.ClientID)
			if in.Secret.IsZero() && !slices.Contains(c.want, FieldSecret) {
				in.Secret = secret("never-stored-" + c.name)
			}
			err := a.SaveIntegration(ctx, w.admin, in)
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("SaveIntegration = %v, want a *ValidationError", err)
			}
			var got []string
			for f, msg := range verr.Fields {
				got = append(got, f)
				if msg == "" {
					t.Errorf("field %s has an empty message", f)
				}
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(c.want))
			if !slices.Equal(got, want) {
				t.Errorf("fields = %v, want %v (%v)", got, want, err)
			}
			if after := w.view(t, id); !after.SecretSetAt.Equal(before.SecretSetAt) || after.ClientID != before.ClientID || after.Saved != before.Saved {
				t.Errorf("a refused save changed the integration: %+v → %+v", before, after)
			}
			if got := w.stored(t, id); got != "" {
				t.Errorf("a refused save left %q in the keychain", got)
			}
			if got := countActivity(t, a); got != rows {
				t.Errorf("activity rows %d → %d after a refused save", rows, got)
			}
		})
	}

	// The same inputs, made right, are saved: the cases above fail for the reason they name.
	for _, c := range []struct {
		name string
		id   string
		in   IntegrationInput
	}{
		{"dropbox with a free port and no secret", "dropbox", IntegrationInput{ClientID: "key", Port: "53682"}},
		{"microsoft with tenant, scopes and port 1024", "microsoft", IntegrationInput{ClientID: "cid", Tenant: "contoso.onmicrosoft.com", Scopes: "offline_access, User.Read\nFiles.Read.All", Port: "1024"}},
		{"oauth2 on loopback http", "oauth2", with(func(in *IntegrationInput) {
			in.AuthURL, in.TokenURL, in.UserinfoURL = "http://127.0.0.1:9/a", "http://localhost:9/t", "https://idp.example/me"
		})},
		{"oidc with discovery", "oidc", IntegrationInput{Name: "SSO", ClientID: "cid", Issuer: " " + srv.Issuer() + " "}},
	} {
		t.Run("ok/"+c.name, func(t *testing.T) {
			id := c.id
			if id == "oauth2" || id == "oidc" {
				id = custom(catalog.ID(id))
			}
			c.in.ID, c.in.ClientID = id, shapedID(id, c.in.ClientID)
			if err := a.SaveIntegration(ctx, w.admin, c.in); err != nil {
				t.Fatalf("SaveIntegration: %v", err)
			}
		})
	}
	v := w.view(t, "microsoft")
	if !slices.Equal(v.Scopes, []string{"offline_access", "User.Read", "Files.Read.All"}) || v.Port != 1024 || v.Tenant != "contoso.onmicrosoft.com" {
		t.Errorf("microsoft saved with scopes %v, port %d, tenant %q", v.Scopes, v.Port, v.Tenant)
	}
	list, err := a.Integrations(ctx, w.admin)
	if err != nil {
		t.Fatal(err)
	}
	auth, token, revoke, userinfo, _ := srv.Endpoints()
	var oidc IntegrationView
	for _, v := range list {
		if v.Name == "SSO" {
			oidc = v
		}
	}
	if oidc.Issuer != srv.Issuer() || oidc.AuthURL != auth || oidc.TokenURL != token || oidc.RevokeURL != revoke || oidc.UserinfoURL != userinfo {
		t.Errorf("oidc saved with issuer %q and endpoints %q %q %q %q; want the trimmed issuer and its discovered endpoints",
			oidc.Issuer, oidc.AuthURL, oidc.TokenURL, oidc.RevokeURL, oidc.UserinfoURL)
	}
	d, err := a.DiscoverIssuer(ctx, w.admin, srv.Issuer())
	if err != nil || d.TokenEndpoint != token {
		t.Errorf("DiscoverIssuer = %+v, %v; want token endpoint %s", d, err, token)
	}
}

// TestSecretRules: a secret where the provider requires one (Google; a confidential
// Microsoft client), none where it must not be sent (a public Microsoft client), and the
// client type that follows. Checked without a keychain: validation comes first.
func TestSecretRules(t *testing.T) {
	w := newAdminWorkspace(t, failingKeychain())
	saved := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []struct {
		name     string
		id       catalog.ID
		typ      catalog.ClientType // as chosen in the form
		secret   string             // as typed
		was      store.Integration  // the saved row's client type and secret
		bad      string             // the field refused, "" if none
		wantType catalog.ClientType // the client type saved
	}{
		{"google without a secret", catalog.Google, "", "", store.Integration{}, FieldSecret, ""},
		{"google with a saved one", catalog.Google, "", "", store.Integration{SecretSetAt: saved}, "", ""},
		{"google with a blank one", catalog.Google, "", " \t", store.Integration{}, FieldSecret, ""},
		{"public without a secret", catalog.Microsoft, catalog.ClientPublic, "", store.Integration{}, "", catalog.ClientPublic},
		{"public with a blank one", catalog.Microsoft, catalog.ClientPublic, "  ", store.Integration{}, "", catalog.ClientPublic},
		{"public with a secret", catalog.Microsoft, catalog.ClientPublic, "s3cret", store.Integration{}, FieldSecret, ""},
		{"public over a saved secret", catalog.Microsoft, catalog.ClientPublic, "", store.Integration{ClientType: "confidential", SecretSetAt: saved}, "", catalog.ClientPublic},
		{"confidential without a secret", catalog.Microsoft, catalog.ClientConfidential, "", store.Integration{}, FieldSecret, ""},
		{"confidential with a secret", catalog.Microsoft, catalog.ClientConfidential, "s3cret", store.Integration{}, "", catalog.ClientConfidential},
		{"confidential with a saved one", catalog.Microsoft, catalog.ClientConfidential, "", store.Integration{SecretSetAt: saved}, "", catalog.ClientConfidential},
		{"public to confidential needs a secret", catalog.Microsoft, catalog.ClientConfidential, "", store.Integration{ClientType: "public"}, FieldSecret, ""},
		{"unchosen keeps the saved type", catalog.Microsoft, "", "s3cret", store.Integration{ClientType: "public"}, FieldSecret, ""},
		{"unchosen with a secret is confidential", catalog.Microsoft, "", "s3cret", store.Integration{}, "", catalog.ClientConfidential},
		{"unchosen without one is public", catalog.Microsoft, "", "", store.Integration{}, "", catalog.ClientPublic},
		{"unknown client type", catalog.Microsoft, "web", "", store.Integration{}, FieldClientType, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := catalog.Lookup(c.id)
			if err != nil {
				t.Fatal(err)
			}
			row := presetRow(p)
			row.ClientType, row.SecretSetAt = c.was.ClientType, c.was.SecretSetAt
			in := IntegrationInput{ID: row.ID, ClientID: shapedID(row.ID, "cid"), ClientType: c.typ, Secret: secret(c.secret)}
			next, _, err := w.app.checkInput(context.Background(), p, row, in, nil)
			var verr *ValidationError
			switch {
			case c.bad == "" && err != nil:
				t.Fatalf("checkInput = %v, want no problem", err)
			case c.bad != "" && (!errors.As(err, &verr) || verr.Fields[c.bad] == "" || len(verr.Fields) != 1):
				t.Fatalf("checkInput = %v, want a problem with %s alone", err, c.bad)
			case c.bad == "" && catalog.ClientType(next.ClientType) != c.wantType:
				t.Errorf("client type saved = %q, want %q", next.ClientType, c.wantType)
			}
		})
	}
}

// TestPublicClientDropsSavedSecret: switching a Microsoft integration to a public client
// removes its saved secret from the keychain, says so, and keeps it enabled; a confidential
// one without a secret is refused, and losing its secret disables it.
func TestPublicClientDropsSavedSecret(t *testing.T) {
	ctx := context.Background()
	w := newAdminWorkspace(t, nil)
	a := w.app
	ms := func(typ catalog.ClientType, secretText string) IntegrationInput {
		return IntegrationInput{ID: "microsoft", ClientID: "11112222-aaaa-bbbb-cccc-333344445555", ClientType: typ, Secret: secret(secretText)}
	}
	if v := w.view(t, "microsoft"); v.ClientType != catalog.ClientPublic || v.SecretPolicy != catalog.SecretForbidden {
		t.Errorf("unsaved Microsoft: client type %q, secret policy %v; want public, forbidden (the guide's default)", v.ClientType, v.SecretPolicy)
	}
	if err := a.SaveIntegration(ctx, w.admin, ms(catalog.ClientConfidential, "web-secret")); err != nil {
		t.Fatalf("save a confidential client: %v", err)
	}
	if err := a.SetEnabled(ctx, w.admin, "microsoft", true); err != nil {
		t.Fatal(err)
	}
	if v := w.view(t, "microsoft"); v.ClientType != catalog.ClientConfidential || v.SecretSetAt.IsZero() || w.stored(t, "microsoft") != "web-secret" {
		t.Fatalf("confidential client saved as %q, secret saved at %v; want confidential with its secret", v.ClientType, v.SecretSetAt)
	}

	w.clk.Advance(time.Minute)
	if err := a.SaveIntegration(ctx, w.admin, ms(catalog.ClientPublic, "")); err != nil {
		t.Fatalf("switch to a public client: %v", err)
	}
	v := w.view(t, "microsoft")
	if got := w.stored(t, "microsoft"); got != "" {
		t.Errorf("keychain still holds %q for a public client", got)
	}
	if v.ClientType != catalog.ClientPublic || !v.SecretSetAt.IsZero() || v.State != StateEnabled {
		t.Errorf("after switching: client type %q, secret saved at %v, state %v; want public, none, Enabled", v.ClientType, v.SecretSetAt, v.State)
	}
	if e := lastEntries(t, a, 1)[0]; !strings.Contains(e.Detail, "public client") || !strings.Contains(e.Detail, "client secret removed") {
		t.Errorf("last activity = %+v, want the switch and the removed secret", e)
	}

	// Back to confidential: refused without a secret, nothing changed.
	var verr *ValidationError
	if err := a.SaveIntegration(ctx, w.admin, ms(catalog.ClientConfidential, "")); !errors.As(err, &verr) || verr.Fields[FieldSecret] == "" {
		t.Errorf("confidential without a secret: %v, want a problem with %s", err, FieldSecret)
	}
	if v := w.view(t, "microsoft"); v.ClientType != catalog.ClientPublic {
		t.Errorf("a refused save changed the client type to %q", v.ClientType)
	}
	if err := a.SaveIntegration(ctx, w.admin, ms(catalog.ClientConfidential, "web-secret-2")); err != nil {
		t.Fatal(err)
	}
	if err := a.RemoveSecret(ctx, w.admin, "microsoft"); err != nil {
		t.Fatal(err)
	}
	if v := w.view(t, "microsoft"); v.State != StateSecretMissing || v.Enabled {
		t.Errorf("confidential client without its secret: state %v, enabled %v; want Secret missing, disabled", v.State, v.Enabled)
	}
}

// TestSaveRestoresSecretWhenDatabaseFails makes the database refuse the write with a trigger:
// the keychain must then hold what it held before.
func TestSaveRestoresSecretWhenDatabaseFails(t *testing.T) {
	ctx := context.Background()
	w := newAdminWorkspace(t, nil)
	a := w.app
	if err := a.SaveIntegration(ctx, w.admin, googleInput("cid", "first-secret")); err != nil {
		t.Fatal(err)
	}
	before, rows := w.view(t, "google"), countActivity(t, a)
	for _, sql := range []string{
		`CREATE TRIGGER refuse_update BEFORE UPDATE ON integrations BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
		`CREATE TRIGGER refuse_insert BEFORE INSERT ON integrations BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
	} {
		if _, err := a.db.ExecContext(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	w.clk.Advance(10 * time.Minute)

	// Replacing: the previous secret comes back.
	err := a.SaveIntegration(ctx, w.admin, googleInput("cid", "second-secret"))
	if err == nil || !strings.Contains(err.Error(), "injected failure") {
		t.Fatalf("save with the database refusing = %v, want the injected failure", err)
	}
	if got := w.stored(t, "google"); got != "first-secret" {
		t.Errorf("keychain after the failed replace holds %q, want first-secret", got)
	}
	if after := w.view(t, "google"); !after.SecretSetAt.Equal(before.SecretSetAt) {
		t.Errorf("secret saved at %v → %v after a failed save", before.SecretSetAt, after.SecretSetAt)
	}

	// A first save: the keychain has no entry again.
	if err := a.SaveIntegration(ctx, w.admin, IntegrationInput{ID: "box", ClientID: "cid", Secret: secret("box-secret")}); err == nil {
		t.Fatal("first save with the database refusing succeeded")
	}
	if got := w.stored(t, "box"); got != "" {
		t.Errorf("keychain after the failed first save holds %q, want no entry", got)
	}

	// Removing the secret: it comes back.
	if err := a.RemoveSecret(ctx, w.admin, "google"); err == nil {
		t.Fatal("RemoveSecret with the database refusing succeeded")
	}
	if got := w.stored(t, "google"); got != "first-secret" {
		t.Errorf("keychain after the failed RemoveSecret holds %q, want first-secret", got)
	}
	if got := countActivity(t, a); got != rows {
		t.Errorf("activity rows %d → %d after failed changes", rows, got)
	}
}

// unreachableBackend is a keychain whose D-Bus connection fails, as when the session bus is
// gone.
type unreachableBackend struct{}

var errDial = &net.OpError{Op: "dial", Net: "unix", Err: os.ErrNotExist}

func (unreachableBackend) Set(string, string, string) error   { return errDial }
func (unreachableBackend) Get(string, string) (string, error) { return "", errDial }
func (unreachableBackend) Delete(string, string) error        { return errDial }

// failingKeychain is a vault whose every call fails as an unreachable keychain does.
func failingKeychain() *vault.Vault {
	return vault.New("dead", vault.Config{Backend: unreachableBackend{}})
}

func (w *adminWorkspace) rows(t *testing.T) []store.Integration {
	t.Helper()
	r, err := store.Integrations(context.Background(), w.app.db)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSaveStopsWhenKeychainUnavailable(t *testing.T) {
	ctx := context.Background()
	w := newAdminWorkspace(t, failingKeychain())
	a := w.app
	rows := countActivity(t, a)
	err := a.SaveIntegration(ctx, w.admin, googleInput("cid", "a-secret"))
	if !errors.Is(err, vault.ErrUnavailable) {
		t.Fatalf("save with the keychain down = %v, want vault.ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "D-Bus session bus") {
		t.Errorf("error %q does not say how to fix it", err)
	}
	if r := w.rows(t); len(r) != 0 {
		t.Errorf("integrations after the refused save: %+v, want none", r)
	}
	if got := countActivity(t, a); got != rows {
		t.Errorf("activity rows %d → %d after the refused save", rows, got)
	}
}

func TestSecretNeverReachesDatabaseOrLog(t *testing.T) {
	ctx := context.Background()
	w := newAdminWorkspace(t, nil)
	a := w.app
	secrets := []string{"S1-e8f0c3a6d21b4f", "S2-9a7b6c5d4e3f2a", "S3-0f1e2d3c4b5a69"}
	if err := a.SaveIntegration(ctx, w.admin, googleInput("cid", secrets[0])); err != nil {
		t.Fatal(err)
	}
	if err := a.SaveIntegration(ctx, w.admin, googleInput("cid", secrets[1])); err != nil {
		t.Fatal(err)
	}
	in := googleInput("cid", secrets[2])
	in.Port = "1"
	if err := a.SaveIntegration(ctx, w.admin, in); err == nil {
		t.Fatal("a save with a bad port succeeded")
	}
	if err := a.RemoveSecret(ctx, w.admin, "google"); err != nil {
		t.Fatal(err)
	}
	if n := countActivity(t, a); n < 5 {
		t.Fatalf("only %d activity rows: the log under test is empty", n)
	}
	files := []string{DBFile, DBFile + "-wal", LogFile}
	for _, name := range files {
		data, err := os.ReadFile(filepath.Join(w.home, name))
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		if len(data) == 0 {
			t.Errorf("%s is empty: nothing to search", name)
		}
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains the secret %s", name, s)
			}
		}
	}
	log, _ := os.ReadFile(filepath.Join(w.home, LogFile))
	if !bytes.Contains(log, []byte("client secret replaced")) {
		t.Errorf("the log lacks the replacement entry; log:\n%s", log)
	}
}

func TestIntegrationUseCasesNeedAdmin(t *testing.T) {
	ctx := context.Background()
	w := newAdminWorkspace(t, failingKeychain())
	a := w.app
	calls := map[string]func(s *access.Session) error{
		"list":     func(s *access.Session) error { _, err := a.Integrations(ctx, s); return err },
		"view":     func(s *access.Session) error { _, err := a.Integration(ctx, s, "google"); return err },
		"save":     func(s *access.Session) error { return a.SaveIntegration(ctx, s, googleInput("cid", "s")) },
		"secret":   func(s *access.Session) error { return a.RemoveSecret(ctx, s, "google") },
		"enable":   func(s *access.Session) error { return a.SetEnabled(ctx, s, "google", true) },
		"add":      func(s *access.Session) error { _, err := a.AddCustomIntegration(ctx, s, "x", catalog.OIDC); return err },
		"remove":   func(s *access.Session) error { return a.RemoveIntegration(ctx, s, "google", true) },
		"discover": func(s *access.Session) error { _, err := a.DiscoverIssuer(ctx, s, "https://idp.example"); return err },
		"test auth": func(s *access.Session) error {
			_, err := a.TestAuthorization(ctx, s, "google", FlowHooks{})
			return err
		},
	}
	for name, call := range calls {
		rows := countActivity(t, a)
		if err := call(w.writer); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("%s as a writer: %v, want ErrForbidden", name, err)
		}
		if got := countActivity(t, a); got != rows+1 {
			t.Errorf("%s as a writer: %d new activity rows, want 1 denied", name, got-rows)
		}
	}
	if r := w.rows(t); len(r) != 0 {
		t.Errorf("refused calls left integrations %+v", r)
	}
}

func TestTestAuthorization(t *testing.T) {
	ctx := context.Background()
	w := newAdminWorkspace(t, nil)
	a := w.app
	srv := authtest.New(t)
	srv.AddClient(authtest.Client{ID: "medialake", Secret: "right-secret", RedirectURIs: []string{"http://127.0.0.1/callback"}})
	id, err := a.AddCustomIntegration(ctx, w.admin, "Test IdP", catalog.OIDC)
	if err != nil {
		t.Fatal(err)
	}
	save := func(secretText string) {
		t.Helper()
		err := a.SaveIntegration(ctx, w.admin, IntegrationInput{ID: id, Name: "Test IdP", ClientID: "medialake",
			Secret: secret(secretText), Issuer: srv.Issuer()})
		if err != nil {
			t.Fatal(err)
		}
	}
	steps := func(r TestReport) string {
		var names []string
		for _, s := range r.Steps {
			names = append(names, s.Step.String())
		}
		return strings.Join(names, ", ")
	}

	if _, err := a.TestAuthorization(ctx, w.admin, id, FlowHooks{}); !errors.Is(err, ErrCredentialsMissing) {
		t.Errorf("testing an integration without a client id: %v, want ErrCredentialsMissing", err)
	}

	save("right-secret")
	b := testkit.NewBrowser(t, srv)
	var live []FlowStep
	report, err := a.TestAuthorization(ctx, w.admin, id, FlowHooks{OpenURL: b.Open, Progress: func(ev FlowEvent) { live = append(live, ev.Step) }})
	b.Wait()
	if err != nil || !report.OK {
		t.Fatalf("TestAuthorization = %+v, %v; want success", report, err)
	}
	want := "listening, browser opened, callback received, code exchanged, account identified"
	if got := steps(report); got != want {
		t.Errorf("steps = %s, want %s", got, want)
	}
	if len(live) != len(report.Steps) {
		t.Errorf("Progress saw %d steps, the report has %d", len(live), len(report.Steps))
	}
	if report.Account != authtest.DefaultUser.Email {
		t.Errorf("account = %q, want %q", report.Account, authtest.DefaultUser.Email)
	}
	if e := lastEntries(t, a, 1)[0]; e.Action != string(access.IntegrationTest) || e.Outcome != store.OutcomeOK {
		t.Errorf("last activity = %+v, want an ok integration.test", e)
	}

	save("wrong-secret")
	b = testkit.NewBrowser(t, srv)
	report, err = a.TestAuthorization(ctx, w.admin, id, FlowHooks{OpenURL: b.Open})
	b.Wait()
	if err == nil || report.OK {
		t.Fatalf("TestAuthorization with a wrong secret = %+v, %v; want a failure", report, err)
	}
	if !strings.Contains(report.Problem, "invalid_client") || ReasonOf(err) != ReasonBadClient || report.RedirectURI == "" {
		t.Errorf("problem %q, reason %d, redirect URI %q; want invalid_client, a refused client and the URI to register",
			report.Problem, ReasonOf(err), report.RedirectURI)
	}
	if got, want := steps(report), "listening, browser opened, callback received, failed"; got != want {
		t.Errorf("steps = %s, want %s", got, want)
	}
	if e := lastEntries(t, a, 1)[0]; e.Outcome != store.OutcomeFailed || strings.Contains(e.Detail, "wrong-secret") {
		t.Errorf("last activity = %+v, want a failed integration.test without the secret", e)
	}

	sources, err := store.Sources(ctx, a.db, store.SourceFilter{})
	if err != nil || len(sources) != 0 {
		t.Errorf("sources after two tests: %v, %v; want none", sources, err)
	}
}

// TestRemoveIntegrationRevokesSources: removing an integration whose source holds a real
// token is refused until confirmed; confirmed, the token is revoked at the authorization
// server and the source is gone.
func TestRemoveIntegrationRevokesSources(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc", atServer: "s3cret", sent: "s3cret"})
	src := tm.connect(t, tm.writer, "idp")
	tok := tm.token(t, src.ID)

	if err := tm.app.RemoveIntegration(ctx, tm.admin, "idp", false); !errors.Is(err, ErrIntegrationInUse) {
		t.Fatalf("unconfirmed removal = %v, want ErrIntegrationInUse", err)
	}
	if n, rows := tm.srv.RevokeRequests(), len(tm.rows(t)); n != 0 || rows != 1 {
		t.Errorf("after the unconfirmed removal: %d revocation requests, %d sources; want 0, 1", n, rows)
	}
	if err := tm.app.RemoveIntegration(ctx, tm.admin, "idp", true); err != nil {
		t.Fatalf("confirmed removal: %v", err)
	}
	if n := tm.srv.RevokeRequests(); n != 1 {
		t.Errorf("revocation requests = %d, want 1", n)
	}
	if rows, keys := len(tm.rows(t)), tm.sourceKeys(t); rows != 0 || len(keys) != 0 {
		t.Errorf("after removal: %d sources, keychain %v; want none", rows, keys)
	}
	auth, token, _, _, _ := tm.srv.Endpoints()
	cfg := &oauth2.Config{ClientID: "idp", ClientSecret: "s3cret", Endpoint: oauth2.Endpoint{AuthURL: auth, TokenURL: token, AuthStyle: oauth2.AuthStyleInHeader}}
	var re *oauth2.RetrieveError
	if _, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); !errors.As(err, &re) {
		t.Errorf("refresh with the revoked refresh token = %v, want the server to refuse it", err)
	}
	if _, err := tm.app.Integration(ctx, tm.admin, "idp"); !errors.Is(err, ErrUnknownIntegration) {
		t.Errorf("the removed integration: %v, want ErrUnknownIntegration", err)
	}
	if e := tm.lastEntry(t); e.Action != string(access.IntegrationRemove) || !strings.Contains(e.Detail, "1 sources disconnected") {
		t.Errorf("last activity = %+v, want integration.remove with 1 source disconnected", e)
	}
}

// gatedKeychain is a keychain in memory whose Set of one value waits until released, so a
// test can hold one save in the middle of its keychain-then-database write.
type gatedKeychain struct {
	mu      sync.Mutex
	entries map[string]redact.Secret
	gate    string        // the value whose Set waits
	inSet   chan struct{} // closed when the gated Set has begun
	release chan struct{} // close to let it finish
	calls   chan string   // every call but the gated Set, as "get", "set" or "delete"
}

func (k *gatedKeychain) Get(_ context.Context, key string) (redact.Secret, error) {
	k.calls <- "get"
	k.mu.Lock()
	defer k.mu.Unlock()
	s, ok := k.entries[key]
	if !ok {
		return redact.Secret{}, vault.ErrNotFound
	}
	return s, nil
}

func (k *gatedKeychain) Set(_ context.Context, key string, s redact.Secret) error {
	if s.Reveal() == k.gate {
		close(k.inSet)
		<-k.release
	} else {
		k.calls <- "set"
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.entries[key] = s
	return nil
}

func (k *gatedKeychain) Delete(_ context.Context, key string) error {
	k.calls <- "delete"
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.entries, key)
	return nil
}

// TestConcurrentSavesOfOneIntegrationTakeTurns: while one admin's save is between the
// keychain and the database, another admin's save of the same integration waits before it
// touches the keychain; a save of another integration does not wait.
func TestConcurrentSavesOfOneIntegrationTakeTurns(t *testing.T) {
	ctx := context.Background()
	k := &gatedKeychain{entries: map[string]redact.Secret{}, gate: "first-secret",
		inSet: make(chan struct{}), release: make(chan struct{}), calls: make(chan string, 100)}
	w := newAdminWorkspace(t, k)
	a := w.app
	waiting := make(chan string, 1)
	a.locks.OnWait(func(name string) { waiting <- name })
	if _, err := a.AddUser(ctx, w.admin, "ada", access.Admin, secret(adminPass), secret(adminPass)); err != nil {
		t.Fatal(err)
	}
	ada, err := a.SignIn(ctx, "ada", secret(adminPass))
	if err != nil {
		t.Fatal(err)
	}

	done := make(chan error, 2)
	go func() { done <- a.SaveIntegration(ctx, w.admin, googleInput("cid", "first-secret")) }()
	<-k.inSet
	if got := <-k.calls; got != "get" { // the first save's read of the previous secret
		t.Fatalf("first keychain call = %s, want get", got)
	}
	go func() { done <- a.SaveIntegration(ctx, ada, googleInput("cid", "second-secret")) }()
	select {
	case name := <-waiting:
		if want := googleLock; name != want {
			t.Errorf("a save waited for %q, want %s (google's)", name, want)
		}
	case call := <-k.calls:
		t.Fatalf("the second save called the keychain (%s) while the first one was writing", call)
	}
	// Another integration is not held up.
	if err := a.SaveIntegration(ctx, w.admin, IntegrationInput{ID: "box", ClientID: "box-id", Secret: secret("box-secret")}); err != nil {
		t.Fatalf("save of another integration meanwhile: %v", err)
	}
	close(k.release)
	for range 2 {
		if err := <-done; err != nil {
			t.Errorf("SaveIntegration: %v", err)
		}
	}
	k.mu.Lock()
	got := k.entries[vault.IntegrationSecretKey("google")].Reveal()
	k.mu.Unlock()
	if v := w.view(t, "google"); got != "second-secret" || v.SecretSetBy != "ada" {
		t.Errorf("keychain holds %q, saved by %q; want the second save's secret and admin", got, v.SecretSetBy)
	}
}

// microsoftAtServer is an HTTP client that sends Microsoft's token and Graph "me" calls to
// the test server; Graph's answer names the account with id and mail, so the server's
// userinfo answer is renamed to match.
func microsoftAtServer(t *testing.T, srv *authtest.Server) *http.Client {
	base, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return egress.New(egress.Config{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		var path string
		switch {
		case r.URL.Host == "login.microsoftonline.com" && strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token"):
			path = authtest.TokenPath
		case r.URL.Host == "graph.microsoft.com" && r.URL.Path == "/v1.0/me":
			path = authtest.UserinfoPath
		default:
			return nil, fmt.Errorf("unexpected request to %s", r.URL.Redacted())
		}
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.URL.Path, r.Host = "http", base.Host, path, ""
		resp, err := tr.RoundTrip(r)
		if err != nil || path != authtest.UserinfoPath || resp.StatusCode != http.StatusOK {
			return resp, err
		}
		defer resp.Body.Close()
		var info map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&info); err != nil {
			return nil, err
		}
		body, _ := json.Marshal(map[string]any{"id": info["sub"], "mail": info["email"]})
		resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		resp.Header.Del("Content-Length")
		return resp, nil
	})})
}

// msBrowser plays the browser for Microsoft: it sends the authorization request to the test
// server instead of login.microsoftonline.com and follows the redirect back.
func msBrowser(t *testing.T, srv *authtest.Server, wg *sync.WaitGroup) func(string) error {
	return presetBrowser(t, srv, "login.microsoftonline.com", wg)
}

// freePort is a loopback port nothing listens on at the moment.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestTestAuthorizationMicrosoftPublicClient runs the test authorization of a Microsoft
// integration registered as a public client (the server refuses any secret from it): it
// succeeds with no secret sent. Saved as confidential with a secret, the same registration
// fails as a refused client, whose advice in the front ends names the public registration.
func TestTestAuthorizationMicrosoftPublicClient(t *testing.T) {
	ctx := context.Background()
	srv := authtest.New(t)
	w := openAdminWorkspace(t, Config{HTTPClient: microsoftAtServer(t, srv)})
	a := w.app
	// authtest matches any port only for an IP literal; Microsoft's redirect host is
	// localhost, so the integration pins a port and registers it.
	port := freePort(t)
	srv.AddClient(authtest.Client{ID: "11112222-aaaa-bbbb-cccc-333344445555", RedirectURIs: []string{fmt.Sprintf("http://localhost:%d/callback", port)}})
	save := func(typ catalog.ClientType, secretText string) {
		t.Helper()
		err := a.SaveIntegration(ctx, w.admin, IntegrationInput{ID: "microsoft", ClientID: "11112222-aaaa-bbbb-cccc-333344445555", ClientType: typ,
			Secret: secret(secretText), Port: strconv.Itoa(port)})
		if err != nil {
			t.Fatal(err)
		}
	}

	save(catalog.ClientPublic, "")
	var wg sync.WaitGroup
	report, err := a.TestAuthorization(ctx, w.admin, "microsoft", FlowHooks{OpenURL: msBrowser(t, srv, &wg)})
	wg.Wait()
	if err != nil || !report.OK || report.Account != authtest.DefaultUser.Email {
		t.Fatalf("TestAuthorization of a public client = %+v, %v; want success as %s", report, err, authtest.DefaultUser.Email)
	}
	if n := srv.TokenRequests(); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}

	save(catalog.ClientConfidential, "a-web-secret")
	report, err = a.TestAuthorization(ctx, w.admin, "microsoft", FlowHooks{OpenURL: msBrowser(t, srv, &wg)})
	wg.Wait()
	if err == nil || report.OK {
		t.Fatalf("TestAuthorization sending a secret for a public registration = %+v, %v; want a failure", report, err)
	}
	if !strings.Contains(report.Problem, "invalid_client") || ReasonOf(err) != ReasonBadClient {
		t.Errorf("problem %q, reason %d; want invalid_client and a refused client, whose advice names the public registration",
			report.Problem, ReasonOf(err))
	}
	if sources, err := store.Sources(ctx, a.db, store.SourceFilter{}); err != nil || len(sources) != 0 {
		t.Errorf("sources after the tests: %v, %v; want none", sources, err)
	}
}

// TestPublicClientSendsNoPlantedSecret: a Microsoft public client never sends a client
// secret, whatever the keychain holds. With an entry planted under the integration's key,
// the test authorization, a connection and a refresh all succeed at a server that refuses
// any secret from the client.
func TestPublicClientSendsNoPlantedSecret(t *testing.T) {
	ctx := context.Background()
	srv := authtest.New(t)
	w := openAdminWorkspace(t, Config{HTTPClient: microsoftAtServer(t, srv)})
	a := w.app
	port := freePort(t)
	srv.AddClient(authtest.Client{ID: "11112222-aaaa-bbbb-cccc-333344445555", RedirectURIs: []string{fmt.Sprintf("http://localhost:%d/callback", port)}})
	err := a.SaveIntegration(ctx, w.admin, IntegrationInput{ID: "microsoft", ClientID: "11112222-aaaa-bbbb-cccc-333344445555",
		ClientType: catalog.ClientPublic, Port: strconv.Itoa(port)})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetEnabled(ctx, w.admin, "microsoft", true); err != nil {
		t.Fatal(err)
	}
	if err := w.vault.Set(ctx, vault.IntegrationSecretKey("microsoft"), secret("planted-secret")); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	report, err := a.TestAuthorization(ctx, w.admin, "microsoft", FlowHooks{OpenURL: msBrowser(t, srv, &wg)})
	wg.Wait()
	if err != nil || !report.OK {
		t.Fatalf("TestAuthorization with a planted secret = %+v, %v; want success, no secret sent", report, err)
	}
	src, err := a.Connect(ctx, w.writer, "microsoft", FlowHooks{OpenURL: msBrowser(t, srv, &wg)})
	wg.Wait()
	if err != nil || src.Account != authtest.DefaultUser.Email {
		t.Fatalf("Connect with a planted secret = %+v, %v; want %s connected", src, err, authtest.DefaultUser.Email)
	}
	before := srv.TokenRequests()
	if _, err := a.Refresh(ctx, w.writer, src.ID); err != nil {
		t.Fatalf("Refresh with a planted secret: %v", err)
	}
	if got := srv.TokenRequests() - before; got != 1 {
		t.Errorf("token requests of the refresh = %d, want 1", got)
	}
}

// TestViewAsksTheSaveRules: a front end starts its form from IntegrationView.Input, which
// saves the integration unchanged, and learns from the view what the save will do with the
// secret for the client type chosen, so it restates no rule of its own.
func TestViewAsksTheSaveRules(t *testing.T) {
	ctx := context.Background()
	w := newAdminWorkspace(t, nil)
	a := w.app
	if err := a.SaveIntegration(ctx, w.admin, IntegrationInput{ID: "microsoft", ClientID: "11112222-aaaa-bbbb-cccc-333344445555",
		ClientType: catalog.ClientConfidential, Secret: secret("web-secret"), Tenant: "contoso.com", Scopes: "User.Read offline_access"}); err != nil {
		t.Fatal(err)
	}
	if err := a.SaveIntegration(ctx, w.admin, IntegrationInput{ID: "dropbox", ClientID: "key", Port: "53682"}); err != nil {
		t.Fatal(err)
	}
	ms := w.view(t, "microsoft")
	for _, c := range []struct {
		typ    catalog.ClientType
		policy catalog.SecretPolicy
		drops  bool
	}{
		{"", catalog.SecretRequired, false},
		{catalog.ClientConfidential, catalog.SecretRequired, false},
		{catalog.ClientPublic, catalog.SecretForbidden, true},
	} {
		if got := ms.SecretPolicyFor(c.typ); got != c.policy {
			t.Errorf("SecretPolicyFor(%q) = %v, want %v", c.typ, got, c.policy)
		}
		if got := ms.DropsSecret(c.typ); got != c.drops {
			t.Errorf("DropsSecret(%q) = %v, want %v", c.typ, got, c.drops)
		}
	}
	if w.view(t, "google").DropsSecret(catalog.ClientPublic) {
		t.Error("Google drops a secret it has not got")
	}

	for _, id := range []string{"microsoft", "dropbox", "box"} {
		before := w.view(t, id)
		if err := a.SaveIntegration(ctx, w.admin, before.Input()); err != nil && before.Saved {
			t.Fatalf("save %s's Input: %v", id, err)
		}
		if !before.Saved {
			continue // Box needs a secret: its unsaved Input is refused, and nothing changes
		}
		if e := lastEntries(t, a, 1)[0]; e.Detail != "no change" {
			t.Errorf("saving %s's Input changed %q", id, e.Detail)
		}
		after := w.view(t, id)
		if !reflect.DeepEqual(after, before) {
			t.Errorf("saving %s's Input: %+v → %+v", id, before, after)
		}
	}
	if got := w.stored(t, "microsoft"); got != "web-secret" {
		t.Errorf("keychain holds %q after saving the Input, want the secret kept", got)
	}
}
