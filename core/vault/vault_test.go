package vault

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
	"go.uber.org/goleak"

	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/internal/keychaintest"
)

// failing is a Backend whose every call returns err.
type failing struct{ err error }

func (b failing) Set(string, string, string) error   { return b.err }
func (b failing) Get(string, string) (string, error) { return "", b.err }
func (b failing) Delete(string, string) error        { return b.err }

// blocking is a Backend that never answers until released, like go-keyring waiting on an
// unlock prompt nobody sees.
type blocking struct {
	entered chan struct{} // one value per call that reached the backend
	release chan struct{}
}

func newBlocking() *blocking {
	return &blocking{entered: make(chan struct{}, 8), release: make(chan struct{})}
}

func (b *blocking) wait() {
	b.entered <- struct{}{}
	<-b.release
}

func (b *blocking) unblock()                           { close(b.release) }
func (b *blocking) Set(string, string, string) error   { b.wait(); return nil }
func (b *blocking) Get(string, string) (string, error) { b.wait(); return "x", nil }
func (b *blocking) Delete(string, string) error        { b.wait(); return nil }

func TestRoundTripAndNamespacing(t *testing.T) {
	ctx := context.Background()
	b := &keychaintest.Memory{}
	a, c := New("ws-a", Config{Backend: b}), New("ws-c", Config{Backend: b})
	key := IntegrationSecretKey("google-drive")

	if err := a.Set(ctx, key, redact.NewSecret("secret A")); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, key, redact.NewSecret("secret C")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		v    *Vault
		want string
	}{{a, "secret A"}, {c, "secret C"}} {
		got, err := tc.v.Get(ctx, key)
		if err != nil || got.Reveal() != tc.want {
			t.Errorf("%s: Get: got %q, %v; want %q", tc.v.workspace, got.Reveal(), err, tc.want)
		}
	}
	const user = "ws-a/integration/google-drive/client-secret"
	if _, err := b.Get(Service, user); err != nil {
		t.Errorf("backend entry %q of service %q: got %v, want it stored", user, Service, err)
	}
	if err := a.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Get(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: got %v, want ErrNotFound", err)
	}
	if err := a.Delete(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete twice: got %v, want ErrNotFound", err)
	}
	if got, err := c.Get(ctx, key); err != nil || got.Reveal() != "secret C" {
		t.Errorf("other workspace after Delete: got %q, %v; want %q", got.Reveal(), err, "secret C")
	}
}

func TestKeys(t *testing.T) {
	tests := []struct{ got, want string }{
		{IntegrationSecretKey("custom-x1"), "integration/custom-x1/client-secret"},
		{SourceTokenKey(42), "source/42/token"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestEmptyKeyIsRefused(t *testing.T) {
	v := New("ws", Config{Backend: &keychaintest.Memory{}})
	if err := v.Set(context.Background(), "", redact.NewSecret("x")); err == nil {
		t.Error("Set with an empty key: got nil error")
	}
}

func TestProbe(t *testing.T) {
	unlocked := New("ws", Config{Backend: &keychaintest.Memory{}})
	if err := unlocked.Probe(context.Background()); err != nil {
		t.Errorf("Probe on a reachable keychain: got %v, want nil", err)
	}
	locked := New("ws", Config{Backend: failing{dbus.Error{Name: "org.freedesktop.Secret.Error.IsLocked"}}})
	if err := locked.Probe(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Probe on a locked keychain: got %v, want ErrUnavailable", err)
	}
}

func TestTimeoutReturnsUnavailable(t *testing.T) {
	ops := map[string]func(v *Vault) error{
		"set":    func(v *Vault) error { return v.Set(context.Background(), "k", redact.NewSecret("x")) },
		"get":    func(v *Vault) error { _, err := v.Get(context.Background(), "k"); return err },
		"delete": func(v *Vault) error { return v.Delete(context.Background(), "k") },
		"probe":  func(v *Vault) error { return v.Probe(context.Background()) },
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			b := newBlocking()
			// Released before goleak looks: the stuck call then ends on its own.
			defer b.unblock()
			err := op(New("ws", Config{Backend: b, Timeout: time.Millisecond}))
			if !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("got %v, want ErrUnavailable wrapping context.DeadlineExceeded", err)
			}
			if !strings.Contains(err.Error(), "prompt") {
				t.Errorf("got %q, want it to mention the unlock prompt", err)
			}
		})
	}
}

