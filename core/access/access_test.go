package access

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/core/redact"
)

// cheap keeps the suite fast; TestDefaultParams checks the real ones.
var cheap = Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

func useParams(t *testing.T, p Params) {
	t.Helper()
	old := HashParams
	HashParams = p
	t.Cleanup(func() { HashParams = old })
}

func TestAllowed(t *testing.T) {
	adminOnly := []Action{UserList, UserAdd, UserSetPrivilege, UserResetPassphrase, UserDisable,
		UserEnable, UserDelete, ActivityRead, ActivityExport, SettingsChange, IntegrationView,
		IntegrationAdd, IntegrationSave, IntegrationRemove, IntegrationEnable, IntegrationDisable,
		IntegrationTest, WorkspaceExport, WorkspaceImport, WorkspaceRemove}
	ownSource := []Action{SourceReconnect, SourceRefresh, SourceDisconnect, SourceForget, SourceDenyScripts}
	type row struct {
		p    Privilege
		a    Action
		owns bool
		want bool
	}
	var rows []row
	for _, a := range adminOnly {
		rows = append(rows, row{Admin, a, false, true}, row{Write, a, false, false},
			row{Write, a, true, false}, row{Read, a, false, false})
	}
	for _, a := range ownSource {
		rows = append(rows, row{Admin, a, false, true}, row{Admin, a, true, true},
			row{Write, a, true, true}, row{Write, a, false, false},
			row{Read, a, true, false}, row{Read, a, false, false})
	}
	// A token, and letting programs get it, are the owner's only, whatever the privilege.
	for _, a := range []Action{SourceToken, SourceAllowScripts} {
		rows = append(rows, row{Admin, a, false, false}, row{Admin, a, true, true},
			row{Write, a, true, true}, row{Write, a, false, false},
			row{Read, a, true, false}, row{Read, a, false, false})
	}
	for _, p := range []Privilege{Admin, Write, Read} {
		rows = append(rows, row{p, SourceList, false, true}, row{p, PassphraseChangeOwn, false, true},
			row{p, SourceConnect, true, p != Read}, row{p, SignIn, true, false},
			row{p, Action("made.up"), true, false})
	}
	rows = append(rows, row{0, SourceList, true, false}, row{Privilege(9), UserAdd, true, false})

	if covered := len(adminOnly) + len(ownSource) + 5; covered != len(Actions) {
		t.Fatalf("table covers %d actions, Actions has %d", covered, len(Actions))
	}
	for _, r := range rows {
		if got := Allowed(r.p, r.a, r.owns); got != r.want {
			t.Errorf("Allowed(%v, %s, owns=%v) = %v, want %v", r.p, r.a, r.owns, got, r.want)
		}
	}
}

func TestPrivilegeStrings(t *testing.T) {
	for _, p := range []Privilege{Admin, Write, Read} {
		got, err := ParsePrivilege(p.String())
		if err != nil || got != p {
			t.Errorf("ParsePrivilege(%q) = %v, %v; want %v", p.String(), got, err, p)
		}
	}
	for _, s := range []string{"", "Admin", "root"} {
		if _, err := ParsePrivilege(s); !errors.Is(err, ErrBadPrivilege) {
			t.Errorf("ParsePrivilege(%q) error = %v, want ErrBadPrivilege", s, err)
		}
	}
}

func TestHashVerify(t *testing.T) {
	useParams(t, cheap)
	pass := redact.NewSecret("correct horse battery")
	phc, err := Hash(pass)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(phc, pass.Reveal()) {
		t.Fatalf("hash %q contains the passphrase", phc)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash = %q, want prefix $argon2id$v=19$m=64,t=1,p=1$", phc)
	}
	again, _ := Hash(pass)
	if again == phc {
		t.Errorf("two hashes of one passphrase are equal: the salt is not random")
	}
	for _, tc := range []struct {
		pass string
		want bool
	}{
		{"correct horse battery", true},
		{"correct horse batterY", false},
		{"", false},
	} {
		got, err := Verify(phc, redact.NewSecret(tc.pass))
		if err != nil || got != tc.want {
			t.Errorf("Verify(%q) = %v, %v; want %v", tc.pass, got, err, tc.want)
		}
	}
}

func TestVerifyBadHash(t *testing.T) {
	for _, phc := range []string{
		"",
		"plain",
		"$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$dGFndGFndGFn",
		"$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$dGFndGFndGFn",
		"$argon2id$v=19$m=0,t=1,p=1$c2FsdHNhbHQ$dGFndGFndGFn",
		"$argon2id$v=19$m=64,t=1,p=1$!!$dGFndGFndGFn",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$",
	} {
		if _, err := Verify(phc, redact.NewSecret("whatever it is")); !errors.Is(err, ErrBadHash) {
			t.Errorf("Verify(%q) error = %v, want ErrBadHash", phc, err)
		}
		if !NeedsRehash(phc) {
			t.Errorf("NeedsRehash(%q) = false, want true", phc)
		}
	}
}

