package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/openid"
	"github.com/ory/fosite/token/jwt"

	"github.com/medialake/connect/core/loopback"
	"github.com/medialake/connect/core/store"
)

// The sign-in page is a plain HTML form, without JavaScript: an account name, the scopes
// asked for, Allow and Deny. It posts the authorization request back with a CSRF token:
// a random value in a cookie and, in the form, a MAC of that value that only the sandbox
// can make. Cookies do not keep ports apart, so another program on 127.0.0.1 could set the
// cookie, but not make the MAC.

const (
	csrfCookie  = "sandbox_csrf"
	csrfField   = "csrf"
	accountName = "account"
	decision    = "decision"
	csrfMaxAge  = 15 * time.Minute
	maxAccount  = 254
)

// The sign-in page's own rules, on top of loopback.PageStyle: the note, the error and the
// form, in the light and the dark theme.
const pageStyle = `.note{background:#fff4d6;color:#222;padding:.5em 1em;border-radius:4px}.err{color:#b00020}::placeholder{color:#6b6b6b}` +
	`@media (prefers-color-scheme:dark){.note{background:#3d3214;color:#f2e8cc}.err{color:#ff8a80}::placeholder{color:#b0b0b0}}` +
	`label{display:block;margin:1em 0 .3em}input[type=text]{width:100%;padding:.4em;font-size:1em}` +
	`button{font-size:1em;padding:.4em 1.2em;margin:1em .5em 0 0}`

