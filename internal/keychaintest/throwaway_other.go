//go:build !windows

package keychaintest

import "os"

// throwaway returns "" when the Secret Service is the private one of
// scripts/with-secret-service.sh, else why not and what to run.
func throwaway() string {
	bus := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if bus != "" && bus == os.Getenv(BusEnv) {
		return ""
	}
	why := "DBUS_SESSION_BUS_ADDRESS is unset"
	if bus != "" {
		why = "DBUS_SESSION_BUS_ADDRESS is not the private bus of scripts/with-secret-service.sh " +
			"(these tests must not touch your own keychain)"
	}
	return why + ": run the tests as `scripts/with-secret-service.sh go test ./...` (or `make test`)"
}
