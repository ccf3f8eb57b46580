package assets

import (
	"bytes"
	"testing"

	"github.com/medialake/connect/core/catalog"
)

// Every provider of the catalog, presets and custom kinds alike, has its own mark: without one
// it would show the generic OAuth 2.0 mark, and nothing else would tell. An icon for an id
// the catalog lacks is a leftover.
func TestEveryPresetHasItsIcon(t *testing.T) {
	known := map[string]bool{}
	for _, p := range catalog.All() {
		id := string(p.ID)
		known[id] = true
		r, ok := providerIcons[id]
		if !ok {
			t.Errorf("provider %q (%s) has no icon: add assets/provider-%s.svg and its entry in providerIcons", id, p.Name, id)
			continue
		}
		if want := "provider-" + id + ".svg"; r.Name() != want || !bytes.HasPrefix(r.Content(), []byte("<svg ")) {
			t.Errorf("provider %q: icon %q (%d bytes), want the SVG %s", id, r.Name(), len(r.Content()), want)
		}
		if got := ProviderIcon(id); got != r {
			t.Errorf("ProviderIcon(%q) = %s, want %s", id, got.Name(), r.Name())
		}
	}
	for id := range providerIcons {
		if !known[id] {
			t.Errorf("icon for %q, which is no provider of the catalog", id)
		}
	}
}
