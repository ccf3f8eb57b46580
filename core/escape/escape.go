// Package escape renders text that a person or a provider typed so that it can be read safely
// in a terminal, a log line or a label: controls and bidirectional overrides are shown, not
// obeyed. The data itself is stored as given; only what people read is escaped. It is a leaf
// package so that every part of core (and, through core, the CLI and the GUI) shares one rule.
package escape

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Text returns s with every character that could move the cursor, start a terminal escape
// sequence, break a line or reorder the text shown as a visible escape: C0 and C1 controls and
// DEL as \n, \t, \x1b, \u0085 and the like; line and paragraph separators (U+2028, U+2029);
// bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F,
// U+202A–U+202E, U+2066–U+2069) as \u202e and the like; bytes that are not UTF-8 as \xff.
// Everything else, backslashes included, is kept as it is, so ordinary names read unchanged.
func Text(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !hidden(r):
			b.WriteString(s[i : i+size])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

// Cut returns s cut to at most n characters (runes), an ellipsis ending a cut one, so that a
// name nobody chose to keep cannot fill the activity log.
func Cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, k := 0, 0
	for i < len(s) && k < n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		k++
	}
	return s[:i] + "…"
}

// clean reports whether Text has nothing to change, the common case, so it costs no copy.
func clean(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || hidden(r) {
			return false
		}
		i += size
	}
	return true
}

// hidden reports whether r is a character that Text shows as an escape.
func hidden(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f: // C0, DEL, C1
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // bidi marks
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // embeddings, overrides, isolates
		return true
	}
	return false
}