var page = template.Must(template.New("signin").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sandbox sign-in · Medialake Connect</title>
<style>` + loopback.PageStyle + pageStyle + `</style></head>
<body><h1>Sandbox sign-in</h1>
<p class="note">This is the sandbox built into Medialake Connect, on this computer. It connects no real storage: any account name works.</p>
<p><strong>Medialake Connect</strong> asks for access to:</p>
<ul>{{range .Scopes}}<li>{{.}}</li>{{end}}</ul>
<form method="post" action="{{.Action}}">
{{range .Hidden}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<input type="hidden" name="csrf" value="{{.CSRF}}">
<label for="account">Account name</label>
<input type="text" id="account" name="account" value="{{.Account}}" placeholder="jane@example.com" autocomplete="email" required autofocus>
{{if .Problem}}<p class="err" id="problem">{{.Problem}}</p>{{end}}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
</form></body></html>
`))

type field struct{ Name, Value string }

type pageData struct {
	Action, CSRF, Account, Problem string
	Scopes                         []string
	Hidden                         []field
}

// signInPage shows the form for a valid authorization request; an invalid one gets fosite's
// answer (an error page, or a redirect with the error where the redirect URI is known).
func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ar, err := s.provider.NewAuthorizeRequest(ctx, r)
	if err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	if ok, err := store.SandboxFlowStarted(ctx, s.cfg.DB, ar.GetRequestForm().Get("code_challenge"), s.cfg.Now()); err != nil || !ok {
		http.Error(w, notStarted, http.StatusForbidden)
		return
	}
	s.writePage(w, r, ar, "", "", http.StatusOK)
}

// notStarted answers a sign-in the app did not start: another program, or another user of
// this computer, cannot make the sandbox issue codes.
const notStarted = "This sign-in was not started by Medialake Connect on this computer: start it from the app."

// writePage writes the form with a fresh CSRF token, carrying the request's parameters.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, ar fosite.AuthorizeRequester, account, problem string, status int) {
	c := csrfValue(r)
	ts := strconv.FormatInt(s.cfg.Now().Unix(), 10)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: c, Path: "/authorize", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: int(csrfMaxAge / time.Second)})
	d := pageData{Action: s.issuer + "/authorize", CSRF: ts + "." + s.keys.mac("csrf", c, ts),
		Account: account, Problem: problem, Scopes: ar.GetRequestedScopes()}
	q := r.Form
	if r.Method == http.MethodGet {
		q = r.URL.Query()
	}
	names := make([]string, 0, len(q))
	for k := range q {
		if k != csrfField && k != accountName && k != decision {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range q[k] {
			d.Hidden = append(d.Hidden, field{k, v})
		}
	}
	var b strings.Builder
	if err := page.Execute(&b, d); err != nil {
		http.Error(w, "page", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// The callback page's headers; the form may post here, and the redirect that answers it
	// goes to the app's listener on another loopback port.
	loopback.PageHeaders(h, "'self' http://127.0.0.1:*")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// csrfValue is the browser's CSRF cookie where it sends one of ours, else a new value. A new
// value would replace the cookie, and the form of every other sign-in page open in that
// browser would then be refused as expired: another sign-in's, or one that a page of another
// origin loaded in the background. Keeping a value that another program set is harmless:
// the form's token is a MAC of it that only the sandbox makes, shown only on this page.
func csrfValue(r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == len(rand.Text()) &&
		strings.Trim(c.Value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == "" {
		return c.Value
	}
	return rand.Text()
}

// csrfValid checks the form's token against the cookie: the MAC of the cookie's value and
// the time it was issued, not older than csrfMaxAge.
func (s *Server) csrfValid(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || c.Value == "" {
		return false
	}
	ts, mac, ok := strings.Cut(r.PostForm.Get(csrfField), ".")
	if !ok {
		return false
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || s.cfg.Now().Sub(time.Unix(sec, 0)) > csrfMaxAge {
		return false
	}
	return hmac.Equal([]byte(mac), []byte(s.keys.mac("csrf", c.Value, ts)))
}

// signIn takes the form: Deny answers access_denied; Allow approves as the account typed,
// granting the scopes asked for.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil || !s.csrfValid(r) {
		http.Error(w, "This form has expired or did not come from the sandbox's page: start the sign-in again from Medialake Connect.", http.StatusForbidden)
		return
	}
	ar, err := s.provider.NewAuthorizeRequest(ctx, r)
	if err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	allow := r.PostForm.Get(decision) == "allow"
	account := strings.TrimSpace(r.PostForm.Get(accountName))
	if problem := accountProblem(account); allow && problem != "" {
		s.writePage(w, r, ar, account, problem, http.StatusBadRequest)
		return
	}
	// One answer, Allow or Deny, per sign-in the app started.
	if ok, err := store.TakeSandboxFlow(ctx, s.cfg.DB, ar.GetRequestForm().Get("code_challenge"), s.cfg.Now()); err != nil || !ok {
		http.Error(w, notStarted, http.StatusForbidden)
		return
	}
	if !allow {
		s.provider.WriteAuthorizeError(ctx, w, ar, fosite.ErrAccessDenied.WithHint("The person chose Deny on the sandbox's sign-in page."))
		return
	}
	for _, scope := range ar.GetRequestedScopes() {
		ar.GrantScope(scope)
	}
	now := s.cfg.Now().UTC()
	subject := "sandbox-" + s.keys.mac("subject", strings.ToLower(account))[:20]
	sess := &openid.DefaultSession{
		Claims: &jwt.IDTokenClaims{Subject: subject, Issuer: s.issuer, AuthTime: now, RequestedAt: now,
			Extra: map[string]any{"email": account, "name": account}},
		Headers:  &jwt.Headers{Extra: map[string]any{"kid": s.keys.kid}},
		Subject:  subject,
		Username: account,
	}
	resp, err := s.provider.NewAuthorizeResponse(ctx, ar, sess)
	if err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	resp.AddParameter("iss", s.issuer) // RFC 9207
	s.provider.WriteAuthorizeResponse(ctx, w, ar, resp)
}

// accountProblem says what is wrong with an account name as typed; "" if nothing.
func accountProblem(account string) string {
	switch {
	case account == "":
		return "Type an account name, such as jane@example.com."
	case len(account) > maxAccount:
		return "An account name has at most 254 characters."
	case strings.IndexFunc(account, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0:
		return "An account name has no spaces or invisible characters, such as jane@example.com."
	}
	return ""
}
