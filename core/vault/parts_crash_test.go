package vault

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/internal/keychaintest"
)

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

var errCrashed = errors.New("the process was killed")

// crashing passes the first calls through to a Backend and fails every call after them, as a
// process killed at that moment would make no more calls.
type crashing struct {
	Backend
	left atomic.Int32
}

func (c *crashing) ok() bool { return c.left.Add(-1) >= 0 }

func (c *crashing) Set(s, u, p string) error {
	if !c.ok() {
		return errCrashed
	}
	return c.Backend.Set(s, u, p)
}

func (c *crashing) Get(s, u string) (string, error) {
	if !c.ok() {
		return "", errCrashed
	}
	return c.Backend.Get(s, u)
}

func (c *crashing) Delete(s, u string) error {
	if !c.ok() {
		return errCrashed
	}
	return c.Backend.Delete(s, u)
}

// counting counts the calls that reach a Backend.
type counting struct {
	Backend
	calls atomic.Int32
}

func (c *counting) Set(s, u, p string) error        { c.calls.Add(1); return c.Backend.Set(s, u, p) }
func (c *counting) Get(s, u string) (string, error) { c.calls.Add(1); return c.Backend.Get(s, u) }
func (c *counting) Delete(s, u string) error        { c.calls.Add(1); return c.Backend.Delete(s, u) }

// Whatever call a crash interrupts, the key reads as the whole old value or the whole new one.
func TestCrashAtEveryCallLeavesOldOrNew(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ old, new int }{{6000, 9000}, {100, 7000}, {7000, 100}, {0, 5000}} {
		t.Run(fmt.Sprintf("%d-to-%d", tc.old, tc.new), func(t *testing.T) {
			before := &keychaintest.Memory{}
			key := SourceTokenKey(3)
			old, nw := randomSecret(t, max(tc.old, 1)), randomSecret(t, tc.new)
			if tc.old > 0 {
				if err := New("ws", Config{Backend: before, Limit: WindowsLimit}).Set(ctx, key, redact.NewSecret(old)); err != nil {
					t.Fatal(err)
				}
			}
			for k := 0; ; k++ {
				after := before.Clone()
				c := &crashing{Backend: after}
				c.left.Store(int32(k))
				err := New("ws", Config{Backend: c, Limit: WindowsLimit}).Set(ctx, key, redact.NewSecret(nw))
				got, gerr := New("ws", Config{Backend: after, Limit: WindowsLimit}).Get(ctx, key)
				switch {
				case gerr == nil && got.Reveal() == nw:
				case gerr == nil && tc.old > 0 && got.Reveal() == old:
				case errors.Is(gerr, ErrNotFound) && tc.old == 0:
				default:
					t.Fatalf("crash after %d calls: read %d bytes, %v; want the whole old or the whole new value", k, len(got.Reveal()), gerr)
				}
				if err == nil {
					if got.Reveal() != nw {
						t.Fatalf("Set succeeded after %d calls but the key reads another value", k)
					}
					return // k calls were enough: every earlier moment was tried
				}
			}
		})
	}
}

// A keychain that refuses a part midway: a clear error, the previous value readable, and
// none of the new parts left behind.
func TestRefusedPartKeepsThePreviousValue(t *testing.T) {
	ctx := context.Background()
	mem := &keychaintest.Memory{}
	key := IntegrationSecretKey("custom-x")
	if err := New("ws", Config{Backend: mem, Limit: WindowsLimit}).Set(ctx, key, redact.NewSecret("previous")); err != nil {
		t.Fatal(err)
	}
	entries := mem.Accounts(Service)
	refuse := &refusingSecondPart{Memory: mem}
	err := New("ws", Config{Backend: refuse, Limit: WindowsLimit}).Set(ctx, key, redact.NewSecret(strings.Repeat("n", 8000)))
	if err == nil || !strings.Contains(err.Error(), "part 2 of 4") || !strings.Contains(err.Error(), "previous value is kept") {
		t.Errorf("got %v, want an error naming part 2 of 4 and saying the previous value is kept", err)
	}
	if got, err := New("ws", Config{Backend: mem, Limit: WindowsLimit}).Get(ctx, key); err != nil || got.Reveal() != "previous" {
		t.Errorf("after the refused part: got %q, %v; want the previous value", got.Reveal(), err)
	}
	if got := mem.Accounts(Service); strings.Join(got, ",") != strings.Join(entries, ",") {
		t.Errorf("entries after the refused part: %q, want only those of before %q", got, entries)
	}
}

