package core

import (
	"fmt"

	"github.com/medialake/connect/core/store"
)

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

// AlreadyConnectedError is ErrAlreadyConnected with the source that holds the account, so
// that the caller can offer to reconnect it.
type AlreadyConnectedError struct {
	SourceID int64
	Account  string
}

func (e *AlreadyConnectedError) Error() string {
	return fmt.Sprintf("%s is already connected through this integration (source %d)", e.Account, e.SourceID)
}

// Is makes errors.Is(err, ErrAlreadyConnected) true.
func (e *AlreadyConnectedError) Is(target error) bool { return target == ErrAlreadyConnected }

// DifferentAccountError is ErrDifferentAccount with the account the source belongs to and
// the one that signed in.
type DifferentAccountError struct {
	Want, Got string
}

func (e *DifferentAccountError) Error() string {
	return fmt.Sprintf("signed in as %s, but this source belongs to %s", e.Got, e.Want)
}

// Is makes errors.Is(err, ErrDifferentAccount) true.
func (e *DifferentAccountError) Is(target error) bool { return target == ErrDifferentAccount }
