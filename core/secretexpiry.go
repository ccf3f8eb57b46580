package core

import (
	"strings"
	"time"

	"github.com/medialake/connect/core/catalog"
)

// A client secret can expire (Microsoft's Web secrets, at most 24 months after they are
// made): when it does, every sign-in and refresh through the integration fails at once. The
// admin records the date the console shows when saving the secret; administrators are warned
// SecretWarning ahead.

// SecretWarning is how long before a client secret's recorded expiry administrators are warned.
const SecretWarning = 30 * 24 * time.Hour

// SecretDateLayout is how a secret's expiry date is typed: the day, as consoles show it.
const SecretDateLayout = "2006-01-02"

// FieldSecretExpires is the field of a client secret's expiry date, as ValidationError names it.
const FieldSecretExpires = "secret_expires"

// SecretDue says how soon an integration's client secret expires.
type SecretDue int

// How soon a client secret expires, as IntegrationView.SecretDue holds it.
const (
	// SecretFine: no expiry recorded, or more than SecretWarning away.
	SecretFine SecretDue = iota
	// SecretExpiresSoon: within SecretWarning; a new secret is due.
	SecretExpiresSoon
	// SecretExpired: the date has passed: sign-ins and refreshes fail until a new one is saved.
	SecretExpired
)

// secretDue is how soon a secret expiring at expires does, as of now.
func secretDue(expires, now time.Time) SecretDue {
	switch {
	case expires.IsZero():
		return SecretFine
	case !now.Before(expires):
		return SecretExpired
	case expires.Sub(now) <= SecretWarning:
		return SecretExpiresSoon
	}
	return SecretFine
}

// secretExpiry reads the expiry date typed for a client secret (see IntegrationInput), for
// the secret policy: the end of that day in now's location, so that a secret is good for
// the whole day the console names. It returns a message for the form if the date is wrong.
func secretExpiry(typed string, policy catalog.SecretPolicy, newSecret bool, now time.Time) (time.Time, string) {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return time.Time{}, ""
	}
	day, err := time.ParseInLocation(SecretDateLayout, typed, now.Location())
	switch {
	case policy == catalog.SecretForbidden:
		return time.Time{}, "A public client has no client secret, so nothing expires: leave the date empty."
	case err != nil:
		return time.Time{}, "Enter the date as YYYY-MM-DD, for example " + now.AddDate(0, 24, 0).Format(SecretDateLayout) + "."
	}
	end := day.AddDate(0, 0, 1).Add(-time.Millisecond)
	if newSecret && end.Before(now) {
		return time.Time{}, "That date has passed: enter the date the new secret expires, as the console shows it."
	}
	return end, ""
}
