package transfer

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	encpem "encoding/pem"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"golang.org/x/crypto/ssh"

	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
)

func TestMain(m *testing.M) {
	WorkFactor = 10 // scrypt at age's default takes a second per file
	os.Exit(m.Run())
}

const clientSecret = "s3cr3t-client-value-7f1e"

func sample() Document {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return Document{
		AppVersion: "0.1.0", Workspace: "WSID", ExportedAt: at, IdleLock: 15 * time.Minute, KeepAlive: true,
		Integrations: []Integration{{
			Integration: store.Integration{ID: "custom-abc", Provider: "oidc", Name: "Corp IdP", ClientID: "cid",
				ClientType: "confidential", SecretSetAt: at, SecretSetBy: "root", Enabled: true, RedirectPort: 53682,
				Scopes: []string{"openid", "files"}, Issuer: "https://idp.example", CreatedAt: at, UpdatedAt: at},
			Secret: redact.NewSecret(clientSecret),
		}},
		Users:          []User{{Name: "root", Privilege: "admin", PassphraseHash: "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA", CreatedAt: at}},
		Activity:       []store.Entry{{At: at, Actor: "root", Action: "signin", Subject: "root", Outcome: "ok"}},
		SourcesLeftOut: 3,
	}
}

func encode(t *testing.T, doc Document, keys Keys, armored bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, doc, keys, armored); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

func pass(s string) Keys { return Keys{Passphrase: redact.NewSecret(s)} }

func TestRoundTrip(t *testing.T) {
	x, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	sshLine := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))) + " alice@laptop"
	cases := []struct {
		name      string
		enc, dec  Keys
		armored   bool
		wantArmor bool
	}{
		{"passphrase binary", pass("correct horse"), pass("correct horse"), false, false},
		{"passphrase armoured", pass("correct horse"), pass("correct horse"), true, true},
		{"age recipient", Keys{Recipients: []string{"# ops", x.Recipient().String()}}, Keys{Identity: redact.NewSecret("# key\n" + x.String() + "\n")}, false, false},
		{"ssh recipient", Keys{Recipients: []string{sshLine}}, Keys{Identity: redact.NewSecret(string(encpem.EncodeToMemory(block)))}, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := sample()
			file := encode(t, want, tc.enc, tc.armored)
			if bytes.Contains(file, []byte(clientSecret)) || bytes.Contains(file, []byte("argon2id")) {
				t.Fatal("the file holds a secret in clear")
			}
			if got := bytes.HasPrefix(file, []byte(armorHeader)); got != tc.wantArmor {
				t.Fatalf("armoured = %v, want %v", got, tc.wantArmor)
			}
			got, err := Decode(bytes.NewReader(file), tc.dec)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got.Integrations[0].Secret.Reveal() != clientSecret {
				t.Errorf("secret = %q", got.Integrations[0].Secret.Reveal())
			}
			want.Format = Version
			if g, w := dump(got), dump(want); g != w {
				t.Errorf("document:\n got %s\nwant %s", g, w)
			}
		})
	}
}

// dump shows a document with its secrets, for comparison.
func dump(d Document) string {
	var secrets []string
	for _, in := range d.Integrations {
		secrets = append(secrets, in.Secret.Reveal())
		in.Secret = redact.Secret{}
	}
	b, _ := json.Marshal(struct {
		D Document
		S []string
	}{d, secrets})
	return string(b)
}

func TestBadFiles(t *testing.T) {
	x, _ := age.GenerateX25519Identity()
	other, _ := age.GenerateX25519Identity()
	good := encode(t, sample(), pass("right passphrase"), false)
	armored := encode(t, sample(), pass("right passphrase"), true)
	toX := encode(t, sample(), Keys{Recipients: []string{x.Recipient().String()}}, false)
	tampered := bytes.Clone(good)
	tampered[len(tampered)-20] ^= 1
	newer := newerFile(t)
	cases := []struct {
		name string
		file []byte
		keys Keys
		want error
	}{
		{"empty", nil, pass("right passphrase"), ErrEmpty},
		{"blank", []byte(" \n"), pass("right passphrase"), ErrEmpty},
		{"not age", []byte("hello"), pass("right passphrase"), ErrNotExport},
		{"wrong passphrase", good, pass("wrong passphrase"), ErrWrongKey},
		{"wrong identity", toX, Keys{Identity: redact.NewSecret(other.String())}, ErrWrongKey},
		{"passphrase for a recipient file", toX, pass("right passphrase"), ErrWrongKey},
		{"identity is no key", toX, Keys{Identity: redact.NewSecret("not a key")}, ErrBadIdentity},
		{"truncated", good[:len(good)-10], pass("right passphrase"), ErrDamaged},
		{"truncated header", good[:40], pass("right passphrase"), ErrDamaged},
		{"truncated armour", armored[:len(armored)/2], pass("right passphrase"), ErrDamaged},
		{"tampered", tampered, pass("right passphrase"), ErrDamaged},
		{"newer", newer, pass("right passphrase"), ErrNewer},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Decode(bytes.NewReader(tc.file), tc.keys)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decode: %v, want %v", err, tc.want)
			}
			if len(doc.Integrations) != 0 || len(doc.Users) != 0 {
				t.Error("a refused file still gave a document")
			}
		})
	}
	_, err := Decode(bytes.NewReader(newer), pass("right passphrase"))
	if !strings.Contains(err.Error(), "format version 2") {
		t.Errorf("newer file: %q does not name the version", err)
	}
}

