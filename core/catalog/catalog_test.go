package catalog_test

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/internal/authtest"
)

func lookup(t *testing.T, id catalog.ID) catalog.Provider {
	t.Helper()
	p, err := catalog.Lookup(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAllPresets(t *testing.T) {
	var ids []catalog.ID
	for _, p := range catalog.All() {
		ids = append(ids, p.ID)
		if p.Name == "" || len(p.Guide.Steps) == 0 || p.Guide.AppType == "" || p.Redirect.Host == "" {
			t.Errorf("%s: name, guide steps, app type or redirect host missing", p.ID)
		}
		if p.Redirect.Policy == catalog.ExactMatch && p.Redirect.DefaultPort < catalog.MinPort {
			t.Errorf("%s: default port %d, want %d or above", p.ID, p.Redirect.DefaultPort, catalog.MinPort)
		}
		for _, ct := range p.ClientTypes {
			if p.Guide.AppTypes[ct] == "" {
				t.Errorf("%s: the guide names no application type for a %s client", p.ID, ct)
			}
		}
	}
	want := []catalog.ID{catalog.Google, catalog.Dropbox, catalog.Microsoft, catalog.Box, catalog.Sandbox, catalog.OIDC, catalog.OAuth2}
	if !slices.Equal(ids, want) {
		t.Errorf("All() = %v, want %v", ids, want)
	}
	if _, err := catalog.Lookup("myspace"); !errors.Is(err, catalog.ErrUnknownProvider) {
		t.Errorf("Lookup(myspace) error = %v, want ErrUnknownProvider", err)
	}
}

// TestAuthCodeURL checks that each preset's authorization URL carries exactly the parameters
// it should, and nothing else.
// Client IDs of the shapes Google and Microsoft issue.
const (
	googleID = "123456789012-abc.apps.googleusercontent.com"
	msID     = "11112222-aaaa-bbbb-cccc-333344445555"
)

// A client ID of another shape than the provider's is refused, the refusal saying the shape;
// providers without one take any.
func TestClientIDShapes(t *testing.T) {
	for _, c := range []struct {
		id, clientID, want string
	}{
		{"google", "abc123", ".apps.googleusercontent.com"},
		{"google", "123-abc.apps.googleusercontent.com.evil", ".apps.googleusercontent.com"},
		{"google", googleID, ""},
		{"microsoft", "ms-client", "GUID"},
		{"microsoft", msID, ""},
		{"dropbox", "abc123", ""},
	} {
		bad := lookup(t, catalog.ID(c.id)).Check(catalog.Settings{ClientID: c.clientID, ClientSecret: redact.NewSecret("shh"), Port: 27419})
		got := bad.Map()[catalog.FieldClientID]
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s client ID %q: %q; want %q", c.id, c.clientID, got, c.want)
		}
	}
}

func TestAuthCodeURL(t *testing.T) {
	const (
		state    = "state-xyz"
		redirect = "http://127.0.0.1:50000/callback"
	)
	verifier := oauth2.GenerateVerifier()
	challenge := oauth2.S256ChallengeFromVerifier(verifier)
	secret := redact.NewSecret("shh")
	oidcDoc := &catalog.Discovery{
		Issuer:                "https://id.example.com",
		AuthorizationEndpoint: "https://id.example.com/auth",
		TokenEndpoint:         "https://id.example.com/token",
		ScopesSupported:       []string{"openid", "email", "offline_access"},
	}
	tests := []struct {
		name     string
		id       catalog.ID
		settings catalog.Settings
		doc      *catalog.Discovery
		endpoint string
		extra    map[string]string // beyond the parameters every preset sends
	}{
		{"google", catalog.Google, catalog.Settings{ClientID: googleID, ClientSecret: secret}, nil,
			"https://accounts.google.com/o/oauth2/v2/auth",
			map[string]string{"scope": "openid email https://www.googleapis.com/auth/drive.readonly", "access_type": "offline", "prompt": "consent"}},
		{"dropbox", catalog.Dropbox, catalog.Settings{}, nil,
			"https://www.dropbox.com/oauth2/authorize",
			map[string]string{"scope": "account_info.read files.metadata.read files.content.read", "token_access_type": "offline"}},
		{"microsoft common", catalog.Microsoft, catalog.Settings{ClientID: msID}, nil,
			"https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
			map[string]string{"scope": "offline_access User.Read Files.Read"}},
		{"microsoft tenant", catalog.Microsoft, catalog.Settings{ClientID: msID, Tenant: "contoso.onmicrosoft.com"}, nil,
			"https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize",
			map[string]string{"scope": "offline_access User.Read Files.Read"}},
		{"box", catalog.Box, catalog.Settings{ClientSecret: secret}, nil,
			"https://account.box.com/api/oauth2/authorize", nil},
		{"oidc", catalog.OIDC, catalog.Settings{Issuer: "https://id.example.com"}, oidcDoc,
			"https://id.example.com/auth",
			map[string]string{"scope": "openid email offline_access"}},
		{"oauth2", catalog.OAuth2, catalog.Settings{AuthURL: "https://as.example.com/authorize", TokenURL: "https://as.example.com/token", Scopes: []string{"read"}}, nil,
			"https://as.example.com/authorize",
			map[string]string{"scope": "read"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.settings
			s.ClientID = cmp.Or(s.ClientID, "client-1")
			cfg, extra, err := catalog.Config(lookup(t, tt.id), s, tt.doc, redirect)
			if err != nil {
				t.Fatalf("Config: %v", err)
			}
			u, err := url.Parse(catalog.AuthCodeURL(cfg, extra, state, verifier))
			if err != nil {
				t.Fatal(err)
			}
			if got := u.Scheme + "://" + u.Host + u.Path; got != tt.endpoint {
				t.Errorf("endpoint = %s, want %s", got, tt.endpoint)
			}
			want := map[string]string{
				"client_id":             s.ClientID,
				"redirect_uri":          redirect,
				"response_type":         "code",
				"state":                 state,
				"code_challenge":        challenge,
				"code_challenge_method": "S256",
			}
			maps.Copy(want, tt.extra)
			got := map[string]string{}
			for k, v := range u.Query() {
				if len(v) != 1 {
					t.Errorf("parameter %s sent %d times", k, len(v))
				}
				got[k] = v[0]
			}
			if !maps.Equal(got, want) {
				t.Errorf("query = %v\nwant    %v", got, want)
			}
		})
	}
}

func TestRedirect(t *testing.T) {
	tests := []struct {
		id       catalog.ID
		pinned   int
		listen   int
		redirect string // for the listen port, or 50000 if that is 0
		register string
	}{
		{catalog.Google, 0, 0, "http://127.0.0.1:50000/callback", ""},
		{catalog.Dropbox, 0, 27419, "http://127.0.0.1:27419/callback", "http://127.0.0.1:27419/callback"},
		{catalog.Dropbox, 40000, 40000, "http://127.0.0.1:40000/callback", "http://127.0.0.1:40000/callback"},
		{catalog.Microsoft, 0, 0, "http://localhost:50000/callback", "http://localhost/callback"},
		{catalog.Box, 0, 0, "http://127.0.0.1:50000/callback", "http://127.0.0.1/callback"},
		{catalog.OIDC, 0, 0, "http://127.0.0.1:50000/callback", "http://127.0.0.1/callback"},
		{catalog.OIDC, 40000, 40000, "http://127.0.0.1:40000/callback", "http://127.0.0.1:40000/callback"},
		{catalog.OAuth2, 0, 0, "http://127.0.0.1:50000/callback", "http://127.0.0.1/callback"},
	}
	for _, tt := range tests {
		p := lookup(t, tt.id)
		listen := p.ListenPort(catalog.Settings{Port: tt.pinned})
		if listen != tt.listen {
			t.Errorf("%s pinned %d: ListenPort = %d, want %d", tt.id, tt.pinned, listen, tt.listen)
		}
		port := listen
		if port == 0 {
			port = 50000
		}
		if got := p.RedirectURL(port); got != tt.redirect {
			t.Errorf("%s: RedirectURL(%d) = %s, want %s", tt.id, port, got, tt.redirect)
		}
		if got := p.RedirectToRegister(tt.pinned); got != tt.register {
			t.Errorf("%s: RedirectToRegister(%d) = %q, want %q", tt.id, tt.pinned, got, tt.register)
		}
	}
}

func TestResolveRefusals(t *testing.T) {
	secret := redact.NewSecret("shh")
	tests := []struct {
		name string
		id   catalog.ID
		s    catalog.Settings
		doc  *catalog.Discovery
		want error
		msg  string
	}{
		{"no client id", catalog.Dropbox, catalog.Settings{}, nil, catalog.ErrInvalidSettings, "client_id: Enter the client ID"},
		{"google without secret", catalog.Google, catalog.Settings{ClientID: "c"}, nil, catalog.ErrInvalidSettings, "secret: Google Drive requires a client secret"},
		{"tenant with a path", catalog.Microsoft, catalog.Settings{ClientID: "c", Tenant: "common/../evil"}, nil, catalog.ErrInvalidSettings, "tenant: A tenant is"},
		{"low port", catalog.Box, catalog.Settings{ClientID: "c", ClientSecret: secret, Port: 80}, nil, catalog.ErrInvalidSettings, "port: A fixed port is a number from 1024 to 65535"},
		{"port below 1024", catalog.Box, catalog.Settings{ClientID: "c", ClientSecret: secret, Port: 1023}, nil, catalog.ErrInvalidSettings, "port: A fixed port is a number from 1024 to 65535"},
		{"port above 65535", catalog.Box, catalog.Settings{ClientID: "c", ClientSecret: secret, Port: 65536}, nil, catalog.ErrInvalidSettings, "port: A fixed port is a number from 1024 to 65535"},
		{"microsoft public client with a secret", catalog.Microsoft, catalog.Settings{ClientID: "c", ClientSecret: secret, ClientType: catalog.ClientPublic}, nil, catalog.ErrInvalidSettings, "secret: A public client sends no client secret"},
		{"microsoft confidential client without one", catalog.Microsoft, catalog.Settings{ClientID: "c", ClientType: catalog.ClientConfidential}, nil, catalog.ErrInvalidSettings, "secret: A confidential client needs its client secret"},
		{"client type of a provider without the choice", catalog.Google, catalog.Settings{ClientID: "c", ClientSecret: secret, ClientType: catalog.ClientPublic}, nil, catalog.ErrInvalidSettings, "client_type: Google Drive has one kind of app, so there is no client type"},
		{"oidc without discovery", catalog.OIDC, catalog.Settings{ClientID: "c", Issuer: "https://id.example.com"}, nil, catalog.ErrInvalidSettings, "discovery"},
		{"oidc document of another issuer", catalog.OIDC, catalog.Settings{ClientID: "c", Issuer: "https://id.example.com"},
			&catalog.Discovery{Issuer: "https://other.example.com", AuthorizationEndpoint: "https://other.example.com/a", TokenEndpoint: "https://other.example.com/t"},
			catalog.ErrIssuerMismatch, "other.example.com"},
		{"oauth2 without token url", catalog.OAuth2, catalog.Settings{ClientID: "c", AuthURL: "https://as.example.com/a"}, nil, catalog.ErrMissingEndpoint, "token_url: Enter the URL"},
		{"oauth2 authorization url with a state", catalog.OAuth2, catalog.Settings{ClientID: "c", AuthURL: "https://as.example.com/a?audience=x&state=fixed", TokenURL: "https://as.example.com/t"}, nil, catalog.ErrInvalidSettings, "auth_url: Remove the parameter state"},
		{"oauth2 over http", catalog.OAuth2, catalog.Settings{ClientID: "c", AuthURL: "https://as.example.com/a", TokenURL: "http://as.example.com/t"}, nil, catalog.ErrInsecureURL, "token_url: The URL must start with https://"},
		// What a save refuses, Resolve refuses too: one rule book.
		{"client id with a space inside", catalog.Dropbox, catalog.Settings{ClientID: "a b"}, nil, catalog.ErrInvalidSettings, "client_id: A client ID has no spaces"},
		{"scope with a quote", catalog.Dropbox, catalog.Settings{ClientID: "c", Scopes: []string{`files"`}}, nil, catalog.ErrInvalidSettings, "scopes: The scope"},
		{"oauth2 endpoint with a password", catalog.OAuth2, catalog.Settings{ClientID: "c", AuthURL: "https://as.example.com/a", TokenURL: "https://c:pw@as.example.com/t"}, nil, catalog.ErrInvalidURL, "token_url: Leave the user name and password out"},
		{"oidc issuer over http", catalog.OIDC, catalog.Settings{ClientID: "c", Issuer: "http://id.example.com"},
			&catalog.Discovery{Issuer: "http://id.example.com", AuthorizationEndpoint: "https://id.example.com/a", TokenEndpoint: "https://id.example.com/t"},
			catalog.ErrInsecureURL, "issuer: The URL must start with https://"},
		// A link shown to people later must read as the address it opens.
		{"authorization url with a right-to-left override", catalog.OAuth2, catalog.Settings{ClientID: "c", AuthURL: "https://idp.example/\u202eauth", TokenURL: "https://idp.example/t"}, nil, catalog.ErrInvalidURL, "auth_url: The address holds an invisible or direction-changing character"},
		{"token url with a zero-width space in the host", catalog.OAuth2, catalog.Settings{ClientID: "c", AuthURL: "https://as.example.com/a", TokenURL: "https://accounts.google.com\u200b.evil.example/auth"}, nil, catalog.ErrInvalidURL, "token_url: The address holds an invisible or direction-changing character"},
		{"authorization url with a tab", catalog.OAuth2, catalog.Settings{ClientID: "c", AuthURL: "https://as.example.com/\ta", TokenURL: "https://as.example.com/t"}, nil, catalog.ErrInvalidURL, "auth_url: The address holds an invisible"},
		{"authorization url with a no-break space", catalog.OAuth2, catalog.Settings{ClientID: "c", AuthURL: "https://as.example.com/a\u00a0", TokenURL: "https://as.example.com/t"}, nil, catalog.ErrInvalidURL, "auth_url: The address holds an invisible"},
		{"token url with a look-alike letter", catalog.OAuth2, catalog.Settings{ClientID: "c", AuthURL: "https://as.example.com/a", TokenURL: "https://\u0430ccounts.google.com/t"}, nil, catalog.ErrInvalidURL, "token_url: The address holds the character 'а', outside plain ASCII"},
		{"oidc issuer with a left-to-right mark", catalog.OIDC, catalog.Settings{ClientID: "c", Issuer: "https://id.example.com\u200e"},
			&catalog.Discovery{Issuer: "https://id.example.com\u200e", AuthorizationEndpoint: "https://id.example.com/a", TokenEndpoint: "https://id.example.com/t"},
			catalog.ErrInvalidURL, "issuer: The address holds an invisible or direction-changing character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := catalog.Resolve(lookup(t, tt.id), tt.s, tt.doc)
			if !errors.Is(err, tt.want) || !strings.Contains(fmt.Sprint(err), tt.msg) {
				t.Errorf("error = %v, want %v mentioning %q", err, tt.want, tt.msg)
			}
		})
	}
}

