package catalog

import (
	"regexp"
	"slices"
	"strings"
)

// What an admin reads in a provider's console about the app: the shape of its client ID,
// Google's publishing status, Microsoft's supported account types.

// PublishingStatus is an app's publishing status at a provider that has one (Google).
type PublishingStatus string

const (
	// PublishingTesting: only listed test users can sign in, and each refresh token ends
	// Provider.TestingLifetime after it was issued, however often it is used.
	PublishingTesting PublishingStatus = "testing"
	// PublishingInProduction: anyone may sign in, and refresh tokens live on while used.
	PublishingInProduction PublishingStatus = "in-production"
)

// AccountType is one answer of a registration's "Supported account types" (Microsoft Entra)
// and the tenant that a sign-in must use with it.
type AccountType struct {
	// Key names it on the command line; Label in short, as the console's words begin.
	Key, Label string
	// Tenant is the tenant it implies; "" for a single-tenant registration, which signs in
	// at its own directory (its ID or domain, typed in).
	Tenant string
}

// The tenants Microsoft names by a word rather than a directory.
const (
	TenantCommon        = "common"
	TenantOrganizations = "organizations"
	TenantConsumers     = "consumers"
)

// AccountTypeOf is the key of the account type that the saved tenant answers: "" while
// none was chosen (tenant ""), the single-tenant one for a directory.
func (p Provider) AccountTypeOf(tenant string) string {
	if tenant == "" {
		return ""
	}
	for _, at := range p.AccountTypes {
		if strings.EqualFold(at.Tenant, tenant) || (at.Tenant == "" && !namedTenant(tenant)) {
			return at.Key
		}
	}
	return ""
}

// namedTenant reports whether tenant is one of the words for many directories.
func namedTenant(tenant string) bool {
	return slices.ContainsFunc([]string{TenantCommon, TenantOrganizations, TenantConsumers},
		func(w string) bool { return strings.EqualFold(w, tenant) })
}

// ClientIDShape is the shape of a provider's client ids.
type ClientIDShape struct {
	Pattern *regexp.Regexp
	// Words say the shape, with an example and where to copy one from, after "A client ID
	// of <provider> ".
	Words string
}

// The shapes of client IDs: Google's Desktop client IDs, Microsoft's Application (client) IDs.
var googleClientID = &ClientIDShape{
	Pattern: regexp.MustCompile(`^[A-Za-z0-9-]+\.apps\.googleusercontent\.com$`),
	Words:   "ends in .apps.googleusercontent.com, like 123456789012-abc123def456.apps.googleusercontent.com: copy it from Credentials → OAuth 2.0 Client IDs",
}

var microsoftClientID = &ClientIDShape{
	Pattern: regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`),
	Words:   "is a GUID, like 11112222-aaaa-bbbb-cccc-333344445555: copy the Application (client) ID from the app registration's Overview",
}
