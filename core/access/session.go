package access

import "time"

// Session is a signed-in user. Core hands one out at sign-in and accepts only the ones it
// handed out; Privilege is as of sign-in, while core checks the current one at every use.
type Session struct {
	UserID     int64
	Name       string
	Privilege  Privilege
	SignedInAt time.Time
	// Notices are what the person must read at once after signing in: for an administrator,
	// each passphrase reset by local recovery since their previous sign-in. Core writes them;
	// the front ends show them (escaped, as any text from the log).
	Notices []string
}
