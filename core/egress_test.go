package core

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/medialake/connect/core/egress"
	"github.com/medialake/connect/core/store"
)

// These tests play a hostile or broken provider endpoint against the real sign-in, refresh
// and discovery paths, with the app's own provider client (egress.New). Run them under
// scripts/with-secret-service.sh.

// recorder is a server that a hostile endpoint points to: it records what reaches it.
type recorder struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string // method, path and the names of the secrets each request carried
	answer   string   // the body it answers with
}

func newRecorder(t *testing.T, answer string) *recorder {
	rec := &recorder{answer: answer}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.requests = append(rec.requests, r.Method+" "+r.URL.Path+" carrying "+carried(r, body))
		rec.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, rec.answer)
	}))
	t.Cleanup(rec.Close)
	return rec
}

// carried names the credentials a request carried, never their values: a failing test
// prints them.
func carried(r *http.Request, body []byte) string {
	var names []string
	if r.Header.Get("Authorization") != "" {
		names = append(names, "Authorization")
	}
	form, _ := url.ParseQuery(string(body))
	for _, k := range []string{"client_secret", "code", "code_verifier", "refresh_token", "token"} {
		if form.Has(k) {
			names = append(names, k)
		}
	}
	return strings.Join(names, ", ")
}

func (rec *recorder) host() string { return strings.TrimPrefix(rec.URL, "http://") }

// assertUntouched fails t if anything reached rec.
func (rec *recorder) assertUntouched(t *testing.T) {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.requests) > 0 {
		t.Errorf("the host redirected to received %d requests, want none: %q", len(rec.requests), rec.requests)
	}
}

// redirector answers every request with status and a Location on to.
func redirector(t *testing.T, status int, to string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, to+r.URL.Path, status)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// editIntegration changes an integration's row as the admin's form would save it.
func (tm *connectTeam) editIntegration(t *testing.T, id string, edit func(*store.Integration)) {
	t.Helper()
	ctx := context.Background()
	in, err := store.IntegrationByID(ctx, tm.app.db, id)
	if err != nil {
		t.Fatal(err)
	}
	edit(&in)
	if err := store.PutIntegration(ctx, tm.app.db, in); err != nil {
		t.Fatal(err)
	}
}

// hostileToken is a token endpoint's answer the app must refuse, and what it must say.
type hostileToken struct {
	name    string
	status  int
	body    string
	header  http.Header
	wantErr error    // nil: the error's message says it
	want    []string // in the error's message
}

// hostileTokens are the token endpoint answers of a hostile or broken provider; rec is
// where the redirect points. Each is served once: the tests use a Custom OpenID Connect
// integration, whose token request is sent once (a Custom OAuth 2.0 one probes the client
// authentication style with a second request after a failure).
func hostileTokens(tm *connectTeam, rec *recorder) []hostileToken {
	_, tokenURL, _, _, _ := tm.srv.Endpoints()
	asJSON := http.Header{"Content-Type": {"application/json"}}
	return []hostileToken{{
		name: "307 to another host", status: http.StatusTemporaryRedirect,
		header:  http.Header{"Location": {rec.URL + "/steal"}},
		wantErr: egress.ErrRedirect, want: []string{tokenURL + " redirected to " + rec.host()},
	}, {
		name: "token_type mac", status: http.StatusOK, header: asJSON,
		body:    `{"access_token":"at","token_type":"mac","expires_in":3600,"refresh_token":"rt"}`,
		wantErr: egress.ErrNotBearer, want: []string{`token_type "mac"`, "not a Bearer token"},
	}, {
		name: "2 MiB answer", status: http.StatusOK, header: asJSON,
		body: `{"access_token":"` + strings.Repeat("a", 2<<20) + `","token_type":"Bearer"}`,
		// x/oauth2 reports a failed read of the answer with %v, so only the words remain.
		want: []string{"answer of " + tokenURL + " is larger than", egress.ErrTooLarge.Error()},
	}}
}

