package access

import (
	"fmt"
	"time"
)

// Lock-out policy: the first FreeFailures wrong passphrases cost nothing; from then on each
// failure makes the next try wait FirstDelay, doubling, at most MaxDelay.
const (
	FreeFailures = 5
	FirstDelay   = 30 * time.Second
	MaxDelay     = 15 * time.Minute
)

// LockDelay is how long sign-in stays closed after the given number of consecutive failures.
func LockDelay(failures int) time.Duration {
	if failures < FreeFailures {
		return 0
	}
	d := FirstDelay
	for i := FreeFailures; i < failures && d < MaxDelay; i++ {
		d *= 2
	}
	return min(d, MaxDelay)
}

// LockedError means sign-in for a user is closed until Until, after too many failures.
// The GUI shows the time left.
type LockedError struct {
	Until time.Time
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("too many failed sign-ins: try again after %s", e.Until.Format("15:04:05"))
}
