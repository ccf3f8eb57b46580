package core

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/internal/authtest"
)

// recordingHost is a local host for a provider that the app does not serve itself (custom
// OpenID Connect): it sends sign-ins to an authorization server of the test's and records
// what general code asks it.
type recordingHost struct {
	at     string // the issuer it answers with
	listen int    // the port it says it listens on

	mu    sync.Mutex
	calls []string
	urls  []string // the authorization URLs of begin and end
}

func (h *recordingHost) record(call, url string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, call)
	if url != "" {
		h.urls = append(h.urls, url)
	}
}

func (h *recordingHost) issuer(context.Context) (string, error) {
	h.record("issuer", "")
	return h.at, nil
}
func (h *recordingHost) begin(_ context.Context, u string) error { h.record("begin", u); return nil }
func (h *recordingHost) end(u string)                            { h.record("end", u) }
func (h *recordingHost) enabled(context.Context, *sql.Tx) error  { h.record("enabled", ""); return nil }
func (h *recordingHost) removed(context.Context, *sql.Tx) error  { h.record("removed", ""); return nil }
func (h *recordingHost) forget(context.Context) error            { h.record("forget", ""); return nil }
func (h *recordingHost) keys() []string                          { return nil }
func (h *recordingHost) port(context.Context) (int, error)       { return h.listen, nil }
func (h *recordingHost) close() error                            { h.record("close", ""); return nil }

// TestLocalHostOfAnyProvider: general code reaches a provider the app serves itself only
// through its local host, whichever provider it is. A custom OpenID Connect integration
// whose host answers with another issuer than the saved one signs in there (the saved
// issuer does not know the client), its host is told of the sign-in, the enabling, the
// removal and the close, and its port is refused to other integrations.
func TestLocalHostOfAnyProvider(t *testing.T) {
	ctx := context.Background()
	saved, hosted := authtest.New(t), authtest.New(t)
	hosted.AddClient(authtest.Client{ID: "medialake", Secret: "s3", RedirectURIs: []string{"http://127.0.0.1/callback"}})
	h := &recordingHost{at: hosted.Issuer(), listen: freePort(t)}
	localHosts[catalog.OIDC] = func(*App) localHost { return h }
	t.Cleanup(func() { delete(localHosts, catalog.OIDC) })
	w := newAdminWorkspace(t, nil)
	a := w.app

	id, err := a.AddCustomIntegration(ctx, w.admin, "Hosted", catalog.OIDC)
	if err != nil {
		t.Fatal(err)
	}
	in := IntegrationInput{ID: id, Name: "Hosted", ClientID: "medialake", Secret: secret("s3"), Issuer: saved.Issuer()}
	if err := a.SaveIntegration(ctx, w.admin, in); err != nil {
		t.Fatal(err)
	}
	if err := a.SetEnabled(ctx, w.admin, id, true); err != nil {
		t.Fatal(err)
	}
	// A sign-in sent elsewhere than the host's issuer ends at once, without waiting for
	// the flow's own time limit.
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	open := func(authURL string) error {
		wg.Go(func() {
			loc, err := hosted.Authorize(sctx, authURL)
			if err != nil {
				cancel()
				return
			}
			if resp, err := http.Get(loc.String()); err == nil {
				resp.Body.Close()
			}
		})
		return nil
	}
	report, err := a.TestAuthorization(sctx, w.admin, id, FlowHooks{OpenURL: open})
	wg.Wait()
	if err != nil || !report.OK {
		t.Fatalf("TestAuthorization = %+v, %v; want a sign-in at the host's issuer", report, err)
	}

	other, err := a.AddCustomIntegration(ctx, w.admin, "Other", catalog.OAuth2)
	if err != nil {
		t.Fatal(err)
	}
	err = a.SaveIntegration(ctx, w.admin, IntegrationInput{ID: other, Name: "Other", ClientID: "x",
		AuthURL: "https://idp.example/auth", TokenURL: "https://idp.example/token", Port: strconv.Itoa(h.listen)})
	oidc, _ := catalog.Lookup(catalog.OIDC)
	var verr *ValidationError
	if !hasField(err, FieldPort) || !errors.As(err, &verr) || !strings.Contains(verr.Fields[FieldPort], oidc.Name) {
		t.Errorf("pinning the host's port %d: %v, want the port refused as %s's", h.listen, err, oidc.Name)
	}

	if err := a.RemoveIntegration(ctx, w.admin, id, true); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if want := []string{"enabled", "issuer", "begin", "end", "removed", "forget", "close"}; !slices.Equal(h.calls, want) {
		t.Errorf("the host was asked %v, want %v", h.calls, want)
	}
	if len(h.urls) != 2 || h.urls[0] != h.urls[1] || !strings.HasPrefix(h.urls[0], hosted.Issuer()) {
		t.Errorf("begin and end got %q, want one authorization URL at %s", h.urls, hosted.Issuer())
	}
}
