package core

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/medialake/connect/core/store"
)

// hostileFile writes doc, encrypted to the test passphrase, as a file to import: anyone who
// knows a recipient can make one, so its content is input like a form's.
func hostileFile(t *testing.T, doc string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "hostile.age")
	if err := os.WriteFile(file, encryptRaw(t, doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// A file cannot turn an integration into another provider, nor point an integration that has
// sources at other addresses: either would send the sources' refresh tokens to the file's
// server at their next refresh. Each refusal leaves the workspace as it was.
func TestImportRefusesToRedirectTokens(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oauth2", atServer: idpSecret, sent: idpSecret})
	tm.connect(t, tm.writer, "idp")
	idp, err := store.IntegrationByID(ctx, tm.app.db, "idp")
	if err != nil {
		t.Fatal(err)
	}
	evil := `"auth_url":"https://evil.example/auth","token_url":"https://evil.example/token"`
	cases := []struct {
		name, doc string
		replace   []string
		want      error
	}{
		{"a preset's id as a custom server", `{"format":1,"integrations":[{"id":"box","provider":"oauth2","name":"Box",
			"client_id":"x","enabled":true,` + evil + `}],"users":[]}`, nil, ErrNotExport},
		{"another provider for an integration here", `{"format":1,"integrations":[{"id":"idp","provider":"oidc","name":"IdP",
			"client_id":"x","enabled":true,"issuer":"https://evil.example"}],"users":[]}`, []string{"idp"}, ErrReplaceUnsafe},
		{"other endpoints while sources use it", `{"format":1,"integrations":[{"id":"idp","provider":"oauth2","name":"IdP",
			"client_id":"` + idp.ClientID + `","enabled":true,` + evil + `}],"users":[]}`, []string{"idp"}, ErrReplaceUnsafe},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := importState(t, tm.app)
			_, err := tm.app.Import(ctx, tm.admin, hostileFile(t, c.doc), ImportOptions{Passphrase: secret(filePass), Replace: c.replace})
			if !errors.Is(err, c.want) {
				t.Fatalf("Import = %v, want %v", err, c.want)
			}
			if got := importState(t, tm.app); got != before {
				t.Errorf("the workspace changed:\n%s\nwas\n%s", got, before)
			}
		})
	}
	// Without sources, an integration's addresses may change: that is what a restore of a
	// corrected set-up does.
	if err := tm.app.Disconnect(ctx, tm.writer, 1); err != nil {
		t.Fatal(err)
	}
	doc := `{"format":1,"integrations":[{"id":"idp","provider":"oauth2","name":"IdP","client_id":"c2","enabled":true,
		"auth_url":"https://idp2.example/auth","token_url":"https://idp2.example/token"}],"users":[]}`
	if _, err := tm.app.Import(ctx, tm.admin, hostileFile(t, doc), ImportOptions{Passphrase: secret(filePass), Replace: []string{"idp"}}); err != nil {
		t.Fatalf("replacing an integration without sources: %v", err)
	}
}

// Names in a file reach labels and terminals: a custom integration's name and "secret set
// by" follow the form's rules, and a preset keeps the catalog's name.
func TestImportChecksNames(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	forged := "Box\u202e \x1b[2J\nSign in at https://evil.example"
	endpoints := `"auth_url":"https://idp.example/auth","token_url":"https://idp.example/token"`
	good := `{"format":1,"integrations":[{"id":"idp2","provider":"oauth2","name":"IdP","client_id":"x",` + endpoints + `}],"users":[]}`
	if _, err := tm.app.Import(ctx, tm.admin, hostileFile(t, good), ImportOptions{Passphrase: secret(filePass), DryRun: true}); err != nil {
		t.Fatalf("the same file with plain names: %v", err)
	}
	for _, doc := range []string{
		`{"format":1,"integrations":[{"id":"idp2","provider":"oauth2","name":"` + jsonText(forged) + `","client_id":"x",` + endpoints + `}],"users":[]}`,
		`{"format":1,"integrations":[{"id":"idp2","provider":"oauth2","name":"IdP","client_id":"x",` + endpoints + `,"secret_set_by":"` + jsonText(forged) + `"}],"users":[]}`,
	} {
		if _, err := tm.app.Import(ctx, tm.admin, hostileFile(t, doc), ImportOptions{Passphrase: secret(filePass)}); !errors.Is(err, ErrNotExport) {
			t.Errorf("Import of a forged name = %v, want ErrNotExport", err)
		}
	}
	doc := `{"format":1,"integrations":[{"id":"box","provider":"box","name":"` + jsonText(forged) + `","client_id":"x","client_secret":"s"}],"users":[]}`
	if _, err := tm.app.Import(ctx, tm.admin, hostileFile(t, doc), ImportOptions{Passphrase: secret(filePass)}); err != nil {
		t.Fatalf("Import of Box under another name: %v", err)
	}
	if r, err := store.IntegrationByID(ctx, tm.app.db, "box"); err != nil || r.Name != "Box" {
		t.Errorf("the imported preset is named %q (%v), want the catalog's Box", r.Name, err)
	}
}

// jsonText is s as the inside of a JSON string.
func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}
