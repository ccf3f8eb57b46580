package vault_test

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"github.com/danieljoos/wincred"

	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/keychaintest"
)

// credentials counts the Credential Manager entries of the workspace ws, looked at through
// CredEnumerate rather than through the vault.
func credentials(t *testing.T, ws string) int {
	t.Helper()
	creds, err := wincred.List()
	if err != nil {
		t.Fatalf("CredEnumerate: %v", err)
	}
	n := 0
	for _, c := range creds {
		if strings.HasPrefix(c.TargetName, vault.Service+":"+ws+"/") {
			n++
		}
	}
	return n
}

// The real Windows backend (Credential Manager, as Wine provides it: it keeps Windows' limit of
// 2,560 bytes per entry) with secrets the size Microsoft Entra issues and larger: a 5 KiB token
// bundle and a 3,000-character client secret are stored whole, read back whole, and a delete
// leaves no entry of the workspace behind.
func TestWindowsCredentialManagerLargeSecrets(t *testing.T) {
	keychaintest.Require(t)
	ws := "test-" + rand.Text()[:12]
	v := vault.New(ws, vault.Config{})
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		key  string
		size int
	}{
		{"one entry", vault.IntegrationSecretKey("small"), 100},
		{"client secret", vault.IntegrationSecretKey("entra"), 3000},
		{"token bundle", vault.SourceTokenKey(1), 5 * 1024},
	} {
		t.Run(tc.name, func(t *testing.T) {
			value := strings.Repeat(rand.Text(), tc.size/26+1)[:tc.size]
			if err := v.Set(ctx, tc.key, redact.NewSecret(value)); err != nil {
				t.Fatalf("Set %d bytes: %v", tc.size, err)
			}
			// Credential Manager holds 2,560 bytes an entry: a larger secret is in several.
			if n := credentials(t, ws); tc.size > 2560 && n < 2 || tc.size <= 2560 && n != 1 {
				t.Errorf("%d bytes stored in %d Credential Manager entries", tc.size, n)
			}
			got, err := v.Get(ctx, tc.key)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if got.Reveal() != value {
				t.Errorf("Get: %d bytes, want the %d bytes set", got.Len(), tc.size)
			}
			if err := v.Delete(ctx, tc.key); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if _, err := v.Get(ctx, tc.key); !errors.Is(err, vault.ErrNotFound) {
				t.Errorf("Get after Delete: %v, want ErrNotFound", err)
			}
			if n := credentials(t, ws); n != 0 {
				t.Errorf("%d Credential Manager entries of the workspace left after Delete, want 0", n)
			}
		})
	}
}