// TestSecretFor: where the provider offers a choice of client type, the type decides whether
// a secret is sent; elsewhere the provider's own policy stands.
func TestSecretFor(t *testing.T) {
	for _, tt := range []struct {
		id   catalog.ID
		ct   catalog.ClientType
		want catalog.SecretPolicy
	}{
		{catalog.Microsoft, catalog.ClientPublic, catalog.SecretForbidden},
		{catalog.Microsoft, catalog.ClientConfidential, catalog.SecretRequired},
		{catalog.Microsoft, "", catalog.SecretOptional},
		{catalog.Google, catalog.ClientPublic, catalog.SecretRequired},
		{catalog.Dropbox, catalog.ClientConfidential, catalog.SecretOptional},
	} {
		if got := lookup(t, tt.id).SecretFor(tt.ct); got != tt.want {
			t.Errorf("%s.SecretFor(%q) = %v, want %v", tt.id, tt.ct, got, tt.want)
		}
	}
}

// TestConfigOfMicrosoftClientTypes: a public client's configuration carries no secret and
// names itself in the body; a confidential one carries its secret.
func TestConfigOfMicrosoftClientTypes(t *testing.T) {
	p := lookup(t, catalog.Microsoft)
	pub, _, err := catalog.Config(p, catalog.Settings{ClientID: msID, ClientType: catalog.ClientPublic}, nil, "http://localhost:5000/callback")
	if err != nil {
		t.Fatal(err)
	}
	if pub.ClientSecret != "" || pub.Endpoint.AuthStyle != oauth2.AuthStyleInParams {
		t.Errorf("public client: secret %q, auth style %v; want none, in params", pub.ClientSecret, pub.Endpoint.AuthStyle)
	}
	conf, _, err := catalog.Config(p, catalog.Settings{ClientID: msID, ClientSecret: redact.NewSecret("shh"), ClientType: catalog.ClientConfidential}, nil, "http://localhost:5000/callback")
	if err != nil {
		t.Fatal(err)
	}
	if conf.ClientSecret != "shh" {
		t.Errorf("confidential client: secret %q, want the saved one", conf.ClientSecret)
	}
}

