package keychaintest

import (
	"os"

	"github.com/medialake/connect/internal/wine"
)

// throwaway returns "" when the tests run under Wine inside scripts/with-wine.sh, whose prefix
// (and so its Credential Manager) is made for the run and removed after it; else why not.
func throwaway() string {
	if os.Getenv(wine.Env) != "" && wine.Running() {
		return ""
	}
	return "these tests write to the real Credential Manager, so they run only under Wine in the " +
		"throwaway prefix of scripts/with-wine.sh (as `make test` runs them), never on your own Windows"
}