// A code exchange whose token endpoint answers with a redirect, a token that is not Bearer,
// or an answer too large is refused, says why, and sends nothing anywhere else: no client
// secret, code or PKCE verifier reaches the host of the redirect.
func TestConnectRefusesHostileTokenEndpoint(t *testing.T) {
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc", atServer: "s3cret", sent: "s3cret"})
	rec := newRecorder(t, `{"access_token":"stolen","token_type":"Bearer"}`)
	for _, tc := range hostileTokens(tm, rec) {
		t.Run(tc.name, func(t *testing.T) {
			tm.srv.FailNextToken(tc.status, tc.body, tc.header)
			_, err := tm.app.Connect(context.Background(), tm.writer, "idp", tm.hooks(t, nil))
			if err == nil || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
				t.Fatalf("Connect = %v, want %v", err, tc.wantErr)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			rec.assertUntouched(t)
			if rows := tm.rows(t); len(rows) != 0 {
				t.Errorf("%d sources saved, want none", len(rows))
			}
		})
	}
}

// A refresh that meets the same answers keeps the token it had and records the provider's
// fault in the source's status.
func TestRefreshRefusesHostileTokenEndpoint(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc", atServer: "s3cret", sent: "s3cret"})
	src := tm.connect(t, tm.writer, "idp")
	before := tm.token(t, src.ID)
	rec := newRecorder(t, `{"access_token":"stolen","token_type":"Bearer"}`)
	for _, tc := range hostileTokens(tm, rec) {
		t.Run(tc.name, func(t *testing.T) {
			tm.srv.FailNextToken(tc.status, tc.body, tc.header)
			_, err := tm.app.Refresh(ctx, tm.writer, src.ID)
			if err == nil || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
				t.Fatalf("Refresh = %v, want %v", err, tc.wantErr)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			rec.assertUntouched(t)
			if got := tm.token(t, src.ID); got.AccessToken != before.AccessToken || got.RefreshToken != before.RefreshToken {
				t.Errorf("the keychain's token changed after a refused refresh")
			}
			if r := tm.row(t, src.ID); r.Status != StatusError || !strings.Contains(r.StatusDetail, tc.want[0]) {
				t.Errorf("row: status %s (%q), want error saying %q", r.Status, r.StatusDetail, tc.want[0])
			}
		})
	}
}

// A who-am-I endpoint that redirects does not get the access token sent on: the request
// carrying it is not followed to the other host.
func TestConnectRefusesRedirectedWhoAmI(t *testing.T) {
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "typed", provider: "oauth2"})
	rec := newRecorder(t, `{"sub":"someone-else"}`)
	front := redirector(t, http.StatusFound, rec.URL)
	tm.editIntegration(t, "typed", func(in *store.Integration) { in.UserinfoURL = front.URL + "/userinfo" })

	_, err := tm.app.Connect(context.Background(), tm.writer, "typed", tm.hooks(t, nil))
	if !errors.Is(err, egress.ErrRedirect) {
		t.Fatalf("Connect = %v, want ErrRedirect", err)
	}
	if want := front.URL + "/userinfo redirected to " + rec.host(); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	rec.assertUntouched(t)
}

// A discovery document that redirects elsewhere is refused, even where the other host
// serves a document naming the issuer asked for.
func TestDiscoveryRedirectRefused(t *testing.T) {
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	rec := newRecorder(t, "")
	front := redirector(t, http.StatusFound, rec.URL)
	auth, token, revoke, userinfo, _ := tm.srv.Endpoints()
	doc, err := json.Marshal(map[string]any{"issuer": front.URL, "authorization_endpoint": auth,
		"token_endpoint": token, "revocation_endpoint": revoke, "userinfo_endpoint": userinfo})
	if err != nil {
		t.Fatal(err)
	}
	rec.answer = string(doc)
	tm.editIntegration(t, "idp", func(in *store.Integration) { in.Issuer = front.URL })

	_, err = tm.app.Connect(context.Background(), tm.writer, "idp", tm.hooks(t, nil))
	if !errors.Is(err, egress.ErrRedirect) {
		t.Fatalf("Connect = %v, want ErrRedirect", err)
	}
	if want := front.URL + "/.well-known/openid-configuration redirected to " + rec.host(); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	rec.assertUntouched(t)
}
