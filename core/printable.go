package core

import "github.com/medialake/connect/core/escape"

// Printable returns s, a text a person or a provider typed, ready to be read in a terminal, a
// log line or a label: controls, DEL and bidirectional overrides are shown as escapes such as
// \x1b or \u202e, so they can neither drive the terminal nor forge a row. The data itself is
// kept as given; JSON output needs no such care, its encoder escapes controls. The CLI and the
// GUI call this for every name, account and detail they show.
func Printable(s string) string { return escape.Text(s) }