type refusingSecondPart struct {
	*keychaintest.Memory
	sets int
}

func (r *refusingSecondPart) Set(s, u, p string) error {
	if r.sets++; r.sets == 2 {
		return errors.New("the keychain is full")
	}
	return r.Memory.Set(s, u, p)
}

// A part removed or changed by hand reads as ErrDamaged, never as a shorter secret; a new
// value repairs the key.
func TestDamagedPartsReadAsAnError(t *testing.T) {
	ctx := context.Background()
	for _, damage := range []string{"delete", "change", "manifest"} {
		t.Run(damage, func(t *testing.T) {
			p, v := newPlatform("windows")
			key := SourceTokenKey(9)
			if err := v.Set(ctx, key, redact.NewSecret(randomSecret(t, 6000))); err != nil {
				t.Fatal(err)
			}
			accounts := p.Accounts(Service) // the head, then parts .0 .1 .2
			var want string
			switch damage {
			case "delete":
				_ = p.Memory.Delete(Service, accounts[2])
				want = "part 2 of 3 is missing"
			case "change":
				_ = p.Memory.Set(Service, accounts[3], "short")
				want = "do not add up"
			case "manifest":
				_ = p.Memory.Set(Service, accounts[0], manifestMarker+"gen=zz parts=x")
				want = "does not read"
			}
			got, err := v.Get(ctx, key)
			if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), want) || got.Reveal() != "" {
				t.Errorf("got %d bytes, %v; want ErrDamaged saying %q", len(got.Reveal()), err, want)
			}
			if err := v.Set(ctx, key, redact.NewSecret("repaired")); err != nil {
				t.Fatalf("a new value over the damaged one: %v", err)
			}
			if got, err := v.Get(ctx, key); err != nil || got.Reveal() != "repaired" {
				t.Errorf("after the repair: got %q, %v", got.Reveal(), err)
			}
		})
	}
}

// A secret that fits one entry costs what it cost before the split existed.
func TestOneEntryCostsOneCall(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name                    string
		limit                   Limit
		wantSet, wantGet, wantD int32
	}{
		{"any size (Secret Service)", nil, 1, 1, 1},
		{"Windows", WindowsLimit, 2, 1, 2}, // Set and Delete read first, to find old parts
	} {
		c := &counting{Backend: &keychaintest.Memory{}}
		v := New("ws", Config{Backend: c, Limit: tc.limit})
		count := func(op func() error) int32 {
			c.calls.Store(0)
			if err := op(); err != nil {
				t.Fatal(err)
			}
			return c.calls.Load()
		}
		set := count(func() error { return v.Set(ctx, "k", redact.NewSecret(strings.Repeat("t", 2000))) })
		get := count(func() error { _, err := v.Get(ctx, "k"); return err })
		del := count(func() error { return v.Delete(ctx, "k") })
		if set != tc.wantSet || get != tc.wantGet || del != tc.wantD {
			t.Errorf("%s: keychain calls set %d, get %d, delete %d; want %d, %d, %d",
				tc.name, set, get, del, tc.wantSet, tc.wantGet, tc.wantD)
		}
	}
}

// MacLimit is tight: a part of its size passes go-keyring's check for a real account name,
// and one of six bytes more (two base64 quanta) does not: the room counted for quotes is all it gives away.
func TestMacLimitMatchesGoKeyring(t *testing.T) {
	p := &platform{Memory: &keychaintest.Memory{}, goos: "darwin"}
	account := "WS0123456789ABCDEF/source/123456/token#0f3a5c7e9b1d2f4a.12"
	n := MacLimit(Service, account)
	if err := p.Set(Service, account, randomSecret(t, n)); err != nil {
		t.Errorf("a part of MacLimit's %d bytes: %v", n, err)
	}
	if err := p.Set(Service, account, randomSecret(t, n+6)); err == nil {
		t.Errorf("a part of %d bytes passed: MacLimit wastes room", n+6)
	}
}
