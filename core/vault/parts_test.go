package vault

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/internal/keychaintest"
)

// platform is a keychain that refuses what go-keyring's backend of goos refuses, with the
// same checks in the same words, over an in-memory store.
type platform struct {
	*keychaintest.Memory
	goos    string
	refused atomic.Int32
}

var shellUnsafe = regexp.MustCompile(`[^\w@%+=:,./-]`)

// shellQuote is go-keyring's internal shellescape.Quote.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	if shellUnsafe.MatchString(s) {
		return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
	}
	return s
}

func (p *platform) Set(service, user, password string) error {
	tooBig := false
	switch p.goos {
	case "windows":
		tooBig = len(password) > 2560
	case "darwin":
		encoded := "go-keyring-base64:" + base64Std(password)
		line := fmt.Sprintf("add-generic-password -U -s %s -a %s -w %s\n", shellQuote(service), shellQuote(user), shellQuote(encoded))
		tooBig = len(line) > 4096
	}
	if tooBig {
		p.refused.Add(1)
		return keyring.ErrSetDataTooBig
	}
	return p.Memory.Set(service, user, password)
}

func newPlatform(goos string) (*platform, *Vault) {
	p := &platform{Memory: &keychaintest.Memory{}, goos: goos}
	return p, New("WS0123456789", Config{Backend: p, Limit: PlatformLimit(goos)})
}

// randomSecret is n bytes of any value: the worst case for base64 and for a split that
// must not cut anything off.
func randomSecret(t *testing.T, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	b[0] = 'x' // a NUL first is refused, as it would be taken for a manifest
	return string(b)
}

// Entra's access and refresh tokens as measured by its clients, in one bundle; the limits
// of each platform and one byte either side; the largest secret kept.
var sizes = []int{1, 2559, 2560, 2561, 2931 + 1524, 5 << 10, 3 * 4096, MaxSecret}

func TestSplitRoundTripOnEveryPlatform(t *testing.T) {
	ctx := context.Background()
	for _, goos := range []string{"windows", "darwin", "linux"} {
		for _, n := range sizes {
			t.Run(fmt.Sprintf("%s/%d", goos, n), func(t *testing.T) {
				p, v := newPlatform(goos)
				key := SourceTokenKey(7)
				want := randomSecret(t, n)
				if err := v.Set(ctx, key, redact.NewSecret(want)); err != nil {
					t.Fatalf("Set %d bytes: %v", n, err)
				}
				if got, err := v.Get(ctx, key); err != nil || got.Reveal() != want {
					t.Fatalf("Get: got %d bytes, %v; want the %d bytes stored", len(got.Reveal()), err, n)
				}
				if r := p.refused.Load(); r != 0 {
					t.Errorf("the keychain refused %d writes as too large", r)
				}
				if err := v.Delete(ctx, key); err != nil {
					t.Fatal(err)
				}
				if left := p.Accounts(Service); len(left) != 0 {
					t.Errorf("after Delete the keychain still holds %q", left)
				}
			})
		}
	}
}

// Replacing a split secret with a smaller or a larger one leaves no part of the old one.
func TestOverwriteLeavesNoParts(t *testing.T) {
	ctx := context.Background()
	p, v := newPlatform("windows")
	key := IntegrationSecretKey("custom-big")
	for _, n := range []int{9000, 100, 6000, 20000, 3000} {
		want := randomSecret(t, n)
		if err := v.Set(ctx, key, redact.NewSecret(want)); err != nil {
			t.Fatalf("Set %d bytes: %v", n, err)
		}
		if got, err := v.Get(ctx, key); err != nil || got.Reveal() != want {
			t.Fatalf("Get after Set %d: got %d bytes, %v", n, len(got.Reveal()), err)
		}
		wantEntries := 1
		if n > 2560 {
			wantEntries = 1 + (n+2559)/2560
		}
		if got := p.Accounts(Service); len(got) != wantEntries {
			t.Errorf("after Set %d bytes: %d entries %q, want %d", n, len(got), got, wantEntries)
		}
	}
}

func TestOverMaxIsRefusedAndNothingWritten(t *testing.T) {
	ctx := context.Background()
	p, v := newPlatform("windows")
	key := SourceTokenKey(1)
	if err := v.Set(ctx, key, redact.NewSecret("previous")); err != nil {
		t.Fatal(err)
	}
	err := v.Set(ctx, key, redact.NewSecret(strings.Repeat("a", MaxSecret+1)))
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "64 KiB") || !strings.Contains(err.Error(), "nothing was written") {
		t.Errorf("Set of 64 KiB + 1: got %v, want ErrTooLarge naming the 64 KiB limit and saying nothing was written", err)
	}
	if got, err := v.Get(ctx, key); err != nil || got.Reveal() != "previous" {
		t.Errorf("after the refused Set: got %q, %v; want the previous value", got.Reveal(), err)
	}
	if got := p.Accounts(Service); len(got) != 1 {
		t.Errorf("entries after the refused Set: %q, want the one entry of before", got)
	}
}

func TestSecretStartingWithTheMarkerIsRefused(t *testing.T) {
	v := New("ws", Config{Backend: &keychaintest.Memory{}})
	err := v.Set(context.Background(), "k", redact.NewSecret(manifestMarker+"gen=00 parts=1 size=1 sha256=00"))
	if err == nil || !strings.Contains(err.Error(), "NUL") {
		t.Errorf("got %v, want a refusal naming the NUL character", err)
	}
}
