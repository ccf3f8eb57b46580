package testkit

import (
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/medialake/connect/internal/authtest"
)

// Browser plays the person at the system browser for a sign-in at an authtest.Server: the
// server approves as its current user, and the browser follows the redirect to the app's
// callback and reads the page the app answers with.
type Browser struct {
	srv    *authtest.Server
	client *http.Client
	// Seen, if not nil, gets each callback address the browser goes to.
	Seen chan<- string
	wg   sync.WaitGroup
}

// NewBrowser returns a browser that signs in at srv; the test's end closes its connections
// and waits for the visits Open started.
func NewBrowser(t testing.TB, srv *authtest.Server) *Browser {
	tr := &http.Transport{DisableKeepAlives: true}
	b := &Browser{srv: srv, client: &http.Client{Transport: tr}}
	t.Cleanup(func() {
		b.wg.Wait()
		tr.CloseIdleConnections()
	})
	return b
}

// Visit goes to authURL, where the server approves, then to the app's callback, and returns
// the status of the page the app answered with once it is read; err is a visit that reached
// no page.
func (b *Browser) Visit(authURL string) (status int, err error) {
	loc, err := b.srv.Authorize(context.Background(), authURL)
	if err != nil {
		return 0, err
	}
	if b.Seen != nil {
		b.Seen <- loc.String()
	}
	resp, err := b.client.Get(loc.String())
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

// OpenURL is Visit as a front end's OpenURL, returning once the page is read: it fails only
// where no page was reached, since a browser shows a failure page as it shows any other (the
// sign-in's outcome tells).
func (b *Browser) OpenURL(authURL string) error {
	_, err := b.Visit(authURL)
	return err
}

// Open is OpenURL started in the background, as a system browser returns once started: the
// sign-in's outcome tells how the visit went, and Wait waits for it.
func (b *Browser) Open(authURL string) error {
	b.wg.Go(func() { _ = b.OpenURL(authURL) })
	return nil
}

// Wait waits for the visits Open started.
func (b *Browser) Wait() { b.wg.Wait() }
