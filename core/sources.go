package core

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/tokens"
	"github.com/medialake/connect/core/vault"
)

var (
	// ErrUnknownSource means no source has that id: it may have been disconnected meanwhile.
	ErrUnknownSource = errors.New("no such source")
	// ErrAlreadyConnected means the account is already a source of the user at the
	// integration; the error is an *AlreadyConnectedError naming that source.
	ErrAlreadyConnected = errors.New("this account is already connected through this integration")
	// ErrDifferentAccount means a reconnect signed in with another account than the source's;
	// the error is a *DifferentAccountError naming both.
	ErrDifferentAccount = errors.New("signed in with a different account")
	// ErrNeedsReconnect means the provider no longer accepts the source's refresh token.
	ErrNeedsReconnect = tokens.ErrNeedsReconnect
	// ErrOffline means the provider could not be reached.
	ErrOffline = tokens.ErrOffline
	// ErrRevocationPending means a disconnect could not yet revoke the token at the provider:
	// the source stays, marked revocation pending, until a retry succeeds or it is forgotten.
	ErrRevocationPending = tokens.ErrRevocationPending
)

// A source's health, as Source.Status holds it.
const (
	StatusConnected         = store.StatusConnected
	StatusNeedsReconnect    = store.StatusNeedsReconnect
	StatusOffline           = store.StatusOffline
	StatusRevocationPending = store.StatusRevocationPending
	StatusError             = store.StatusError
)

// Source is a connected account as people see it. It holds no token.
type Source struct {
	ID              int64
	IntegrationID   string
	IntegrationName string
	// Provider is the catalog provider's id (for its icon); ProviderName is its name.
	Provider     string
	ProviderName string
	// CannotRevoke is, where the provider lets no app revoke its access (Microsoft), what
	// disconnecting leaves and where the person ends the access themselves; "" where
	// Disconnect revokes it.
	CannotRevoke string
	// RevokeEnds is, where revoking ends more than this source (Google), what else it ends;
	// SharesGrant counts the other sources here that it would end (see DisconnectShared).
	RevokeEnds  string
	SharesGrant int
	OwnerID     int64
	Owner       string
	// Account labels the account, e.g. jane@example.com.
	Account string
	// Scopes are the scopes the provider granted.
	Scopes []string
	// Status is one of the Status constants; StatusDetail says why, for people.
	Status        string
	StatusDetail  string
	TokenExpiry   time.Time
	LastRefreshAt time.Time
	CreatedAt     time.Time
	// ExpiresIfUnused is when the provider drops the refresh token if it stays unused
	// (Box 60 days, Microsoft 90, Google about 180 after the last refresh); zero means never.
	// Maintain refreshes it before then while keep-alive is on.
	ExpiresIfUnused time.Time
	// GrantEnds is when the provider ends the refresh token whatever is done (7 days after
	// the sign-in, for a Google app in Testing); zero means never. grantWhy says why.
	GrantEnds time.Time
	grantWhy  string
	// Renewal says whether the token renews by itself or must be refreshed or reconnected,
	// and by when, as of the moment the source was read.
	Renewal Renewal
	// ScriptAccess says whether programs on this computer may get the source's token without
	// signing in (see AllowScripts): its owner allowed it and the grant still holds.
	ScriptAccess bool
}

// SourceFilter narrows Sources: by owner, by integration, and by text in the account,
// owner name or integration name. Writers always get their own sources only.
type SourceFilter = store.SourceFilter

// IntegrationChoice is an enabled integration that a writer may connect through.
type IntegrationChoice struct {
	ID, Name string
	// Provider is the catalog provider's id, for its icon.
	Provider string
}

// Sources lists sources: a writer's own, or every source for admins and readers. It reads
// no secret and makes no network call.
func (a *App) Sources(ctx context.Context, s *access.Session, f SourceFilter) ([]Source, error) {
	u, err := a.authorize(ctx, s, access.SourceList, "", true)
	if err != nil {
		return nil, err
	}
	if !access.SeesEverySource(u.Privilege) {
		f.OwnerID = u.ID
	}
	return a.sourceCache.sources(ctx, a.db, f, a.now(), func(ctx context.Context) ([]Source, bool, error) {
		return a.readSources(ctx, f)
	}, a.scheduled)
}

// Changed reports whether anything in the workspace's database changed since the last call,
// in this process or another (a command beside the window, say); the first call says true.
// It reads one number and no row, so the window may ask every few seconds.
func (a *App) Changed(ctx context.Context) bool { return a.sourceCache.changed(ctx, a.db) }

