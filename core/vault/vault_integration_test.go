//go:build !windows

package vault_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/keychaintest"
)

// These tests talk to a real Secret Service: the throwaway one scripts/with-secret-service.sh
// starts, never the desktop session's.

// newVault returns the vault of a fresh workspace and the workspace's id, so tests never see
// each other's entries.
func newVault(t *testing.T) (*vault.Vault, string) {
	t.Helper()
	keychaintest.Require(t)
	ws := "test-" + rand.Text()[:12]
	return vault.New(ws, vault.Config{}), ws
}

// secretTool runs secret-tool, the Secret Service's own client, to look at the keychain from
// outside the vault.
func secretTool(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "secret-tool", args...).Output()
	if err != nil {
		t.Fatalf("secret-tool %s: %v (install libsecret-tools)", strings.Join(args, " "), err)
	}
	return string(out)
}

// entries counts the keychain items stored for account.
func entries(t *testing.T, account string) int {
	t.Helper()
	out := secretTool(t, "search", "--all", "service", vault.Service, "username", account)
	n := 0
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, "[") {
			n++
		}
	}
	return n
}

func TestSecretServiceRoundTrip(t *testing.T) {
	v, _ := newVault(t)
	ctx := context.Background()
	big := strings.Repeat("0123456789abcdef", 512) // 8 KiB
	tests := []struct{ name, value string }{
		{"ascii", "client-secret-123"},
		{"8 KiB", big},
		{"non-ASCII", "🔑 秘密のパスワード пароль Grüße ✓"},
		{"spaces and symbols", ` "quoted" \back\slash	tab $HOME `},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key := vault.IntegrationSecretKey(tc.name)
			if err := v.Set(ctx, key, redact.NewSecret(tc.value)); err != nil {
				t.Fatalf("Set: %v", err)
			}
			got, err := v.Get(ctx, key)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if got.Reveal() != tc.value {
				t.Errorf("Get: got %d bytes, want %d bytes equal to the value set", got.Len(), len(tc.value))
			}
		})
	}
}

func TestSecretServiceOverwriteAndDelete(t *testing.T) {
	v, _ := newVault(t)
	ctx := context.Background()
	key := vault.SourceTokenKey(7)
	for _, value := range []string{"first", "second"} {
		if err := v.Set(ctx, key, redact.NewSecret(value)); err != nil {
			t.Fatalf("Set %s: %v", value, err)
		}
	}
	if got, err := v.Get(ctx, key); err != nil || got.Reveal() != "second" {
		t.Fatalf("Get after overwrite: got %q, %v; want %q", got.Reveal(), err, "second")
	}
	if err := v.Delete(ctx, key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := v.Get(ctx, key); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Get after Delete: got %v, want ErrNotFound", err)
	}
	if err := v.Delete(ctx, key); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Delete after Delete: got %v, want ErrNotFound", err)
	}
	if _, err := v.Get(ctx, vault.SourceTokenKey(8)); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Get of a key never set: got %v, want ErrNotFound", err)
	}
}

func TestSecretServiceConcurrent(t *testing.T) {
	v, ws := newVault(t)
	ctx := context.Background()
	const n = 8

	t.Run("distinct keys", func(t *testing.T) {
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				key, want := vault.SourceTokenKey(int64(i)), fmt.Sprintf("token %d", i)
				if err := v.Set(ctx, key, redact.NewSecret(want)); err != nil {
					errs <- fmt.Errorf("Set %s: %w", key, err)
					return
				}
				got, err := v.Get(ctx, key)
				if err != nil || got.Reveal() != want {
					errs <- fmt.Errorf("Get %s: got %q, %v; want %q", key, got.Reveal(), err, want)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})

	t.Run("same key", func(t *testing.T) {
		key := vault.IntegrationSecretKey("shared")
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				if err := v.Set(ctx, key, redact.NewSecret(fmt.Sprintf("value %d", i))); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("Set: %v", err)
		}
		got, err := v.Get(ctx, key)
		var i int
		if _, scanErr := fmt.Sscanf(got.Reveal(), "value %d", &i); err != nil || scanErr != nil || i < 0 || i >= n {
			t.Errorf("Get: got %d bytes, %v; want one of the values set", got.Len(), err)
		}
		if got := entries(t, ws+"/"+key); got != 1 {
			t.Errorf("keychain items for the key: got %d, want 1", got)
		}
	})
}

func TestSecretServiceWorkspacesDoNotCollide(t *testing.T) {
	a, _ := newVault(t)
	b, _ := newVault(t)
	ctx := context.Background()
	key := vault.IntegrationSecretKey("dropbox")
	if err := a.Set(ctx, key, redact.NewSecret("secret of a")); err != nil {
		t.Fatal(err)
	}
	if err := b.Set(ctx, key, redact.NewSecret("secret of b")); err != nil {
		t.Fatal(err)
	}
	if err := a.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Get(ctx, key); err != nil || got.Reveal() != "secret of b" {
		t.Errorf("b after a's Delete: got %q, %v; want %q", got.Reveal(), err, "secret of b")
	}
}

