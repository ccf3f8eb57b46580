package vault

import (
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
)

// errNoSessionBus is returned before go-keyring is called without a session bus: godbus would
// otherwise run dbus-launch, leave a stray bus behind and talk to whatever it activates.
var errNoSessionBus = fmt.Errorf("%w: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset, and there is no "+
	"/run/user/UID/bus): the keychain lives in your desktop session; run this while you are logged in to the "+
	"desktop, and from cron with the session's DBUS_SESSION_BUS_ADDRESS in the crontab", ErrUnavailable)

// sessionBus checks that go-keyring will find a session bus where it needs one (Linux, BSD).
func sessionBus() error {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		return nil
	}
	_, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid()))
	return checkSessionBus(os.Getenv("DBUS_SESSION_BUS_ADDRESS"), err == nil)
}

// checkSessionBus mirrors how godbus finds the session bus: the address in the environment,
// else the systemd user bus socket.
func checkSessionBus(address string, userBusExists bool) error {
	if (address == "" || address == "autolaunch:") && !userBusExists {
		return errNoSessionBus
	}
	return nil
}

// mapError turns an error from go-keyring or D-Bus into ErrNotFound, ErrTooLarge or
// ErrUnavailable wrapping the cause, with a hint on how to fix it.
func mapError(err error) error {
	switch {
	case errors.Is(err, ErrUnavailable), errors.Is(err, ErrNotFound), errors.Is(err, ErrTooLarge):
		return err
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return fmt.Errorf("%w: %w", ErrTooLarge, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, hint(err), err)
}

// hint says in a sentence what is wrong with the keychain and what to do.
func hint(err error) string {
	var name string
	var byValue dbus.Error
	var byPointer *dbus.Error
	if errors.As(err, &byValue) {
		name = byValue.Name
	} else if errors.As(err, &byPointer) {
		name = byPointer.Name
	}
	var dial *net.OpError
	switch {
	case name == "org.freedesktop.DBus.Error.ServiceUnknown",
		name == "org.freedesktop.DBus.Error.NameHasNoOwner",
		strings.HasPrefix(name, "org.freedesktop.DBus.Error.Spawn."):
		return "no Secret Service on the D-Bus session bus; install gnome-keyring " +
			"(or turn on KeePassXC's Secret Service integration) and sign in again"
	case name == "org.freedesktop.Secret.Error.IsLocked",
		// go-keyring's own error when the unlock prompt is dismissed or refused.
		strings.Contains(err.Error(), "failed to unlock"):
		return "the keyring is locked and was not unlocked; unlock the login keyring " +
			"(Passwords and Keys) and try again"
	case name == "org.freedesktop.Secret.Error.NoSuchObject",
		name == "org.freedesktop.DBus.Error.UnknownObject":
		return "the Secret Service has no default keyring; create one in Passwords and Keys " +
			"and make it the default"
	case errors.As(err, &dial):
		return fmt.Sprintf("cannot connect to the D-Bus session bus at %q; "+
			"is the desktop session still running?", os.Getenv("DBUS_SESSION_BUS_ADDRESS"))
	default:
		return "the keychain refused the request"
	}
}