func TestResolvePublicClientSendsIDInBody(t *testing.T) {
	p, err := catalog.Resolve(lookup(t, catalog.OIDC), catalog.Settings{ClientID: "c", Issuer: "https://id.example.com"},
		&catalog.Discovery{Issuer: "https://id.example.com", AuthorizationEndpoint: "https://id.example.com/a", TokenEndpoint: "https://id.example.com/t"})
	if err != nil {
		t.Fatal(err)
	}
	if p.AuthStyle != oauth2.AuthStyleInParams {
		t.Errorf("AuthStyle = %v, want AuthStyleInParams", p.AuthStyle)
	}
}

// TestDiscoverAndConnect discovers a real OpenID Connect server on 127.0.0.1 and connects
// through the configuration the catalog builds from it.
func TestDiscoverAndConnect(t *testing.T) {
	s := authtest.New(t)
	user := authtest.User{Subject: "u-7", Email: "ann@example.com", Name: "Ann"}
	s.SetUser(user)
	s.AddClient(authtest.Client{ID: "medialake", Secret: "s3cret", RedirectURIs: []string{"http://127.0.0.1/callback"}})

	d, err := catalog.Discover(t.Context(), nil, s.Issuer())
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	auth, token, revoke, userinfo, _ := s.Endpoints()
	got := [...]string{d.Issuer, d.AuthorizationEndpoint, d.TokenEndpoint, d.RevocationEndpoint, d.UserinfoEndpoint}
	if want := [...]string{s.Issuer(), auth, token, revoke, userinfo}; got != want {
		t.Errorf("discovered %v, want %v", got, want)
	}

	p := lookup(t, catalog.OIDC)
	settings := catalog.Settings{ClientID: "medialake", ClientSecret: redact.NewSecret("s3cret"), Issuer: s.Issuer()}
	resolved, err := catalog.Resolve(p, settings, &d)
	if err != nil {
		t.Fatal(err)
	}
	if resolved.Revocation.Kind != catalog.RevokeRFC7009 || resolved.Revocation.URL != revoke {
		t.Errorf("revocation = %+v, want RFC 7009 at %s", resolved.Revocation, revoke)
	}
	cfg, extra, err := catalog.Config(p, settings, &d, p.RedirectURL(50001))
	if err != nil {
		t.Fatal(err)
	}
	verifier := oauth2.GenerateVerifier()
	loc, err := s.Authorize(t.Context(), catalog.AuthCodeURL(cfg, extra, "state-0123456789", verifier))
	if err != nil {
		t.Fatal(err)
	}
	if iss := loc.Query().Get("iss"); iss != resolved.Issuer {
		t.Errorf("iss = %q, want %q", iss, resolved.Issuer)
	}
	tok, err := cfg.Exchange(t.Context(), loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	acct, err := catalog.Identify(t.Context(), cfg.Client(t.Context(), tok), resolved.WhoAmI)
	if err != nil {
		t.Fatalf("Identify: %v", err)
	}
	if want := (catalog.Account{Subject: user.Subject, Label: user.Email}); acct != want {
		t.Errorf("account = %+v, want %+v", acct, want)
	}
}

func TestDiscoverRefusals(t *testing.T) {
	tests := []struct {
		name string
		doc  func(issuer string) string // the served document; its server's URL is the issuer
		want error
		msg  string
	}{
		{"different issuer", func(iss string) string {
			return `{"issuer":"https://evil.example.com","authorization_endpoint":"` + iss + `/a","token_endpoint":"` + iss + `/t"}`
		}, catalog.ErrIssuerMismatch, `"https://evil.example.com"`},
		{"no authorization endpoint", func(iss string) string {
			return `{"issuer":"` + iss + `","token_endpoint":"` + iss + `/t"}`
		}, catalog.ErrMissingEndpoint, "authorization_endpoint"},
		{"http endpoint not loopback", func(iss string) string {
			return `{"issuer":"` + iss + `","authorization_endpoint":"http://id.example.com/a","token_endpoint":"` + iss + `/t"}`
		}, catalog.ErrInsecureURL, "http://id.example.com/a"},
		{"endpoint with a right-to-left override", func(iss string) string {
			return `{"issuer":"` + iss + `","authorization_endpoint":"` + iss + `/\u202eauth","token_endpoint":"` + iss + `/t"}`
		}, catalog.ErrInvalidURL, `/\u202eauth"`},
		{"not JSON", func(string) string { return `<html>hello</html>` }, catalog.ErrBadDiscovery, "JSON"},
		{"too large", func(iss string) string {
			return `{"issuer":"` + iss + `","x":"` + strings.Repeat("a", 1<<20) + `"}`
		}, catalog.ErrBadDiscovery, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var issuer string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/.well-known/openid-configuration" {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(tt.doc(issuer)))
			}))
			defer srv.Close()
			issuer = srv.URL
			_, err := catalog.Discover(t.Context(), srv.Client(), issuer)
			if !errors.Is(err, tt.want) || !strings.Contains(fmt.Sprint(err), tt.msg) {
				t.Errorf("error = %v, want %v mentioning %s", err, tt.want, tt.msg)
			}
		})
	}

	t.Run("status 404", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		_, err := catalog.Discover(t.Context(), srv.Client(), srv.URL)
		if !errors.Is(err, catalog.ErrBadDiscovery) || !strings.Contains(err.Error(), "status 404") {
			t.Errorf("error = %v, want ErrBadDiscovery mentioning status 404", err)
		}
	})

	t.Run("http issuer not loopback", func(t *testing.T) {
		sent := 0
		client := &http.Client{Transport: roundTrip(func(*http.Request) (*http.Response, error) {
			sent++
			return nil, errors.New("no network in tests")
		})}
		_, err := catalog.Discover(t.Context(), client, "http://id.example.com")
		if !errors.Is(err, catalog.ErrInsecureURL) || !strings.Contains(err.Error(), "http://id.example.com") {
			t.Errorf("error = %v, want ErrInsecureURL mentioning the issuer", err)
		}
		if sent != 0 {
			t.Errorf("%d requests sent, want none", sent)
		}
	})
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestIdentify reads each preset's "who am I" answer, shaped as the provider documents it.
func TestIdentify(t *testing.T) {
	tests := []struct {
		id   catalog.ID
		body string
		want catalog.Account
	}{
		{catalog.Google, `{"sub":"1087","email":"ann@gmail.com","email_verified":true}`, catalog.Account{Subject: "1087", Label: "ann@gmail.com"}},
		{catalog.Dropbox, `{"account_id":"dbid:AAH4","name":{"display_name":"Ann"},"email":"ann@example.com"}`, catalog.Account{Subject: "dbid:AAH4", Label: "ann@example.com"}},
		{catalog.Microsoft, `{"id":"48d31887","mail":null,"userPrincipalName":"ann@outlook.com"}`, catalog.Account{Subject: "48d31887", Label: "ann@outlook.com"}},
		{catalog.Box, `{"type":"user","id":"11446498","login":"ann@box.example"}`, catalog.Account{Subject: "11446498", Label: "ann@box.example"}},
		{catalog.OAuth2, `{"sub":12345678901234567890}`, catalog.Account{Subject: "12345678901234567890"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.id), func(t *testing.T) {
			w := lookup(t, tt.id).WhoAmI
			srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				if r.Method != w.Method {
					http.Error(rw, "wrong method "+r.Method, http.StatusMethodNotAllowed)
					return
				}
				_, _ = rw.Write([]byte(tt.body))
			}))
			defer srv.Close()
			w.URL = srv.URL
			got, err := catalog.Identify(t.Context(), srv.Client(), w)
			if err != nil {
				t.Fatalf("Identify: %v", err)
			}
			if got != tt.want {
				t.Errorf("account = %+v, want %+v", got, tt.want)
			}
		})
	}
	if _, err := lookup(t, catalog.Box).WhoAmI.Account([]byte(`{"login":"x"}`)); !errors.Is(err, catalog.ErrNoAccount) {
		t.Errorf("answer without id: error = %v, want ErrNoAccount", err)
	}
}