// readSources reads the sources f keeps, and the workspace's keep-alive setting.
func (a *App) readSources(ctx context.Context, f SourceFilter) ([]Source, bool, error) {
	rows, err := store.Sources(ctx, a.db, f)
	if err != nil {
		return nil, false, err
	}
	p, err := a.sourceProjection(ctx)
	if err != nil {
		return nil, false, err
	}
	list := make([]Source, len(rows))
	for i, r := range rows {
		list[i] = p.source(r)
	}
	return list, p.keepAlive, nil
}

// SourceDetails returns one source; a writer may see only their own.
func (a *App) SourceDetails(ctx context.Context, s *access.Session, id int64) (Source, error) {
	u, src, err := a.authorizeSource(ctx, s, access.SourceList, id)
	if err != nil {
		return Source{}, err
	}
	if !access.SeesEverySource(u.Privilege) && src.OwnerID != u.ID {
		a.note(ctx, u.Name, access.SourceList, sourceLabel(src), store.OutcomeDenied, "not the owner")
		return Source{}, fmt.Errorf("details of source %d: %w", id, access.ErrForbidden)
	}
	return a.source(ctx, id)
}

// EnabledIntegrations lists the integrations the session's user may connect through.
func (a *App) EnabledIntegrations(ctx context.Context, s *access.Session) ([]IntegrationChoice, error) {
	if _, err := a.authorize(ctx, s, access.SourceConnect, "", true); err != nil {
		return nil, err
	}
	all, err := store.Integrations(ctx, a.db)
	if err != nil {
		return nil, err
	}
	var list []IntegrationChoice
	for _, in := range all {
		if in.Enabled {
			list = append(list, IntegrationChoice{ID: in.ID, Name: in.Name, Provider: in.Provider})
		}
	}
	return list, nil
}

// Connect signs the session's user in at the integration's provider through the browser and
// saves the account as a new source of theirs: the token in the keychain, then the row (see
// pending.go for why no token outlives a row that was never saved). The same account twice
// is an *AlreadyConnectedError, an integration nobody set up ErrUnknownIntegration; nothing
// is saved on any failure.
func (a *App) Connect(ctx context.Context, s *access.Session, integrationID string, hooks FlowHooks) (Source, error) {
	name := integrationID // what the activity log and the errors call it: its name, if it has one
	if row, err := a.savedRow(ctx, integrationID); err == nil {
		name = row.Name
	}
	u, err := a.authorize(ctx, s, access.SourceConnect, name, true)
	if err != nil {
		return Source{}, err
	}
	failed := func(subject string, err error) (Source, error) {
		a.note(ctx, u.Name, access.SourceConnect, subject, store.OutcomeFailed, err.Error())
		return Source{}, &SourceError{Op: "connect through", Integration: name, Err: err}
	}
	in, err := a.enabledIntegration(ctx, integrationID)
	if err != nil {
		return failed(name, err)
	}
	res, err := a.runFlow(ctx, in, hooks)
	if err != nil {
		return failed(name, err)
	}
	label := res.account.Label + " at " + name
	if id, ok, err := a.sourceOf(ctx, u.ID, in.row.ID, res.account.Subject); err != nil {
		return failed(label, err)
	} else if ok {
		a.dropToken(ctx, in, res.token)
		return failed(label, &AlreadyConnectedError{SourceID: id, Account: res.account.Label})
	}

	id, err := a.saveSource(ctx, u.Name, label, in, res, u.ID)
	if err != nil {
		return failed(label, err)
	}
	return a.source(ctx, id)
}

// Reconnect signs in again for a source, whose token it replaces; the status becomes
// connected, and the account's label and the granted scopes become what the provider says
// now. Another account than the source's is a *DifferentAccountError and changes nothing.
func (a *App) Reconnect(ctx context.Context, s *access.Session, sourceID int64, hooks FlowHooks) (Source, error) {
	u, src, err := a.authorizeSource(ctx, s, access.SourceReconnect, sourceID)
	if err != nil {
		return Source{}, err
	}
	label := sourceLabel(src)
	failed := func(err error) (Source, error) {
		a.note(ctx, u.Name, access.SourceReconnect, label, store.OutcomeFailed, err.Error())
		return Source{}, sourceError("reconnect", src, err)
	}
	if src.Status == store.StatusRevocationPending {
		// Its owner asked to disconnect it: a new grant would leave the old one unrevoked. What to
		// do about it is the front ends' to say.
		return failed(fmt.Errorf("%w: the source is being disconnected", ErrRevocationPending))
	}
	in, err := a.enabledIntegration(ctx, src.IntegrationID)
	if err != nil {
		return failed(err)
	}
	res, err := a.runFlow(ctx, in, hooks)
	if err != nil {
		return failed(err)
	}
	if res.account.Subject != src.AccountSubject {
		a.dropToken(ctx, in, res.token)
		return failed(&DifferentAccountError{Want: src.Account, Got: res.account.Label})
	}
	// The token is saved; the row records it, and the account's label and the scopes follow
	// what this sign-in said, with the activity entry in the same transaction.
	err = a.writeToken(ctx, src.ID, res.token, func(ctx context.Context) error {
		return a.change(ctx, u.Name, access.SourceReconnect, label, func(tx *sql.Tx) (string, error) {
			now := a.now()
			if err := tokens.RecordWrite(ctx, tx, src.ID, res.token, now); err != nil {
				return "", err
			}
			if err := store.UpdateSourceAccount(ctx, tx, src.ID, res.account.Label, res.scopes, now); err != nil {
				return "", err
			}
			detail := "token replaced; scopes granted: " + strings.Join(res.scopes, " ")
			if res.account.Label != src.Account {
				detail += "; the account is now labelled " + res.account.Label
			}
			return detail, nil
		})
	})
	if err != nil {
		return failed(err)
	}
	return a.source(ctx, sourceID)
}

