// Package testkit holds what the tests of several packages share: a clock that moves only
// when told, and a browser that signs in at the test authorization server (internal/authtest).
// Only tests import it.
package testkit

import (
	"sync"
	"time"
)

// Clock is the tests' time: it moves only when told. Its Now stands in for time.Now.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock that reads t until it is advanced.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock d ahead.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
