package loopback

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
)

// serveHTTP is the callback handler. Only GET /callback with the redirect URI's Host and this
// flow's state ends the flow; anything else gets a static refusal and the flow keeps waiting.
func (f *Flow) serveHTTP(w http.ResponseWriter, r *http.Request) {
	// The Host check stops DNS rebinding: a web page that points its own name at 127.0.0.1
	// reaches this port, but with its name in Host.
	if !strings.EqualFold(r.Host, f.hostPort) {
		writeText(w, http.StatusBadRequest, badRequestText)
		return
	}
	if isStart(r) {
		f.serveStart(w, r)
		return
	}
	if r.URL.Path != CallbackPath {
		writeText(w, http.StatusNotFound, notFoundText)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeText(w, http.StatusMethodNotAllowed, methodText)
		return
	}
	// Another user who learnt the port and the state (a browser's arguments, a shared
	// screen) could otherwise end this user's sign-in with a code of their own account.
	if !fromThisUser(r) {
		writeText(w, http.StatusForbidden, badRequestText)
		return
	}
	res, err := f.check(r.URL.RawQuery)
	if err != nil {
		writeText(w, http.StatusBadRequest, badRequestText)
		return
	}
	if !f.claim(res) {
		writeText(w, http.StatusGone, finishedText)
		return
	}
	// The page is sent before the flow is released: once released, Wait closes the listener
	// and every connection, this one too, and the browser would show a connection error
	// after a sign-in that worked.
	defer f.release()
	if res.err == nil {
		writeHTML(w, http.StatusOK, successPage)
	} else {
		writeHTML(w, http.StatusBadRequest, failurePage)
	}
}

// deliver ends the flow with a pasted callback's query. With this flow's state it ends the flow
// (ended is true) with the code, or with the provider's error or an issuer refusal as err.
// Otherwise the flow keeps waiting and err says why the query was refused.
func (f *Flow) deliver(rawQuery string) (ended bool, err error) {
	res, err := f.check(rawQuery)
	if err != nil {
		return false, err
	}
	if !f.end(res) {
		return false, errFinished
	}
	return true, res.err
}

// check reads a callback's query. With this flow's state it returns the outcome: the code, or
// the provider's error or an issuer refusal as res.err. Otherwise err says why the query was
// refused, and the flow keeps waiting.
func (f *Flow) check(rawQuery string) (res result, err error) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return result{}, ErrNotCallback
	}
	if s := q["state"]; len(s) != 1 || subtle.ConstantTimeCompare([]byte(s[0]), []byte(f.state)) != 1 {
		return result{}, ErrStateMismatch
	}
	for _, k := range []string{"code", "error", "error_description", "error_uri", "iss"} {
		if len(q[k]) > 1 { // RFC 6749 section 3.1: no parameter more than once
			return result{}, ErrNotCallback
		}
	}

	res = result{callback: true}
	switch {
	case q.Has("iss") && f.issuer != "" && q.Get("iss") != f.issuer:
		res.err = ErrIssuerMismatch
	case !q.Has("iss") && f.requireIss && (q.Get("error") != "" || q.Get("code") != ""):
		// RFC 9207 section 2.4: a server that says it sends iss sends it in error answers too.
		res.err = ErrIssuerMissing
	case q.Get("error") != "":
		res.err = &ProviderError{Provider: f.provider, Code: q.Get("error"), Description: q.Get("error_description"), URI: q.Get("error_uri")}
	case q.Get("code") != "":
		res.code = q.Get("code")
	default:
		return result{}, ErrNotCallback
	}
	return res, nil
}
