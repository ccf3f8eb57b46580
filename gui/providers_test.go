package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core"
)

// Microsoft lets no app revoke its access: the disconnect confirmation says the access stays
// valid and where the person ends it, instead of promising a revocation.
func TestDisconnectOfMicrosoftSaysTheAccessStays(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addIntegrationOf(t, "microsoft", "microsoft", "OneDrive")
	w.addSources(t, "microsoft", "Wes", 1, core.StatusConnected, "")
	w.signIn(t, "Wes", goodPass)
	p := w.pane(t)
	p.list.Select(0)
	test.Tap(p.disconnect)
	text := dialogText(t, w.ui.win)
	for _, want := range []string{"will be deleted", "stays valid at Microsoft", "account.microsoft.com", "administrator"} {
		if !strings.Contains(text, want) {
			t.Errorf("the confirmation reads %q; want %q in it", text, want)
		}
	}
	if strings.Contains(text, "will be revoked") {
		t.Errorf("the confirmation reads %q: it promises a revocation Microsoft does not offer", text)
	}
	escape(w.ui.win)
}
