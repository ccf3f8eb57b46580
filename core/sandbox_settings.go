package core

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/sandbox"
	"github.com/medialake/connect/core/store"
)

// Fields of a SandboxInput, as ValidationError names them.
const (
	FieldSandboxPort = catalog.FieldSandboxPort
	FieldTokenTTL    = catalog.FieldTokenTTL
)

// SandboxView is the built-in sandbox provider's settings, as its settings show them.
type SandboxView struct {
	// Port is the 127.0.0.1 port it listens on; its issuer is http://127.0.0.1:Port.
	Port int
	// AccessTokenTTL is the lifetime of the access tokens it issues.
	AccessTokenTTL time.Duration
	// RefuseRefresh makes it answer every refresh with invalid_grant: sources need reconnecting.
	RefuseRefresh bool
	// Silent makes it drop every call unanswered: sources go offline.
	Silent bool
	// Issuer is http://127.0.0.1:Port.
	Issuer string
}

// Input is the form's starting point: every setting as saved.
func (v SandboxView) Input() SandboxInput {
	return SandboxInput{Port: strconv.Itoa(v.Port), AccessTokenTTL: v.AccessTokenTTL.String(),
		RefuseRefresh: v.RefuseRefresh, Silent: v.Silent}
}

// SandboxInput is what the sandbox's settings form sends; values are trimmed.
type SandboxInput struct {
	// Port as typed, 1024 to 65535.
	Port string
	// AccessTokenTTL as typed, a Go duration such as 5m or 90s.
	AccessTokenTTL string
	RefuseRefresh  bool
	Silent         bool
}

// Sandbox returns the sandbox's settings (admin only).
func (a *App) Sandbox(ctx context.Context, s *access.Session) (SandboxView, error) {
	if _, err := a.authorizeIntegration(ctx, s, access.IntegrationView, string(catalog.Sandbox), false); err != nil {
		return SandboxView{}, err
	}
	st, err := a.sandboxSettings(ctx)
	if err != nil {
		return SandboxView{}, err
	}
	return SandboxView{Port: st.Port, AccessTokenTTL: st.AccessTokenTTL, RefuseRefresh: st.RefuseRefresh,
		Silent: st.Silent, Issuer: sandbox.Issuer(st.Port)}, nil
}

// SetSandbox checks and saves the sandbox's settings (admin only); wrong fields are a
// *ValidationError and nothing is saved. A new port moves the sandbox there at its next use:
// connected sources keep their tokens, issued at the old issuer, and keep working, since the
// grants move with it.
func (a *App) SetSandbox(ctx context.Context, s *access.Session, in SandboxInput) error {
	t, err := a.authorizeIntegration(ctx, s, access.IntegrationSave, string(catalog.Sandbox), false)
	if err != nil {
		return err
	}
	st := store.SandboxSettings{RefuseRefresh: in.RefuseRefresh, Silent: in.Silent}
	bad := map[string]string{}
	if st.Port, err = strconv.Atoi(strings.TrimSpace(in.Port)); err != nil {
		bad[FieldSandboxPort] = fmt.Sprintf("A port is a number from %d to %d, such as %d.", catalog.MinPort, catalog.MaxPort, catalog.SandboxDefaultPort)
	}
	if st.AccessTokenTTL, err = time.ParseDuration(strings.TrimSpace(in.AccessTokenTTL)); err != nil {
		bad[FieldTokenTTL] = "Type a lifetime such as 5m, 90s or 1h."
	}
	for f, msg := range (catalog.SandboxSettings{Port: st.Port, AccessTokenTTL: st.AccessTokenTTL}).Check().Map() {
		if _, seen := bad[f]; !seen {
			bad[f] = msg
		}
	}
	others, err := a.otherPorts(ctx, string(catalog.Sandbox))
	if err != nil {
		return err
	}
	if other, taken := others[st.Port]; taken && bad[FieldSandboxPort] == "" {
		bad[FieldSandboxPort] = portTaken(st.Port, other)
	}
	if len(bad) > 0 {
		return fmt.Errorf("sandbox settings: %w", &ValidationError{Fields: bad})
	}
	return a.change(ctx, t.admin.Name, access.IntegrationSave, t.row.Name, func(tx *sql.Tx) (string, error) {
		return sandboxDetail(st), store.PutSandboxSettings(ctx, tx, st)
	})
}

func sandboxDetail(st store.SandboxSettings) string {
	d := fmt.Sprintf("sandbox: port %d, access tokens %s", st.Port, st.AccessTokenTTL)
	if st.RefuseRefresh {
		d += ", refusing refreshes"
	}
	if st.Silent {
		d += ", silent"
	}
	return d
}

// enabled saves the sandbox's default settings in tx when none are saved yet, so that its
// port is the workspace's from the first enabling on.
func (h *sandboxHost) enabled(ctx context.Context, tx *sql.Tx) error {
	_, err := store.SandboxSettingsOf(ctx, tx)
	if errors.Is(err, store.ErrNotFound) {
		return store.PutSandboxSettings(ctx, tx, sandbox.Defaults())
	}
	return err
}