// Refresh refreshes the source's token now and returns the source with its new health. A
// refused refresh token marks it needs reconnect (ErrNeedsReconnect), an unreachable
// provider offline (ErrOffline).
func (a *App) Refresh(ctx context.Context, s *access.Session, sourceID int64) (Source, error) {
	u, src, err := a.authorizeSource(ctx, s, access.SourceRefresh, sourceID)
	if err != nil {
		return Source{}, err
	}
	label := sourceLabel(src)
	// A disabled integration refuses new sign-ins only: existing sources keep refreshing.
	lc, err := a.lifecycleOf(ctx, src.IntegrationID)
	if err != nil {
		err = a.unreachable(ctx, src, err)
	} else {
		_, err = a.tokens.Refresh(ctx, sourceID, lc.Config)
	}
	if err != nil {
		a.note(ctx, u.Name, access.SourceRefresh, label, store.OutcomeFailed, err.Error())
		return Source{}, sourceError("refresh", src, err)
	}
	a.note(ctx, u.Name, access.SourceRefresh, label, store.OutcomeOK, "")
	return a.source(ctx, sourceID)
}

// Disconnect revokes the source's token at the provider where the provider can, then
// deletes the token from the keychain and the source. When the revocation cannot be done now
// (offline), the source stays, marked revocation pending with its token kept, and the error
// wraps ErrRevocationPending; Forget deletes it without telling the provider. Where revoking
// would end other sources here too, it is a *SharedGrantError and nothing changes.
func (a *App) Disconnect(ctx context.Context, s *access.Session, sourceID int64) error {
	return a.disconnectAsked(ctx, s, sourceID, false)
}

// Forget deletes the source and its token on this computer only: the provider is not told,
// and the grant stays valid there until it expires or the account's owner revokes it.
func (a *App) Forget(ctx context.Context, s *access.Session, sourceID int64) error {
	u, src, err := a.authorizeSource(ctx, s, access.SourceForget, sourceID)
	if err != nil {
		return err
	}
	label := sourceLabel(src)
	if err := a.tokens.Forget(ctx, sourceID); err != nil {
		a.note(ctx, u.Name, access.SourceForget, label, store.OutcomeFailed, err.Error())
		return sourceError("forget", src, err)
	}
	a.note(ctx, u.Name, access.SourceForget, label, store.OutcomeOK,
		"deleted on this computer only; the provider was not told and the grant stays valid there")
	return nil
}

// disconnect revokes and deletes src, and returns what happened for the activity log. It
// checks no privilege: Disconnect and DeleteUser do.
func (a *App) disconnect(ctx context.Context, src store.Source) (string, error) {
	_, err := tokens.Load(ctx, a.keychain, src.ID)
	if errors.Is(err, vault.ErrNotFound) {
		return "no token on this computer, nothing to revoke", a.tokens.Forget(ctx, src.ID)
	}
	if err != nil {
		return "", err
	}
	lc, err := a.lifecycleOf(ctx, src.IntegrationID)
	if err != nil {
		// Offline (discovery) or a broken integration: the revocation waits, as for a
		// provider that cannot be reached.
		detail := "the revocation could not be prepared: " + err.Error()
		if serr := store.UpdateSourceStatus(ctx, a.db, src.ID, store.StatusRevocationPending, detail, a.now()); serr != nil {
			return "", serr
		}
		return "", fmt.Errorf("%w: %w", ErrRevocationPending, err)
	}
	if err := a.tokens.Disconnect(ctx, src.ID, lc); err != nil {
		return "", err
	}
	if lc.Revocation.Kind == tokens.RevokeNone {
		return "the provider offers no revocation; the token was deleted on this computer and the grant stays valid at the provider until it idles out or the account's owner removes the app", nil
	}
	return "revoked at the provider", nil
}