// The entry is visible to other clients of the Secret Service under the namespaced account.
func TestSecretServiceAccountNames(t *testing.T) {
	v, ws := newVault(t)
	ctx := context.Background()
	key := vault.IntegrationSecretKey("box")
	if err := v.Set(ctx, key, redact.NewSecret("box secret")); err != nil {
		t.Fatal(err)
	}
	account := ws + "/integration/box/client-secret"
	if got := secretTool(t, "lookup", "service", vault.Service, "username", account); got != "box secret" {
		t.Errorf("secret-tool lookup %s: got %d bytes, want the value set", account, len(got))
	}
	if got := entries(t, key); got != 0 {
		t.Errorf("items under the bare key %q: got %d, want 0", key, got)
	}
}

func TestSecretServiceProbe(t *testing.T) {
	v, _ := newVault(t)
	if err := v.Probe(context.Background()); err != nil {
		t.Errorf("Probe: got %v, want nil", err)
	}
}

// TestSecretServiceLocked locks the login collection, so it runs in a child process inside a
// Secret Service of its own and leaves the shared one unlocked for the other tests. With no
// display the unlock prompt fails at once; one that waits is TestTimeoutReturnsUnavailable's.
func TestSecretServiceLocked(t *testing.T) {
	if os.Getenv("VAULT_TEST_CHILD") == "locked" {
		v, _ := newVault(t)
		ctx := context.Background()
		if err := v.Set(ctx, "k", redact.NewSecret("x")); err != nil {
			t.Fatal(err)
		}
		out, err := exec.CommandContext(ctx, "dbus-send", "--session", "--print-reply",
			"--dest=org.freedesktop.secrets", "/org/freedesktop/secrets",
			"org.freedesktop.Secret.Service.Lock", "array:objpath:/org/freedesktop/secrets/collection/login",
		).CombinedOutput()
		if err != nil {
			t.Fatalf("lock the login collection: %v\n%s", err, out)
		}
		_, err = v.Get(ctx, "k")
		if !errors.Is(err, vault.ErrUnavailable) || !strings.Contains(err.Error(), "locked") {
			t.Fatalf("Get: got %v, want ErrUnavailable saying the keyring is locked", err)
		}
		if err := v.Probe(ctx); !errors.Is(err, vault.ErrUnavailable) {
			t.Fatalf("Probe: got %v, want ErrUnavailable", err)
		}
		t.Logf("error shown: %v", err)
		return
	}
	keychaintest.Require(t)
	runChild(t, "TestSecretServiceLocked", []string{"VAULT_TEST_CHILD=locked"},
		"../../scripts/with-secret-service.sh")
}

// TestUnreachableBus runs in a child process: godbus keeps the session bus connection of the
// first call for the whole process, so changing DBUS_SESSION_BUS_ADDRESS afterwards would not
// take effect here. The child needs no Secret Service and touches no keychain.
func TestUnreachableBus(t *testing.T) {
	if os.Getenv("VAULT_TEST_CHILD") == "unreachable" {
		v := vault.New("ws", vault.Config{})
		err := v.Set(context.Background(), "k", redact.NewSecret("x"))
		if !errors.Is(err, vault.ErrUnavailable) || !strings.Contains(err.Error(), os.Getenv("VAULT_TEST_WANT")) {
			t.Fatalf("Set: got %v, want ErrUnavailable saying %q", err, os.Getenv("VAULT_TEST_WANT"))
		}
		if err := v.Probe(context.Background()); !errors.Is(err, vault.ErrUnavailable) {
			t.Fatalf("Probe: got %v, want ErrUnavailable", err)
		}
		t.Logf("error shown: %v", err)
		return
	}

	tests := []struct{ name, address, want string }{
		{"socket missing", "unix:path=" + t.TempDir() + "/no-bus", "cannot connect to the D-Bus session bus"},
		{"address unset", "", "DBUS_SESSION_BUS_ADDRESS is unset"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.address == "" {
				if _, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid())); err == nil {
					t.Skip("a systemd user bus exists: without an address godbus would use it, " +
						"and this test must not touch your keychain")
				}
			}
			runChild(t, "TestUnreachableBus", []string{"VAULT_TEST_CHILD=unreachable",
				"VAULT_TEST_WANT=" + tc.want, "DBUS_SESSION_BUS_ADDRESS=" + tc.address})
		})
	}
}

// runChild runs test in a new process of this test binary, with env added to ours, behind
// wrapper if one is given, and fails if the child fails.
func runChild(t *testing.T, test string, env []string, wrapper ...string) {
	t.Helper()
	// The vault's timeout ends every call in seconds; this bound only turns a hang into a failure.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := slices.Concat(wrapper, []string{os.Args[0], "-test.run=^" + test + "$", "-test.v"})
	run := func() ([]byte, error) {
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Env = append(os.Environ(), env...)
		return cmd.CombinedOutput()
	}
	out, err := run()
	// A throwaway gnome-keyring-daemon of the child's own now and then aborts on its first
	// request (a trace trap in the daemon, under load): that is the daemon, not the vault, so
	// the child runs once more, in a fresh one, and the crash is logged.
	if err != nil && bytes.Contains(out, []byte("disconnected from message bus without replying")) {
		t.Logf("child %s: its gnome-keyring-daemon died; once more in a fresh one. First run:\n%s", test, out)
		out, err = run()
	}
	if err != nil {
		t.Fatalf("child %s: %v\n%s", test, err, out)
	}
	t.Logf("child %s:\n%s", test, out)
}