func TestReservedAuthParam(t *testing.T) {
	for _, tt := range []struct{ url, want string }{
		{"https://as.example.com/authorize", ""},
		{"https://as.example.com/authorize?audience=api&prompt=consent", ""},
		{"https://as.example.com/authorize?client_id=x", "client_id"},
		{"https://as.example.com/authorize?a=1&STATE=fixed", "state"},
		{"https://as.example.com/authorize?code_challenge_method=plain", "code_challenge_method"},
		{"https://as.example.com/authorize?redirect_uri=https%3A%2F%2Fevil.example", "redirect_uri"},
		{"https://as.example.com/authorize?scope=", "scope"},
		{"https://as.example.com/state/response_type", ""},
	} {
		if got := catalog.ReservedAuthParam(tt.url); got != tt.want {
			t.Errorf("ReservedAuthParam(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}

func TestMissingStorage(t *testing.T) {
	g, _ := catalog.Lookup(catalog.Google)
	d, _ := catalog.Lookup(catalog.Dropbox)
	drive := "https://www.googleapis.com/auth/drive.readonly"
	for _, c := range []struct {
		name               string
		p                  catalog.Provider
		requested, granted []string
		want               []string
	}{
		{"all granted", g, g.Scopes, []string{"openid", "https://www.googleapis.com/auth/userinfo.email", drive}, nil},
		{"drive unticked", g, g.Scopes, []string{"openid", "https://www.googleapis.com/auth/userinfo.email"}, []string{drive}},
		{"no scope in the answer: as requested", g, g.Scopes, nil, nil},
		{"drive not requested", g, []string{"openid", "email"}, []string{"openid"}, nil},
		{"no storage to check", d, d.Scopes, []string{"account_info.read"}, nil},
	} {
		if got := c.p.MissingStorage(c.requested, c.granted); !slices.Equal(got, c.want) {
			t.Errorf("%s: MissingStorage = %v, want %v", c.name, got, c.want)
		}
	}
}

// Dropbox's fixed port is one no common tool listens on by default (53682 is rclone's set-up,
// 29170 the built-in sandbox provider's), a registered port (no privilege needed) below
// Linux's ephemeral range (32768 and up), where the kernel hands out ports to any outgoing
// connection and could have it taken at the moment of connecting.
func TestDropboxPortIsNobodysDefault(t *testing.T) {
	d, _ := catalog.Lookup(catalog.Dropbox)
	port := d.Redirect.DefaultPort
	if port == 53682 || port == 29170 || port < catalog.MinPort || port >= 32768 {
		t.Errorf("Dropbox's default port = %d; want a free registered port below 32768, not rclone's 53682 nor 29170", port)
	}
	if !slices.ContainsFunc(d.Guide.Notes, func(n string) bool { return strings.Contains(n, "exactly") && strings.Contains(n, "53682") }) {
		t.Errorf("Dropbox's guide does not say why the port is fixed and which one to avoid: %q", d.Guide.Notes)
	}
}

// The guides say what the providers' consoles and limits really are.
func TestGuidesTellTheLimits(t *testing.T) {
	for _, c := range []struct {
		id   catalog.ID
		want []string // each said somewhere in the guide
		not  []string
	}{
		{catalog.Google, []string{"Test users", "Internal", "hasn't verified", "100", "keep the Drive permission ticked",
			"security assessment only if", "stored on or sent through a server"},
			[]string{"publish the app to lift", "so verification includes a security assessment"}},
		{catalog.Dropbox, []string{"Enable additional users", "apply for production", "team's administrator", "applied for and granted within two weeks"}, nil},
		{catalog.Microsoft, []string{"admin consent", "publisher verification", "expiry date", "http://localhost", "public client",
			"Supported account types", "AADSTS50194", "Directory (tenant) ID"}, nil},
		{catalog.Box, []string{"Platform App", "Platform Apps Manager", "client ID"}, []string{"Custom App"}},
	} {
		p, _ := catalog.Lookup(c.id)
		g := p.Guide
		text := strings.ToLower(strings.Join(append(append(append([]string{g.AppType}, g.Steps...), g.Notes...), g.Scopes...), "\n"))
		for _, w := range c.want {
			if !strings.Contains(text, strings.ToLower(w)) {
				t.Errorf("%s's guide does not mention %q", c.id, w)
			}
		}
		for _, w := range c.not {
			if strings.Contains(text, strings.ToLower(w)) {
				t.Errorf("%s's guide still says %q", c.id, w)
			}
		}
	}
}