// newerFile is a file of format version 2, as a later app might write.
func newerFile(t *testing.T) []byte {
	t.Helper()
	return sealed(t, `{"format":2,"integrations":[],"something_new":true}`)
}

// sealed encrypts doc, as it stands, to "right passphrase".
func sealed(t *testing.T, doc string) []byte {
	t.Helper()
	r, err := age.NewScryptRecipient("right passphrase")
	if err != nil {
		t.Fatal(err)
	}
	r.SetWorkFactor(WorkFactor)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(doc))
	w.Close()
	return buf.Bytes()
}

// A file of many tiny records is refused by counting them, before any is built: without the
// bounds, 12 MiB of "{}" made the decoder allocate gigabytes.
func TestListsBounded(t *testing.T) {
	many := func(key string, n int) []byte {
		return sealed(t, `{"format":1,"`+key+`":[`+strings.Repeat("{},", n-1)+`{}]}`)
	}
	for _, c := range []struct {
		key string
		max int
	}{{"integrations", MaxIntegrations}, {"users", MaxUsers}, {"activity", MaxActivity}} {
		_, err := Decode(bytes.NewReader(many(c.key, c.max+1)), pass("right passphrase"))
		if !errors.Is(err, ErrNotExport) || !strings.Contains(err.Error(), "more than") {
			t.Errorf("%d %s: %v, want refused as more than %d", c.max+1, c.key, err, c.max)
		}
	}
	// At the bound the count passes; what follows judges the records themselves.
	if _, err := Decode(bytes.NewReader(many("activity", 3)), pass("right passphrase")); err != nil && strings.Contains(err.Error(), "more than") {
		t.Errorf("3 activity entries refused as too many: %v", err)
	}
}

// One record of a list is bounded inside too, before any is built: without the bounds, one
// integration of 22 million "" scopes, or of 9 million keys, held gigabytes of memory.
func TestRecordsBounded(t *testing.T) {
	keys := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, `"k%d":1,`, i)
		}
		return strings.TrimSuffix(b.String(), ",")
	}
	scopes := func(n int) string { return strings.TrimSuffix(strings.Repeat(`"",`, n), ",") }
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for _, c := range []struct{ doc, refusal string }{
		{`{"integrations":[{"id":"a","scopes":[` + scopes(257) + `]}]}`, "integrations[0].scopes holds more than 256 elements"},
		{`{"integrations":[{"id":"a"},{` + keys(65) + `}]}`, "integrations[1] holds more than 64 keys"},
		{`{"users":[{"name":"u","x":{"y":[` + scopes(257) + `]}}]}`, "users[0].x.y holds more than 256 elements"},
		{`{"activity":[{"detail":{` + keys(65) + `}}]}`, "activity[0].detail holds more than 64 keys"},
		{`{"integrations":[{"\u202e":` + deep(8) + `}]}`, "integrations[0].?[0][0][0][0][0][0][0] is nested more than 8 levels deep"},
		{`{"integrations":[{"id":"a","scopes":[` + scopes(256) + `]},{` + keys(64) + `},{"x":` + deep(7) + `}]}`, ""},
	} {
		_, err := Decode(bytes.NewReader(sealed(t, `{"format":1,`+c.doc[1:])), pass("right passphrase"))
		switch {
		case c.refusal == "" && err != nil && strings.Contains(err.Error(), "more than"):
			t.Errorf("records at the bounds refused: %v", err)
		case c.refusal != "" && (!errors.Is(err, ErrNotExport) || !strings.Contains(err.Error(), c.refusal)):
			t.Errorf("%.60s…: %v, want ErrNotExport saying %q", c.doc, err, c.refusal)
		}
	}
	doc, err := Decode(bytes.NewReader(encode(t, sample(), pass("right passphrase"), false)), pass("right passphrase"))
	if err != nil || !slices.Equal(doc.Integrations[0].Scopes, sample().Integrations[0].Scopes) {
		t.Errorf("the sample: %v, scopes %v", err, doc.Integrations)
	}
}