// disconnectOwned disconnects a source of a user being deleted. A revocation that must wait
// is no error here: the source stays, and DeleteUser refuses with ErrUserHasSources.
func (a *App) disconnectOwned(ctx context.Context, id int64) error {
	src, err := a.savedSource(ctx, id)
	if err != nil {
		return err
	}
	if _, err := a.disconnect(ctx, src); err != nil && !errors.Is(err, ErrRevocationPending) {
		return err
	}
	return nil
}

// lifecycleOf is a tokens.Resolver: a saved integration, enabled or not (existing sources
// keep refreshing), resolved as core/tokens refreshes and revokes through it.
func (a *App) lifecycleOf(ctx context.Context, integrationID string) (tokens.Integration, error) {
	row, err := a.savedRow(ctx, integrationID)
	if err != nil {
		return tokens.Integration{}, err
	}
	in, err := a.resolveRow(ctx, row)
	if err != nil {
		return tokens.Integration{}, err
	}
	return in.lifecycle(), nil
}

// unreachable turns err, the failure to prepare src's integration for a refresh, into
// ErrOffline when it means the provider could not be reached (a custom OpenID Connect
// integration's discovery), and marks the source offline, even once ctx's deadline passed, as
// a refresh that cannot reach the token endpoint does. A source that needs reconnecting or
// waits for its revocation keeps that status. Other errors are returned as they are.
func (a *App) unreachable(ctx context.Context, src store.Source, err error) error {
	if !tokens.Unreachable(err) {
		return err
	}
	if src.Status != store.StatusNeedsReconnect && src.Status != store.StatusRevocationPending {
		detail := "cannot reach the provider"
		var ue *url.Error
		if errors.As(err, &ue) {
			if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
				detail = "cannot reach " + u.Host
			}
		}
		if serr := store.UpdateSourceStatus(context.WithoutCancel(ctx), a.db, src.ID, store.StatusOffline, detail, a.now()); serr != nil {
			return errors.Join(fmt.Errorf("%w: %w", ErrOffline, err), serr)
		}
	}
	return fmt.Errorf("%w: %w", ErrOffline, err)
}

// authorizeSource is authorize for an action on one source; the owner decides ownsTarget.
// A source that does not exist is treated as the user's own, so that only the privilege
// decides whether its absence (ErrUnknownSource) is told.
func (a *App) authorizeSource(ctx context.Context, s *access.Session, action access.Action, id int64) (store.User, store.Source, error) {
	src, err := a.savedSource(ctx, id)
	if errors.Is(err, ErrUnknownSource) {
		if _, aerr := a.authorize(ctx, s, action, fmt.Sprintf("source %d", id), true); aerr != nil {
			return store.User{}, store.Source{}, aerr
		}
	}
	if err != nil {
		return store.User{}, store.Source{}, fmt.Errorf("%s: %w", action, err)
	}
	owns := s != nil && src.OwnerID == s.UserID
	u, err := a.authorize(ctx, s, action, sourceLabel(src), owns)
	if err != nil {
		return store.User{}, store.Source{}, err
	}
	return u, src, nil
}

// sourceOf finds the user's source of the account at the integration.
func (a *App) sourceOf(ctx context.Context, owner int64, integrationID, subject string) (int64, bool, error) {
	rows, err := store.Sources(ctx, a.db, store.SourceFilter{OwnerID: owner, IntegrationID: integrationID})
	if err != nil {
		return 0, false, err
	}
	for _, r := range rows {
		if r.AccountSubject == subject {
			return r.ID, true, nil
		}
	}
	return 0, false, nil
}

// savedSource reads a source's row; an id that names none is ErrUnknownSource.
func (a *App) savedSource(ctx context.Context, id int64) (store.Source, error) {
	src, err := store.SourceByID(ctx, a.db, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Source{}, fmt.Errorf("source %d: %w", id, ErrUnknownSource)
	}
	return src, err
}

// source reads one source as people see it, as the list shows it.
func (a *App) source(ctx context.Context, id int64) (Source, error) {
	r, err := a.savedSource(ctx, id)
	if err != nil {
		return Source{}, err
	}
	p, err := a.sourceProjection(ctx)
	if err != nil {
		return Source{}, fmt.Errorf("source %d: %w", id, err)
	}
	src := p.source(r)
	src.Renewal = renewalOf(src, planOf(ctx, p.keepAlive, a.scheduled), a.now())
	return src, nil
}
