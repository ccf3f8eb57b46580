package core

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/loopback"
	"github.com/medialake/connect/core/vault"
)

// signInFlow starts a loopback flow whose token endpoint answers status and body (or, for
// status 0, is a closed server) and completes it with the callback query q; it returns the
// flow's error, as loopback produces it.
func signInFlow(t *testing.T, cfg loopback.Config, status int, body, q string) error {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	if status == 0 {
		srv.Close()
	}
	defer srv.Close()
	cfg.OAuth2 = &oauth2.Config{ClientID: "client-1", Endpoint: oauth2.Endpoint{
		AuthURL: "https://auth.example/authorize", TokenURL: srv.URL + "/token", AuthStyle: oauth2.AuthStyleInParams,
	}}
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	f, err := loopback.Start(context.Background(), cfg)
	if err != nil {
		return err
	}
	defer f.Close()
	u, err := url.Parse(f.AuthURL())
	if err != nil {
		t.Fatalf("parse AuthURL: %v", err)
	}
	q = strings.ReplaceAll(q, "STATE", url.QueryEscape(u.Query().Get("state")))
	_, err = f.CompleteFromURL(context.Background(), f.RedirectURL()+"?"+q)
	return err
}

// flowErrors are the sign-in's errors, each produced by loopback itself.
func flowErrors(t *testing.T) map[string]struct {
	err  error
	want Reason
} {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	plain := loopback.Config{}
	iss := loopback.Config{Issuer: "https://issuer.example", RequireIssuer: true}
	ok := "state=STATE&code=c"
	type c = struct {
		err  error
		want Reason
	}
	return map[string]c{
		"port busy":                  {signInFlow(t, loopback.Config{Port: port}, 200, "", ok), ReasonPortBusy},
		"other sign-in's state":      {signInFlow(t, plain, 200, "", "state=nope&code=c"), ReasonStateMismatch},
		"not a callback":             {signInFlow(t, plain, 200, "", "state=STATE"), ReasonNotCallback},
		"issuer mismatch":            {signInFlow(t, iss, 200, "", ok+"&iss=https://evil.example"), ReasonIssuerMismatch},
		"issuer missing":             {signInFlow(t, iss, 200, "", ok), ReasonIssuerMissing},
		"access denied":              {signInFlow(t, plain, 200, "", "state=STATE&error=access_denied"), ReasonDenied},
		"scope refused":              {signInFlow(t, plain, 200, "", "state=STATE&error=invalid_scope"), ReasonScope},
		"wrong app type":             {signInFlow(t, plain, 200, "", "state=STATE&error=unauthorized_client"), ReasonWrongAppType},
		"callback bad client":        {signInFlow(t, plain, 200, "", "state=STATE&error=invalid_client"), ReasonBadClient},
		"server error":               {signInFlow(t, plain, 200, "", "state=STATE&error=server_error"), ReasonProviderRefused},
		"callback redirect":          {signInFlow(t, plain, 200, "", "state=STATE&error=redirect_uri_mismatch"), ReasonRedirectMismatch},
		"bad client":                 {signInFlow(t, plain, 401, `{"error":"invalid_client"}`, ok), ReasonBadClient},
		"unauthorized client":        {signInFlow(t, plain, 400, `{"error":"unauthorized_client"}`, ok), ReasonBadClient},
		"exchange scope":             {signInFlow(t, plain, 400, `{"error":"invalid_scope"}`, ok), ReasonScope},
		"expired code":               {signInFlow(t, plain, 400, `{"error":"invalid_grant"}`, ok), ReasonExchangeRefused},
		"exchange redirect":          {signInFlow(t, plain, 400, `{"error":"redirect_uri_mismatch"}`, ok), ReasonRedirectMismatch},
		"Entra redirect":             {signInFlow(t, plain, 400, `{"error":"invalid_request","error_description":"AADSTS50011: no"}`, ok), ReasonRedirectMismatch},
		"token endpoint unreachable": {signInFlow(t, plain, 0, "", ok), ReasonOffline},
	}
}

// waitErr is the error of a flow's Wait under ctx, with the flow's own timeout.
func waitErr(t *testing.T, ctx context.Context, timeout time.Duration) error {
	t.Helper()
	f, err := loopback.Start(context.Background(), loopback.Config{Timeout: timeout, OAuth2: &oauth2.Config{
		Endpoint: oauth2.Endpoint{AuthURL: "https://auth.example/authorize", TokenURL: "https://auth.example/token"}}})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer f.Close()
	_, err = f.Wait(ctx)
	return err
}

// keyringAnswer answers every call with err, as go-keyring does.
type keyringAnswer struct{ err error }

func (k keyringAnswer) Set(string, string, string) error   { return k.err }
func (k keyringAnswer) Get(string, string) (string, error) { return "", k.err }
func (k keyringAnswer) Delete(string, string) error        { return k.err }

// manifestOnly holds the entry naming a split secret's parts and none of the parts.
type manifestOnly struct{ keyringAnswer }

func (manifestOnly) Get(_, user string) (string, error) {
	if strings.Contains(user, "#") {
		return "", keyring.ErrNotFound
	}
	return "\x00medialake-connect-parts v1 gen=00 parts=1 size=1 sha256=" + strings.Repeat("0", 64), nil
}

