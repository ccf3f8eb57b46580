package core

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/medialake/connect/core/catalog"
)

const msClientID = "11112222-aaaa-bbbb-cccc-333344445555"

// Entra's new registration allows its own directory only, and such an app signed in at
// common fails (AADSTS50194). The admin answers which account types the registration
// allows; the answer sets the tenant, and a single tenant must name its directory.
func TestMicrosoftTenantFromAccountTypes(t *testing.T) {
	ctx := context.Background()
	w := newAdminWorkspace(t, nil)
	save := func(accountTypes, tenant string) error {
		return w.app.SaveIntegration(ctx, w.admin, IntegrationInput{ID: "microsoft", ClientID: msClientID,
			ClientType: catalog.ClientPublic, AccountType: accountTypes, Tenant: tenant})
	}
	var invalid *ValidationError
	for _, tenant := range []string{"", "common"} {
		if err := save("single", tenant); !errors.As(err, &invalid) || !strings.Contains(invalid.Fields[FieldTenant], "Directory (tenant) ID") {
			t.Errorf("single tenant with tenant %q: %v; want the directory's ID asked for", tenant, err)
		}
	}
	if err := save("everyone", ""); !errors.As(err, &invalid) || !strings.Contains(invalid.Fields[FieldAccountType], "multi-and-personal") {
		t.Errorf("unknown account types: %v; want the choices named", err)
	}
	for _, c := range []struct{ types, typed, tenant string }{
		{"multi", "", "organizations"},
		{"multi-and-personal", "consumers", "common"}, // the answer wins over a tenant left typed
		{"personal", "", "consumers"},
		{"single", "contoso.onmicrosoft.com", "contoso.onmicrosoft.com"},
	} {
		if err := save(c.types, c.typed); err != nil {
			t.Fatalf("save %s: %v", c.types, err)
		}
		if v := w.view(t, "microsoft"); v.Tenant != c.tenant || v.AccountType != c.types {
			t.Errorf("%s: tenant %q, account types %q; want %q and %q", c.types, v.Tenant, v.AccountType, c.tenant, c.types)
		}
	}
}

// Microsoft's refusals that a tenant or a client ID cause have advice of their own, found by
// their AADSTS code in the description, wherever Microsoft sends them.
func TestMicrosoftRefusalsHaveTheirReasons(t *testing.T) {
	for _, c := range []struct {
		err  error
		want Reason
	}{
		{&ProviderError{Code: "invalid_request", Description: "AADSTS50194: Application 'x' is not configured as a multi-tenant application."}, ReasonSingleTenant},
		{&ExchangeError{Code: "unauthorized_client", Description: "AADSTS700016: Application with identifier 'x' was not found in the directory 'y'."}, ReasonAppNotInTenant},
		{&ProviderError{Code: "invalid_request", Description: "AADSTS90014: a field is missing."}, ReasonProviderRefused},
	} {
		if got := ReasonOf(c.err); got != c.want {
			t.Errorf("ReasonOf(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}
