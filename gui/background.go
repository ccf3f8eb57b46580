package gui

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// jobs counts the background work running and, in tests, holds its reports until Wait.
//
// Fyne's test driver has no goroutine of its own: fyne.DoAndWait runs the function on the
// caller's goroutine, so a report would touch widgets while the test's goroutine (which
// stands for Fyne's) taps others, a race the real app cannot have. With onWait set (the
// tests' fixtures set it), a report waits in queue until the test calls Wait, which runs it
// on the test's goroutine, as Fyne's goroutine would.
type jobs struct {
	mu      sync.Mutex
	changed *sync.Cond // signalled when running drops or a report is queued
	running int
	queue   []queuedReport
	onWait  bool
}

type queuedReport struct {
	fn   func()
	done chan struct{}
}

// background runs work off Fyne's goroutine and then runs the function it returns (if any)
// on Fyne's goroutine. It is the one way the GUI starts work that waits; every (for work that
// repeats) and the sign-in's progress reach the widgets the same way, through report.
func (u *UI) background(work func(ctx context.Context) func()) {
	u.jobs.mu.Lock()
	u.jobs.running++
	u.jobs.mu.Unlock()
	go func() {
		defer func() {
			u.jobs.mu.Lock()
			u.jobs.running--
			u.jobs.changed.Broadcast()
			u.jobs.mu.Unlock()
		}()
		if done := work(context.Background()); done != nil {
			u.report(done)
		}
	}()
}

// report runs fn on Fyne's goroutine and waits for it; in tests, on the goroutine that calls
// Wait (see jobs). Once the UI is closed, a report still queued is dropped.
func (u *UI) report(fn func()) {
	if !u.jobs.onWait {
		fyne.DoAndWait(fn)
		return
	}
	q := queuedReport{fn: fn, done: make(chan struct{})}
	u.jobs.mu.Lock()
	u.jobs.queue = append(u.jobs.queue, q)
	u.jobs.changed.Broadcast()
	u.jobs.mu.Unlock()
	select {
	case <-q.done:
	case <-u.quit:
	}
}

// Wait blocks until the background work started so far has finished and reported back.
// Tests call it after a tap; it runs the reports (see jobs).
func (u *UI) Wait() {
	j := &u.jobs
	for {
		j.mu.Lock()
		for len(j.queue) == 0 && j.running > 0 {
			j.changed.Wait()
		}
		if len(j.queue) == 0 {
			j.mu.Unlock()
			return
		}
		q := j.queue[0]
		j.queue = j.queue[1:]
		j.mu.Unlock()
		q.fn()
		close(q.done)
	}
}

// every runs work off Fyne's goroutine every d, and the function it returns on Fyne's
// goroutine (through report), until that function returns true, the UI closes, or the
// returned stop is called; stop waits until no round runs any more.
func (u *UI) every(d time.Duration, work func(ctx context.Context) func() (done bool)) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-u.quit:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			var done bool
			if round := work(ctx); round != nil {
				u.report(func() { done = round() })
			}
			if done {
				return
			}
		}
	}()
	return func() {
		cancel()
		<-ended
	}
}
