package core

import "context"

// Seams for this package's tests, kept out of App so that no production type carries one.
// Nil in production; a test sets one and puts it back (core's tests do not run in parallel).
var (
	// disconnectHook, if set, stands in for disconnecting one source of a user being deleted
	// or of an integration being removed.
	disconnectHook func(a *App, ctx context.Context, sourceID int64) error
	// afterTokenSaved is told each new source's id once its token is in the keychain and
	// before its row is saved (the kill test ends its process there).
	afterTokenSaved func(id int64)
	// afterImportSecrets is called once an import's client secrets are in the keychain and
	// before its rows are saved (the kill test ends its process there).
	afterImportSecrets func()
	// afterImportBackup is told each integration whose secret an import has backed up, and
	// afterImportCommit is called once an import's rows are committed, before its journal
	// ends (the kill tests end their process there).
	afterImportBackup func(id string)
	afterImportCommit func()
)

// disconnectSource ends one source when its owner is deleted or its integration removed.
func (a *App) disconnectSource(ctx context.Context, sourceID int64) error {
	if disconnectHook != nil {
		return disconnectHook(a, ctx, sourceID)
	}
	return a.disconnectOwned(ctx, sourceID)
}
