package core

import "github.com/medialake/connect/core/store"

// sourceLabel names a source in the activity log and in errors as people know it: its
// account at its integration as the administrator named it, never the integration's id.
func sourceLabel(src store.Source) string { return src.Account + " at " + src.IntegrationName }

// SourceError is a use-case's failure on one source, or on a connection through one
// integration (Account empty): errors.As finds it, so that a front end can name the account
// and the integration as the administrator named it beside its words for the reason.
type SourceError struct {
	Op          string // what failed: "refresh", "connect through", …
	Account     string // "" when no account is known yet
	Integration string // the integration's name
	Err         error
}

func (e *SourceError) Error() string {
	if e.Account == "" {
		return e.Op + " " + e.Integration + ": " + e.Err.Error()
	}
	return e.Op + " " + e.Account + " at " + e.Integration + ": " + e.Err.Error()
}

func (e *SourceError) Unwrap() error { return e.Err }

// sourceError wraps err, the failure of op on src, in a *SourceError.
func sourceError(op string, src store.Source, err error) error {
	return &SourceError{Op: op, Account: src.Account, Integration: src.IntegrationName, Err: err}
}
