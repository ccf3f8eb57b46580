package gui

import (
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
)

// A client secret's expiry date: typed when the secret is saved, warned about 30 days ahead
// (core says when) in the integrations list and above the form.

// secretDueWords say how soon a client secret expires, in the integrations list.
var secretDueWords = map[core.SecretDue]string{core.SecretExpiresSoon: "secret expires soon", core.SecretExpired: "secret expired"}

// secretDatePlaceHolder is what the expiry date's field says while empty, where a secret
// may be entered.
const secretDatePlaceHolder = "YYYY-MM-DD (optional)"

// secretExpiresItem is the expiry date of the client secret. It starts empty, which keeps the
// date recorded; the recorded one is said under it.
func (f *integrationForm) secretExpiresItem() *widget.FormItem {
	v := f.view
	f.secretExpires = f.entry()
	f.secretExpires.SetPlaceHolder(secretDatePlaceHolder)
	item := widget.NewFormItem("Secret expires", f.field(core.FieldSecretExpires, f.secretExpires))
	// Short: a hint does not wrap, and a long one would widen the form past a small window.
	// The guide says where the console shows the date.
	item.HintText = "From the console; warned 30 days ahead"
	if !v.SecretExpiresAt.IsZero() {
		item.HintText = "Recorded: " + v.SecretExpiresAt.Local().Format(core.SecretDateLayout)
	}
	return item
}

// secretDueWarning is the warning above the form when the client secret expires within 30
// days or has expired; nil otherwise.
func secretDueWarning(v core.IntegrationView) *widget.Label {
	day := v.SecretExpiresAt.Local().Format(core.SecretDateLayout)
	var l *widget.Label
	switch v.SecretDue {
	case core.SecretExpiresSoon:
		l = wrapped("The client secret expires on " + day + ": then every sign-in and refresh through this integration fails. " +
			"Create a new secret in the provider's console and enter it here, with its expiry date.")
		l.Importance = widget.WarningImportance
	case core.SecretExpired:
		l = wrapped("The client secret expired on " + day + ", so every sign-in and refresh through this integration fails. " +
			"Create a new secret in the provider's console and enter it here, with its expiry date.")
		l.Importance = widget.DangerImportance
	}
	return l
}