// ReasonOf classifies the errors that the lower packages and core's use-cases really return,
// each produced by calling them, not spelt out by hand.
func TestReasonOf(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	cases := flowErrors(t)
	add := func(name string, err error, want Reason) {
		cases[name] = struct {
			err  error
			want Reason
		}{err, want}
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	add("no error", nil, ReasonNone)
	add("flow canceled", waitErr(t, canceled, time.Minute), ReasonCancelled)
	add("flow timed out", waitErr(t, ctx, time.Nanosecond), ReasonTimeout)

	_, err := tm.app.SignIn(ctx, "wendy", secret("not the passphrase"))
	add("wrong passphrase", err, ReasonWrongPassphrase)
	_, err = tm.app.SignIn(ctx, "nobody", secret("whatever passphrase"))
	add("unknown user", err, ReasonUnknownUser)
	_, err = tm.app.SignIn(ctx, "dora", secret("dora passphrase 4"))
	add("disabled user", err, ReasonUserDisabled)
	_, err = tm.app.Users(ctx, tm.read)
	add("forbidden", err, ReasonForbidden)
	_, err = tm.app.AddUser(ctx, tm.admin, "wendy", access.Write, secret(writerPass), secret(writerPass))
	add("name taken", err, ReasonNameTaken)
	_, err = tm.app.AddUser(ctx, tm.admin, "", access.Write, secret(writerPass), secret(writerPass))
	add("bad name", err, ReasonBadName)
	_, err = tm.app.AddUser(ctx, tm.admin, "walt", access.Write, secret("short"), secret("short"))
	add("too short", err, ReasonTooShort)
	_, err = tm.app.AddUser(ctx, tm.admin, "walt", access.Write, secret(writerPass), secret(writerPass+"x"))
	add("mismatch", err, ReasonMismatch)
	_, err = tm.app.CreateFirstAdmin(ctx, "again", secret(adminPass), secret(adminPass))
	add("already set up", err, ReasonAlreadySetUp)
	_, err = tm.app.Integration(ctx, tm.admin, "nope")
	add("unknown integration", err, ReasonUnknownIntegration)
	_, err = tm.app.SourceDetails(ctx, tm.writer, 4711)
	add("unknown source", err, ReasonUnknownSource)
	add("invalid settings", tm.app.SaveIntegration(ctx, tm.admin, IntegrationInput{ID: string(catalog.Dropbox), Port: "1"}), ReasonInvalid)
	s := tm.signIn(t, "wendy", writerPass)
	tm.app.Lock(s)
	_, err = tm.app.Sources(ctx, s, SourceFilter{})
	add("session locked", err, ReasonSessionLocked)
	tm.app.SignOut(ctx, s)
	_, err = tm.app.Sources(ctx, s, SourceFilter{})
	add("session ended", err, ReasonSessionEnded)

	_, err = catalog.Resolve(catalog.Provider{Name: "Dropbox"}, catalog.Settings{}, nil)
	add("not set up", err, ReasonNotSetUp)
	_, err = catalog.Identify(ctx, http.DefaultClient, catalog.WhoAmI{})
	add("no who-am-I address", err, ReasonMissingEndpoint)
	empty := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/broken/.well-known/openid-configuration" {
			http.Error(w, "no", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{}`)
	}))
	defer empty.Close()
	_, err = catalog.Identify(ctx, empty.Client(), catalog.WhoAmI{Method: http.MethodGet, URL: empty.URL + "/me", Subject: "sub"})
	add("no account", err, ReasonNoAccount)
	_, err = catalog.Discover(ctx, empty.Client(), empty.URL+"/broken")
	add("bad discovery", err, ReasonBadDiscovery)

	_, err = vault.New("ws", vault.Config{Backend: keyringAnswer{keyring.ErrNotFound}}).Get(ctx, "k")
	add("secret missing", err, ReasonSecretMissing)
	_, err = failingKeychain().Get(ctx, "k") // unreachable over D-Bus: a net error, but the keychain's
	add("keychain unavailable", err, ReasonKeychain)
	err = vault.New("ws", vault.Config{Backend: keyringAnswer{keyring.ErrSetDataTooBig}}).Set(ctx, "k", secret("x"))
	add("secret too large", err, ReasonSecretTooLarge)
	err = vault.New("ws", vault.Config{Backend: keyringAnswer{nil}}).Set(ctx, "k", secret(strings.Repeat("x", vault.MaxSecret+1)))
	add("secret over the vault's limit", err, ReasonSecretTooLarge)
	_, err = vault.New("ws", vault.Config{Backend: manifestOnly{}}).Get(ctx, "k")
	add("secret damaged", err, ReasonSecretDamaged)
	add("something else", errors.New("disk on fire"), ReasonUnknown)

	for name, c := range cases {
		if got := ReasonOf(c.err); got != c.want {
			t.Errorf("%s: ReasonOf(%v) = %d, want %d", name, c.err, got, c.want)
		}
		if wrapped := ReasonOf(fmt.Errorf("context %s: %w", strconv.Quote(name), c.err)); c.err != nil && wrapped != c.want {
			t.Errorf("%s: wrapped, ReasonOf = %d, want %d", name, wrapped, c.want)
		}
	}
}
