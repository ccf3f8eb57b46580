package core

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/core/catalog"
)

// A Microsoft Web secret's expiry, recorded when it is saved, warns administrators 30 days
// ahead and once it has passed, by the app's clock.
func TestSecretExpiryWarnsThirtyDaysAhead(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	day := 24 * time.Hour
	expires := tm.clk.Now().Add(60 * day).Format(SecretDateLayout)
	in := IntegrationInput{ID: "microsoft", ClientID: "11112222-aaaa-bbbb-cccc-333344445555", ClientType: catalog.ClientConfidential,
		Secret: secret("web-secret"), SecretExpires: expires}
	if err := tm.app.SaveIntegration(ctx, tm.admin, in); err != nil {
		t.Fatal(err)
	}
	if e := tm.lastEntry(t); !strings.Contains(e.Detail, "client secret expires "+expires) {
		t.Errorf("activity detail %q; want the expiry recorded", e.Detail)
	}
	due := func() IntegrationView {
		t.Helper()
		admin, err := tm.app.SignIn(ctx, "root", secret(adminPass))
		if err != nil {
			t.Fatal(err)
		}
		v, err := tm.app.Integration(ctx, admin, "microsoft")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, step := range []struct {
		advance time.Duration
		want    SecretDue
	}{
		{0, SecretFine},
		{29 * day, SecretFine},       // 31 days and a few hours left
		{2 * day, SecretExpiresSoon}, // 29 days left
		{29 * day, SecretExpiresSoon},
		{day, SecretExpired}, // the day after the one the console named
	} {
		tm.clk.Advance(step.advance)
		if v := due(); v.SecretDue != step.want || v.SecretExpiresAt.Format(SecretDateLayout) != expires {
			t.Errorf("at %s: due %d, expires %s; want %d, %s", tm.clk.Now().Format(time.DateTime), v.SecretDue, v.SecretExpiresAt, step.want, expires)
		}
	}

	// A new secret: a date in the past or not a date is refused; none recorded clears it.
	admin, _ := tm.app.SignIn(ctx, "root", secret(adminPass))
	for typed, want := range map[string]string{"2024-02-30": "YYYY-MM-DD", "31/12/2030": "YYYY-MM-DD", expires: "passed"} {
		in := in
		in.Secret, in.SecretExpires = secret("newer-secret"), typed
		err := tm.app.SaveIntegration(ctx, admin, in)
		var ve *ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.Fields[FieldSecretExpires], want) {
			t.Errorf("saving expiry %q = %v; want %q in the field's message", typed, err, want)
		}
	}
	in.Secret, in.SecretExpires = secret("newer-secret"), ""
	if err := tm.app.SaveIntegration(ctx, admin, in); err != nil {
		t.Fatal(err)
	}
	if v := due(); v.SecretDue != SecretFine || !v.SecretExpiresAt.IsZero() {
		t.Errorf("after a new secret without a date: due %d, expires %v; want none recorded", v.SecretDue, v.SecretExpiresAt)
	}
	// A public client has no secret to expire.
	in = IntegrationInput{ID: "microsoft", ClientID: "11112222-aaaa-bbbb-cccc-333344445555", ClientType: catalog.ClientPublic, SecretExpires: "2030-01-01"}
	var ve *ValidationError
	if err := tm.app.SaveIntegration(ctx, admin, in); !errors.As(err, &ve) || ve.Fields[FieldSecretExpires] == "" {
		t.Errorf("saving an expiry for a public client = %v; want it refused", err)
	}
}
