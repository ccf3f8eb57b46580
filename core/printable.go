package core

import (
	"strings"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/escape"
)

// Printable returns s, a text a person or a provider typed, ready to be read in a terminal, a
// log line or a label: controls, DEL and bidirectional overrides are shown as escapes such as
// \x1b or \u202e, so they can neither drive the terminal nor forge a row. The data itself is
// kept as given; JSON output needs no such care, its encoder escapes controls. The CLI and the
// GUI call this for every name, account and detail they show.
func Printable(s string) string { return escape.Text(s) }

// Short is s cut to n characters, an ellipsis ending a cut one: for a provider's long text in
// a table cell, whose whole text the source's details (or --json) give.
func Short(s string, n int) string { return escape.Cut(s, n) }

// typedName trims a user name as typed at sign-in or for a recovery and cuts it to
// access.MaxNameLen characters, an ellipsis ending a cut one: no user has a longer name, and
// an attempt's name goes to the activity log, where anyone could otherwise fill it.
func typedName(name string) string { return escape.Cut(strings.TrimSpace(name), access.MaxNameLen) }
