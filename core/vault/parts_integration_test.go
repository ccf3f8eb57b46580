//go:build !windows

package vault_test

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/keychaintest"
)

// The split as Windows and macOS need it, run against the real Secret Service: every part a
// real keychain item, seen from outside the vault by secret-tool, and all of them gone after
// Delete.
func TestSecretServiceSplitSecret(t *testing.T) {
	keychaintest.Require(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		limit vault.Limit
		parts int
	}{
		{"windows", vault.WindowsLimit, 2},         // 4,875 bytes: Entra's tokens in one bundle
		{"darwin", vault.MacLimit, 2},              // the same, in parts of ~2,900 bytes
		{"windows 64 KiB", vault.WindowsLimit, 26}, // the largest secret kept
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := "test-" + rand.Text()[:12]
			v := vault.New(ws, vault.Config{Limit: tc.limit})
			n := 2931 + 1524 + 420
			if tc.parts == 26 {
				n = vault.MaxSecret
			}
			want := strings.Repeat("eyJ0eXAiOiJKV1Qi", n/16+1)[:n]
			key := vault.SourceTokenKey(5)
			if err := v.Set(ctx, key, redact.NewSecret(want)); err != nil {
				t.Fatalf("Set %d bytes: %v", n, err)
			}
			got, err := v.Get(ctx, key)
			if err != nil || got.Reveal() != want {
				t.Fatalf("Get: got %d bytes, %v; want the %d stored", got.Len(), err, n)
			}
			head := ws + "/" + key
			if items := secretTool(t, "search", "--all", "service", vault.Service); strings.Count(items, "'"+head+"#") != tc.parts {
				t.Errorf("keychain items labelled with %s#…: want %d parts in\n%s", head, tc.parts, redactValues(items))
			}
			if err := v.Delete(ctx, key); err != nil {
				t.Fatal(err)
			}
			if items := secretTool(t, "search", "--all", "service", vault.Service); strings.Contains(items, head) {
				t.Errorf("after Delete the keychain still holds items of %s", head)
			}
			if _, err := v.Get(ctx, key); !errors.Is(err, vault.ErrNotFound) {
				t.Errorf("Get after Delete: %v, want ErrNotFound", err)
			}
		})
	}
}

// redactValues drops secret-tool's "secret = …" lines, so a failure prints no token.
func redactValues(items string) string {
	var b strings.Builder
	for line := range strings.Lines(items) {
		if !strings.HasPrefix(line, "secret = ") {
			b.WriteString(line)
		}
	}
	return b.String()
}
