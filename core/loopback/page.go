package loopback

import (
	"net/http"
	"strconv"
)

// The pages are constants: nothing from the request is ever written back, so nothing can be
// reflected into the browser.
const (
	// PageStyle is the look of every page this app serves to the browser, the sandbox's
	// sign-in page too: the browser's light or dark theme, as the person chose it, and a
	// layout that fits a window 400 px wide.
	PageStyle = `:root{color-scheme:light dark}*{box-sizing:border-box}` +
		`body{font-family:system-ui,sans-serif;max-width:34em;margin:4em auto;padding:0 1em;color:#222;background:#fff}` +
		`@media (prefers-color-scheme:dark){body{color:#e6e6e6;background:#1c1c1c}}`

	pageHead = `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
		`<meta name="viewport" content="width=device-width,initial-scale=1"><title>Medialake Connect</title><style>` +
		PageStyle + `</style></head><body>`

	successPage = pageHead + `<h1>Signed in</h1>` +
		`<p>You can close this tab and return to Medialake Connect.</p></body></html>`

	failurePage = pageHead + `<h1>Sign-in not completed</h1>` +
		`<p>Close this tab and return to Medialake Connect to see what went wrong.</p></body></html>`

	// usedPage answers the start address once it has sent a browser on: a second tab, or the
	// first one reloaded. The sign-in goes on in the tab that was sent on.
	usedPage = pageHead + `<h1>This sign-in link has already been used</h1>` +
		`<p>It opens the sign-in page once. Go on in the tab where it opened, ` +
		`or start again from Medialake Connect.</p></body></html>`

	badRequestText = "bad request\n"
	notFoundText   = "not found\n"
	methodText     = "method not allowed\n"
	finishedText   = "this sign-in has already finished\n"
)

// writeHTML sends one of the static pages.
func writeHTML(w http.ResponseWriter, status int, page string) {
	write(w, status, "text/html; charset=utf-8", page)
}

// writeText sends a short static text for requests that are not a valid callback.
func writeText(w http.ResponseWriter, status int, text string) {
	write(w, status, "text/plain; charset=utf-8", text)
}

func write(w http.ResponseWriter, status int, contentType, body string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	PageHeaders(h, "'none'")
	// One request per connection: the server closes right after the flow ends.
	h.Set("Connection", "close")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

// PageHeaders sets the security headers of a page this app serves to the browser: no
// sniffing, a Content-Security-Policy that allows no script and no framing, no caching, no
// referrer. formAction is the policy's form-action sources: 'none' for a page without a
// form (the callback's); the sandbox's sign-in page names where its form may go.
func PageHeaders(h http.Header, formAction string) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action "+formAction+"; base-uri 'none'")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
}