// TestVerifyRefusesCostlyHash: parameters beyond MaxParams are refused before any work; the
// cheap ones among them would be computed, and the costly one only parsed.
func TestVerifyRefusesCostlyHash(t *testing.T) {
	salt, tag := "c2FsdHNhbHRzYWx0c2FsdA", "dGFndGFndGFndGFndGFndGFndGFndGFndGFndGFndGE"
	long := strings.Repeat("QUFB", 22) // 66 bytes
	for _, tc := range []struct{ name, phc string }{
		{"memory", "$argon2id$v=19$m=4194304,t=1,p=1$" + salt + "$" + tag},
		{"passes", "$argon2id$v=19$m=64,t=200,p=1$" + salt + "$" + tag},
		{"threads", "$argon2id$v=19$m=1024,t=1,p=100$" + salt + "$" + tag},
		{"salt", "$argon2id$v=19$m=64,t=1,p=1$" + long + "$" + tag},
		{"tag", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + long},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := PHCParams(tc.phc); !errors.Is(err, ErrBadHash) || !strings.Contains(fmt.Sprint(err), "exceed") {
				t.Errorf("PHCParams error = %v, want ErrBadHash saying the parameters exceed the caps", err)
			}
			if tc.name == "memory" {
				return // computing it would take 4 GiB
			}
			if _, err := Verify(tc.phc, redact.NewSecret("whatever it is")); !errors.Is(err, ErrBadHash) {
				t.Errorf("Verify error = %v, want ErrBadHash", err)
			}
		})
	}
	// What the app writes is within the caps.
	useParams(t, RFC9106Second)
	if err := checkCaps(HashParams); err != nil {
		t.Errorf("the default parameters exceed the caps: %v", err)
	}
}

// TestDefaultParams hashes once with the real parameters, slow as that is.
func TestDefaultParams(t *testing.T) {
	if HashParams != RFC9106Second {
		t.Fatalf("HashParams = %+v, want RFC9106Second %+v", HashParams, RFC9106Second)
	}
	phc, err := Hash(redact.NewSecret("a passphrase of some length"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=65536,t=3,p=4$"; !strings.HasPrefix(phc, want) {
		t.Errorf("hash = %q, want prefix %q", phc, want)
	}
	p, err := PHCParams(phc)
	if err != nil || p != (Params{Time: 3, Memory: 65536, Threads: 4, SaltLen: 16, KeyLen: 32}) {
		t.Errorf("PHCParams = %+v, %v; want t=3 m=65536 p=4 salt 16 tag 32", p, err)
	}
	if NeedsRehash(phc) {
		t.Errorf("NeedsRehash of a fresh default hash = true")
	}
}

func TestNeedsRehash(t *testing.T) {
	cur := Params{Time: 2, Memory: 128, Threads: 2, SaltLen: 16, KeyLen: 32}
	for _, tc := range []struct {
		name string
		p    Params
		want bool
	}{
		{"same", cur, false},
		{"stronger", Params{Time: 3, Memory: 256, Threads: 4, SaltLen: 16, KeyLen: 32}, false},
		{"fewer passes", Params{Time: 1, Memory: 128, Threads: 2, SaltLen: 16, KeyLen: 32}, true},
		{"less memory", Params{Time: 2, Memory: 64, Threads: 2, SaltLen: 16, KeyLen: 32}, true},
		{"fewer threads", Params{Time: 2, Memory: 128, Threads: 1, SaltLen: 16, KeyLen: 32}, true},
		{"short salt", Params{Time: 2, Memory: 128, Threads: 2, SaltLen: 8, KeyLen: 32}, true},
		{"short tag", Params{Time: 2, Memory: 128, Threads: 2, SaltLen: 16, KeyLen: 16}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			useParams(t, tc.p)
			phc, err := Hash(redact.NewSecret("some passphrase here"))
			if err != nil {
				t.Fatal(err)
			}
			HashParams = cur
			if got := NeedsRehash(phc); got != tc.want {
				t.Errorf("NeedsRehash(%s) = %v, want %v", phc, got, tc.want)
			}
		})
	}
}

func TestCheckNew(t *testing.T) {
	for _, tc := range []struct {
		pass, confirm string
		want          error
	}{
		{"twelve chars", "twelve chars", nil},
		{"eleven char", "eleven char", ErrTooShort},
		{"ünïcödé-ßßßß", "ünïcödé-ßßßß", nil}, // 12 runes, more bytes
		{"ünïcödé-ßßß", "ünïcödé-ßßß", ErrTooShort},
		{"twelve chars", "twelve charz", ErrMismatch},
		{"twelve chars", "", ErrMismatch},
	} {
		if got := CheckNew(redact.NewSecret(tc.pass), redact.NewSecret(tc.confirm)); !errors.Is(got, tc.want) {
			t.Errorf("CheckNew(%q, %q) = %v, want %v", tc.pass, tc.confirm, got, tc.want)
		}
	}
}

func TestCleanName(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		err      error
	}{
		{"  Jane Doe\t", "Jane Doe", nil},
		{"é", "é", nil},
		{strings.Repeat("x", 64), strings.Repeat("x", 64), nil},
		{strings.Repeat("é", 64), strings.Repeat("é", 64), nil},
		{strings.Repeat("x", 65), "", ErrBadName},
		{"   ", "", ErrBadName},
		{"", "", ErrBadName},
		{"a\x00b", "", ErrBadName},
		{"a\nb", "", ErrBadName},
		{"a\u200bb", "", ErrBadName}, // zero-width space: not printable
		{"\xff", "", ErrBadName},
	} {
		got, err := CleanName(tc.in)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("CleanName(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestLockDelay(t *testing.T) {
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {1, 0}, {4, 0},
		{5, 30 * time.Second},
		{6, time.Minute},
		{7, 2 * time.Minute},
		{8, 4 * time.Minute},
		{9, 8 * time.Minute},
		{10, 15 * time.Minute},
		{11, 15 * time.Minute},
		{1000, 15 * time.Minute},
	} {
		if got := LockDelay(tc.failures); got != tc.want {
			t.Errorf("LockDelay(%d) = %v, want %v", tc.failures, got, tc.want)
		}
	}
}

// Writers list their own sources; administrators and readers every source.
func TestSeesEverySource(t *testing.T) {
	for p, want := range map[Privilege]bool{Admin: true, Write: false, Read: true} {
		if got := SeesEverySource(p); got != want {
			t.Errorf("SeesEverySource(%v) = %v, want %v", p, got, want)
		}
	}
}
