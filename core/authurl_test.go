package core

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/medialake/connect/core/catalog"
)

// TestAuthURLWithReservedParameterRefused: a custom OAuth 2.0 authorization URL may carry the
// provider's own parameters, never one the app sets itself; the field's message names it.
func TestAuthURLWithReservedParameterRefused(t *testing.T) {
	ctx := context.Background()
	w := newAdminWorkspace(t, nil)
	id, err := w.app.AddCustomIntegration(ctx, w.admin, "Custom", catalog.OAuth2)
	if err != nil {
		t.Fatal(err)
	}
	in := IntegrationInput{ID: id, Name: "Custom", ClientID: "cid", Secret: secret("s"), TokenURL: "https://idp.example/t"}
	for _, name := range catalog.ReservedAuthParams {
		in.AuthURL = "https://idp.example/authorize?audience=api&" + name + "=x"
		err := w.app.SaveIntegration(ctx, w.admin, in)
		var verr *ValidationError
		if !errors.As(err, &verr) || !strings.Contains(verr.Fields[FieldAuthURL], name) || !strings.Contains(verr.Fields[FieldAuthURL], "Remove") {
			t.Errorf("authorization URL with %s: got %v, want a field error on %s saying to remove %s", name, err, FieldAuthURL, name)
		}
	}
	in.AuthURL = "https://idp.example/authorize?audience=api&prompt=consent"
	if err := w.app.SaveIntegration(ctx, w.admin, in); err != nil {
		t.Errorf("authorization URL with the provider's own parameters: %v", err)
	}
}