func TestBadRecipient(t *testing.T) {
	for _, r := range []string{"age1notakey", "ssh-ed25519 AAAAnot", "hello"} {
		err := Encode(&bytes.Buffer{}, sample(), Keys{Recipients: []string{r}}, false)
		if !errors.Is(err, ErrBadRecipient) {
			t.Errorf("%q: %v, want ErrBadRecipient", r, err)
		}
	}
	if err := Encode(&bytes.Buffer{}, sample(), Keys{}, false); !errors.Is(err, ErrNoKey) {
		t.Errorf("no key: %v", err)
	}
}

// FuzzDecode feeds the decoder arbitrary files, binary and armoured: it must return an error
// or a document, never panic, and never a document from a file it could not authenticate.
func FuzzDecode(f *testing.F) {
	WorkFactor = 10
	var buf bytes.Buffer
	if err := Encode(&buf, sample(), pass("fuzz"), false); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	buf.Reset()
	if err := Encode(&buf, sample(), pass("fuzz"), true); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("age-encryption.org/v1\n-> scrypt AAAA 10\n"))
	f.Add([]byte(armorHeader + "\n\n"))
	f.Fuzz(func(t *testing.T, file []byte) {
		doc, err := Decode(bytes.NewReader(file), pass("fuzz"))
		if err == nil && doc.Format < 1 {
			t.Fatalf("a document without a format version: %+v", doc)
		}
	})
}

// encoding/json reads "Activity" or "Uſers" into the same fields as "activity" and "users":
// such keys are refused rather than left unbounded.
func TestListKeysSpeltOtherwiseRefused(t *testing.T) {
	for _, key := range []string{"Activity", "USERS", "U\u017fers", "INTEGRATIONS"} {
		_, err := Decode(bytes.NewReader(sealed(t, `{"format":1,"`+key+`":[{}]}`)), pass("right passphrase"))
		if !errors.Is(err, ErrNotExport) || !strings.Contains(err.Error(), "spelt like") {
			t.Errorf("key %q: %v, want refused as spelt like a list's name", key, err)
		}
	}
}

// Text that is not UTF-8 is refused, not read as U+FFFD: raw bytes, or a UTF-16 surrogate
// escaped on its own. An escaped backslash before "ud800" is plain text.
func TestInvalidUTF8Refused(t *testing.T) {
	for _, name := range []string{"bad\xff", `bad\ud800`, `bad\uDC00x`, `\\\ud800`} {
		doc := `{"format":1,"users":[{"name":"` + name + `","privilege":"read"}]}`
		if _, err := Decode(bytes.NewReader(sealed(t, doc)), pass("right passphrase")); !errors.Is(err, ErrNotExport) {
			t.Errorf("a name %q: %v, want ErrNotExport", name, err)
		}
	}
	doc := `{"format":1,"users":[{"name":"C:\\ud800 \u00e9\ud83d\ude00","privilege":"read"}]}`
	got, err := Decode(bytes.NewReader(sealed(t, doc)), pass("right passphrase"))
	if err != nil || got.Users[0].Name != `C:\ud800 é😀` {
		t.Errorf("plain text with an escaped backslash and a surrogate pair: %+v, %v", got.Users, err)
	}
}

// A file may not ask the passphrase for more scrypt work than the app itself uses: each step
// doubles the memory and time of every attempt. The header is refused before any work.
func TestWorkFactorCapped(t *testing.T) {
	file := sealed(t, `{"format":1}`)
	stanza := fmt.Sprintf(" %d\n", WorkFactor)
	i := bytes.Index(file, []byte(stanza))
	if i < 0 {
		t.Fatalf("no scrypt stanza with work factor %d in %q", WorkFactor, file[:100])
	}
	// 19: one more than the 18 the app writes.
	above := append(append(append([]byte{}, file[:i]...), " 19\n"...), file[i+len(stanza):]...)
	start := time.Now()
	_, err := Decode(bytes.NewReader(above), pass("right passphrase"))
	if err == nil || errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), "work factor") {
		t.Errorf("a file asking for work factor 19: %v, want it refused for its work factor", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the refusal took %v: the work was done first", d)
	}
}
