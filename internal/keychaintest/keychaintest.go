// Package keychaintest gates the tests that talk to a real keychain: on Linux they run only on
// the throwaway Secret Service that scripts/with-secret-service.sh starts, never on a desktop
// session's; on Windows only under Wine, in the throwaway prefix of scripts/with-wine.sh, never
// on a person's Windows. Its Memory stands in for the keychain in the tests that need none.
package keychaintest

import (
	"os"
	"testing"
)

// BusEnv is set by scripts/with-secret-service.sh to the address of its private bus.
const BusEnv = "MEDIALAKE_TEST_SECRET_SERVICE"

// SkipEnv, set to 1, skips the keychain tests (for macOS, which has no such script).
const SkipEnv = "MEDIALAKE_SKIP_KEYCHAIN_TESTS"

// Require fails the test unless the keychain it would reach is a throwaway one (see the
// package comment), or skips it when SkipEnv is 1.
func Require(t testing.TB) {
	t.Helper()
	why := throwaway()
	if why == "" {
		return
	}
	if os.Getenv(SkipEnv) == "1" {
		t.Skip(SkipEnv + "=1: skipping the tests against the real keychain")
	}
	t.Fatalf("%s, or set %s=1 to skip the keychain tests", why, SkipEnv)
}