func TestCancelReturnsContextError(t *testing.T) {
	b := newBlocking()
	defer b.unblock()
	v := New("ws", Config{Backend: b, Timeout: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-b.entered
		cancel()
	}()
	_, err := v.Get(ctx, "k")
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnavailable) {
		t.Errorf("got %v, want context.Canceled and not ErrUnavailable", err)
	}

	// A context that is already done does not reach the keychain at all.
	if err := v.Set(ctx, "k", redact.NewSecret("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Set with a cancelled context: got %v, want context.Canceled", err)
	}
	if n := len(b.entered); n != 0 {
		t.Errorf("backend calls after cancel: got %d, want 0", n)
	}
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name  string
		cause error
		want  error
		text  string // the hint the message must hold
	}{
		{"not found", keyring.ErrNotFound, ErrNotFound, "not found"},
		{"too big", keyring.ErrSetDataTooBig, ErrTooLarge, "too large"},
		{"no session bus", errNoSessionBus, ErrUnavailable, "DBUS_SESSION_BUS_ADDRESS is unset"},
		{"no service", dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown"}, ErrUnavailable, "no Secret Service"},
		{"no owner", &dbus.Error{Name: "org.freedesktop.DBus.Error.NameHasNoOwner"}, ErrUnavailable, "no Secret Service"},
		{"spawn failed", dbus.Error{Name: "org.freedesktop.DBus.Error.Spawn.ChildExited"}, ErrUnavailable, "no Secret Service"},
		{"locked", dbus.Error{Name: "org.freedesktop.Secret.Error.IsLocked"}, ErrUnavailable, "locked"},
		{"prompt dismissed", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), ErrUnavailable, "locked"},
		{"no collection", dbus.Error{Name: "org.freedesktop.Secret.Error.NoSuchObject"}, ErrUnavailable, "no default keyring"},
		{"bus gone", &net.OpError{Op: "dial", Net: "unix", Err: syscall.ENOENT}, ErrUnavailable, "cannot connect to the D-Bus session bus"},
		{"other", errors.New("dbus: authentication failed"), ErrUnavailable, "refused"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New("ws", Config{Backend: failing{tc.cause}}).Get(context.Background(), "k")
			if !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
			if tc.want == ErrUnavailable && !wraps(err, tc.cause) {
				t.Errorf("got %v, want it to wrap the cause %v", err, tc.cause)
			}
			if err == nil || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("got message %q, want it to hold %q", err, tc.text)
			}
		})
	}
}

func TestCheckSessionBus(t *testing.T) {
	tests := []struct {
		address string
		userBus bool
		want    error
	}{
		{"", false, errNoSessionBus},
		{"autolaunch:", false, errNoSessionBus},
		{"", true, nil},
		{"unix:path=/run/user/1000/bus", false, nil},
	}
	for _, tc := range tests {
		if got := checkSessionBus(tc.address, tc.userBus); got != tc.want {
			t.Errorf("checkSessionBus(%q, %v): got %v, want %v", tc.address, tc.userBus, got, tc.want)
		}
	}
}

// wraps is errors.Is, also for dbus.Error values, which hold a slice and so never compare equal.
func wraps(err, cause error) bool {
	if c, ok := cause.(dbus.Error); ok {
		var got dbus.Error
		return errors.As(err, &got) && got.Name == c.Name
	}
	return errors.Is(err, cause)
}

// A Config field left zero keeps its default: a test that injects only a Backend still gets
// DefaultTimeout, and the zero Config is the OS keychain.
func TestZeroConfigFieldsKeepTheDefaults(t *testing.T) {
	if v := New("ws", Config{}); v.timeout != DefaultTimeout || v.backend != (osKeychain{}) {
		t.Errorf("zero Config: timeout %v, backend %T; want %v and the OS keychain", v.timeout, v.backend, DefaultTimeout)
	}
	if v := New("ws", Config{Backend: &keychaintest.Memory{}}); v.timeout != DefaultTimeout {
		t.Errorf("Backend only: timeout %v, want %v", v.timeout, DefaultTimeout)
	}
}
