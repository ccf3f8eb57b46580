package escape

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "wendy@example.com", "wendy@example.com"},
		{"unicode letters kept", "Zoë 東京 👩‍💻", "Zoë 東京 👩‍💻"},
		{"backslash kept", `DOMAIN\user`, `DOMAIN\user`},
		{"osc title and bell", "ghost\x1b]0;PWNED\x07", `ghost\x1b]0;PWNED\x07`},
		{"line breaks", "a\nb\rc\td", `a\nb\rc\td`},
		{"nul and del", "a\x00b\x7f", `a\x00b\x7f`},
		{"c1 csi and nel", "a\u009b31mb\u0085", `a\u009b31mb\u0085`},
		{"line and paragraph separators", "a\u2028b\u2029", `a\u2028b\u2029`},
		{"right-to-left override", "evil\u202egnp.exe", `evil\u202egnp.exe`},
		{"every bidi control", "\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
			`\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c`},
		{"invalid utf-8", "a\xffb", `a\xffb`},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTextLeavesNothingHidden(t *testing.T) {
	var all strings.Builder
	for r := rune(0); r < 0x3000; r++ {
		all.WriteRune(r)
	}
	got := Text(all.String() + "\xfe")
	for _, r := range got {
		if hidden(r) {
			t.Fatalf("Text left %U in its output", r)
		}
	}
}

func TestCut(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"ghost", 64, "ghost"},
		{"abcdef", 6, "abcdef"},
		{"abcdef", 3, "abc…"},
		{"ééééé", 2, "éé…"},
		{"", 3, ""},
	}
	for _, tt := range tests {
		if got := Cut(tt.in, tt.n); got != tt.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
