package core

import (
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/medialake/connect/core/private"
)

// linkKept is how long a sign-in page made by PrivateLink stays: the browser reads it within
// seconds of being started.
const linkKept = 2 * time.Minute

// PrivateLink returns the link a front end gives the system browser for address (a sign-in
// address): a page, in a folder only this user can read, that sends the browser on to
// address. A browser is started with its link as an argument, and any user of the computer
// can read any process's arguments (/proc/PID/cmdline, ps); the sign-in address carries the
// flow's state and PKCE challenge, with which another user could answer the sign-in first
// and have the app connect an account of theirs. The page is deleted after a while, and pages
// a process left behind by the next call.
func PrivateLink(address string) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("sign-in page: %w", err)
	}
	dir := filepath.Join(cache, "medialake-connect", "sign-in")
	if err := private.Dir(dir); err != nil {
		return "", fmt.Errorf("sign-in page: %w", err)
	}
	sweepLinks(dir)
	f, err := os.CreateTemp(dir, "sign-in-*.html") // 0600
	if err != nil {
		return "", fmt.Errorf("sign-in page: %w", err)
	}
	_, err = f.WriteString(linkPage(address))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("sign-in page: %w", err)
	}
	time.AfterFunc(linkKept, func() { os.Remove(f.Name()) })
	p := filepath.ToSlash(f.Name())
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/Users/… on Windows
	}
	return (&url.URL{Scheme: "file", Path: p}).String(), nil
}

// linkPage sends the browser on to address at once, and offers the link where it does not.
func linkPage(address string) string {
	a := html.EscapeString(address)
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">` +
		`<meta http-equiv="refresh" content="0; url=` + a + `"><title>Medialake Connect</title></head>` +
		`<body><p>Opening the sign-in page… <a href="` + a + `">Continue</a></p></body></html>` + "\n"
}

// sweepLinks deletes the pages older than linkKept.
func sweepLinks(dir string) {
	old, _ := filepath.Glob(filepath.Join(dir, "sign-in-*.html"))
	for _, p := range old {
		if st, err := os.Stat(p); err == nil && time.Since(st.ModTime()) > linkKept {
			os.Remove(p)
		}
	}
}
