package redact

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

const plain = "s3cr3t-Value"

// leaks reports whether out shows the secret, as text or as hex.
func leaks(out string) bool {
	return strings.Contains(out, plain) ||
		strings.Contains(strings.ToLower(out), hex.EncodeToString([]byte(plain)))
}

type holder struct {
	Name   string
	Secret Secret
	hidden Secret
}

func TestSecretFormatsAsRedacted(t *testing.T) {
	s := NewSecret(plain)
	h := holder{Name: "n", Secret: s, hidden: s}
	tests := []struct {
		name string
		got  string
		want string // a substring the output must hold
	}{
		{"String", s.String(), redacted},
		{"GoString", s.GoString(), redacted},
		{"%v", fmt.Sprintf("%v", s), redacted},
		{"%+v", fmt.Sprintf("%+v", s), redacted},
		{"%#v", fmt.Sprintf("%#v", s), redacted},
		{"%s", fmt.Sprintf("%s", s), redacted},
		{"%q", fmt.Sprintf("%q", s), redacted},
		{"%x", fmt.Sprintf("%x", s), redacted},
		{"%X", fmt.Sprintf("%X", s), redacted},
		{"pointer %v", fmt.Sprintf("%v", &s), redacted},
		{"struct %v", fmt.Sprintf("%v", h), redacted},
		{"struct %+v", fmt.Sprintf("%+v", h), "Secret:" + redacted},
		{"struct %#v", fmt.Sprintf("%#v", h), "Secret:" + redacted},
		{"struct pointer %+v", fmt.Sprintf("%+v", &h), "Secret:" + redacted},
		{"slice %v", fmt.Sprintf("%v", []Secret{s}), "[" + redacted + "]"},
		{"map %v", fmt.Sprintf("%v", map[string]Secret{"k": s}), "k:" + redacted},
		{"error", fmt.Errorf("bad secret %v", s).Error(), redacted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if leaks(tc.got) || !strings.Contains(tc.got, tc.want) {
				t.Errorf("got %q, want it to hold %q and not the secret", tc.got, tc.want)
			}
		})
	}
}

// A Secret in an unexported field is printed by reflection, without its methods: it must
// still not show the value.
func TestSecretInUnexportedFieldDoesNotLeak(t *testing.T) {
	h := holder{hidden: NewSecret(plain)}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x"} {
		if got := fmt.Sprintf(verb, h); leaks(got) {
			t.Errorf("%s: got %q, holds the secret", verb, got)
		}
	}
}

func TestSecretInSlog(t *testing.T) {
	s := NewSecret(plain)
	h := holder{Name: "n", Secret: s, hidden: s}
	for _, handler := range []string{"text", "json"} {
		t.Run(handler, func(t *testing.T) {
			var buf bytes.Buffer
			var hd slog.Handler = slog.NewTextHandler(&buf, nil)
			if handler == "json" {
				hd = slog.NewJSONHandler(&buf, nil)
			}
			log := slog.New(hd)
			log.Info("attr", "secret", s)
			log.Info("typed attr", slog.Any("secret", s))
			log.Info("group", slog.Group("g", slog.Any("secret", s)))
			log.Info("struct", "holder", h)
			log.With("secret", s).WithGroup("w").Info("with", "secret", s)
			out := buf.String()
			if leaks(out) {
				t.Fatalf("log holds the secret:\n%s", out)
			}
			if n := strings.Count(out, redacted); n < 6 {
				t.Errorf("got %d %q in the log, want at least 6:\n%s", n, redacted, out)
			}
		})
	}
}

func TestSecretInJSON(t *testing.T) {
	b, err := json.Marshal(holder{Name: "n", Secret: NewSecret(plain), hidden: NewSecret(plain)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"Name":"n","Secret":"[redacted]"}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestSecretValue(t *testing.T) {
	tests := []struct {
		name   string
		s      Secret
		reveal string
		zero   bool
	}{
		{"zero value", Secret{}, "", true},
		{"empty", NewSecret(""), "", true},
		{"value", NewSecret("日本"), "日本", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.Reveal(); got != tc.reveal {
				t.Errorf("Reveal: got %q, want %q", got, tc.reveal)
			}
			if got := tc.s.IsZero(); got != tc.zero {
				t.Errorf("IsZero: got %v, want %v", got, tc.zero)
			}
			if got := tc.s.Len(); got != len(tc.reveal) {
				t.Errorf("Len: got %d, want %d", got, len(tc.reveal))
			}
		})
	}
}
