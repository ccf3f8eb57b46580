// Package keychaintest gates the tests that talk to a real Secret Service: they run only on the
// throwaway one that scripts/with-secret-service.sh starts, never on a desktop session's. Its
// Memory stands in for the keychain in the tests that need none.
package keychaintest

import (
	"os"
	"testing"
)

// BusEnv is set by scripts/with-secret-service.sh to the address of its private bus.
const BusEnv = "MEDIALAKE_TEST_SECRET_SERVICE"

// SkipEnv, set to 1, skips the keychain tests (for macOS and Windows, which have no such script).
const SkipEnv = "MEDIALAKE_SKIP_KEYCHAIN_TESTS"

// Require fails the test unless it runs on the private bus of scripts/with-secret-service.sh,
// or skips it when SkipEnv is 1.
func Require(t testing.TB) {
	t.Helper()
	bus := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if bus != "" && bus == os.Getenv(BusEnv) {
		return
	}
	if os.Getenv(SkipEnv) == "1" {
		t.Skip(SkipEnv + "=1: skipping the tests against the real Secret Service")
	}
	why := "DBUS_SESSION_BUS_ADDRESS is unset"
	if bus != "" {
		why = "DBUS_SESSION_BUS_ADDRESS is not the private bus of scripts/with-secret-service.sh " +
			"(these tests must not touch your own keychain)"
	}
	t.Fatalf("%s: run the tests as `scripts/with-secret-service.sh go test ./...` (or `make test`), "+
		"or set %s=1 to skip the keychain tests", why, SkipEnv)
}
