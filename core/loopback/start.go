package loopback

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/netip"
)

// StartPath is where the browser is sent first: StartURL, which carries a one-time key and
// neither the state nor the PKCE challenge, redirects to AuthURL.
const StartPath = "/start"

// StartURL is the address to give the browser: a browser is started with its address as an
// argument, and every user of the computer can read any process's arguments
// (/proc/PID/cmdline, ps). AuthURL carries the state and the challenge, with which another
// user could answer the sign-in first; StartURL carries a key that answers once, and on Linux
// only connections of this user (see sameUser).
func (f *Flow) StartURL() string { return "http://" + f.hostPort + StartPath + "?k=" + f.startKey }

// serveStart sends this user's browser on to AuthURL, once.
func (f *Flow) serveStart(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Query().Get("k")
	if r.Method != http.MethodGet || subtle.ConstantTimeCompare([]byte(key), []byte(f.startKey)) != 1 {
		writeText(w, http.StatusBadRequest, badRequestText)
		return
	}
	if !fromThisUser(r) {
		writeText(w, http.StatusForbidden, badRequestText)
		return
	}
	f.mu.Lock()
	used := f.started
	f.started = true
	f.mu.Unlock()
	if used {
		writeHTML(w, http.StatusGone, usedPage)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, f.authURL, http.StatusSeeOther)
}

// fromThisUser reports whether r came over a connection of this user (see sameUser). The
// connection's own local address is used, not the redirect's host: where that says localhost,
// the browser may have come in on ::1.
func fromThisUser(r *http.Request) bool {
	local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	remote, err := netip.ParseAddrPort(r.RemoteAddr)
	if local == nil || err != nil {
		return false
	}
	return sameUser(net.TCPAddrFromAddrPort(remote), local)
}

// isStart reports whether r asks for the start page.
func isStart(r *http.Request) bool { return r.URL.Path == StartPath }
