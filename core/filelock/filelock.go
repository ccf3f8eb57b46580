// Package filelock gives named exclusive locks that hold across the processes of one
// workspace: the GUI and a command run from a terminal or from cron. A lock is an OS file
// lock (flock, LockFileEx) on a small file named after it in the workspace's lock folder.
//
// Within a process, goroutines first queue on a channel per name, so that only one of them
// at a time waits on the file lock (and holds a thread doing so). The kernel releases a file
// lock when its process dies, so a killed process never leaves anything locked, and the lock
// blocks only the work under that one name, where a SQLite write transaction would block
// every write to the workspace.
package filelock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/medialake/connect/core/private"
)

// ErrBadName means a lock name that cannot be a file name of its own.
var ErrBadName = errors.New("lock name must be letters, digits, '-', '_' and '.' only")

// ErrHeld means the lock stayed held, by this process or another, for all of MaxWait.
var ErrHeld = errors.New("still held by another run of the app after waiting")

// MaxWait bounds every wait of Lock, whatever its context allows: a lock is held for one
// refresh or one import, and a holder that keeps it longer is a process that hangs (the OS
// releases the lock of one that dies), which must not stop every other run with it.
const MaxWait = 2 * time.Minute

// Dir hands out the locks whose files are in one folder. Every process that must exclude
// the others uses the same folder. It is safe for concurrent use.
type Dir struct {
	path string

	maxWait time.Duration // MaxWait; tests shorten it

	mu      sync.Mutex
	held    map[string]*turn
	waiting func(name string)
}

type turn struct {
	ch    chan struct{} // holds a value while a goroutine of this process has the lock
	users int           // goroutines holding or waiting; the entry goes when none is left
}

// New returns the locks kept in the folder at path, which is created (0700) on first use.
func New(path string) *Dir { return &Dir{path: path, maxWait: MaxWait} }

// OnWait makes Lock tell f the name of every lock it has to wait for, because a goroutine of
// this process or another process holds it. Tests use it to know that a lock is contended
// without sleeping.
func (d *Dir) OnWait(f func(name string)) {
	d.mu.Lock()
	d.waiting = f
	d.mu.Unlock()
}

// Lock takes the lock called name, in this process and then across processes, and returns
// the function that releases both. It waits until the lock is free, ctx ends, or MaxWait
// has passed (ErrHeld).
func (d *Dir) Lock(ctx context.Context, name string) (unlock func(), err error) {
	if !validName(name) {
		return nil, fmt.Errorf("lock %q: %w", name, ErrBadName)
	}
	ctx, cancel := context.WithTimeoutCause(ctx, d.maxWait, fmt.Errorf("%w %s: is another medialake-connect "+
		"of this workspace hanging? End it, then try again", ErrHeld, d.maxWait))
	defer cancel()
	t, waiting := d.enter(name)
	select {
	case t.ch <- struct{}{}:
	default:
		if waiting != nil {
			waiting(name)
		}
		select {
		case t.ch <- struct{}{}:
		case <-ctx.Done():
			d.leave(name, t)
			return nil, fmt.Errorf("lock %s: %w", name, context.Cause(ctx))
		}
	}
	f, err := d.lockFile(ctx, name, waiting)
	if err != nil {
		<-t.ch
		d.leave(name, t)
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return func() {
		f.Close() // closing the file releases its OS lock
		<-t.ch
		d.leave(name, t)
	}, nil
}

// TryLock takes the lock called name if nobody, in this process or another, holds it; ok
// is false, and nothing held, when someone does.
func (d *Dir) TryLock(name string) (unlock func(), ok bool, err error) {
	if !validName(name) {
		return nil, false, fmt.Errorf("lock %q: %w", name, ErrBadName)
	}
	t, _ := d.enter(name)
	select {
	case t.ch <- struct{}{}:
	default:
		d.leave(name, t)
		return nil, false, nil
	}
	f, err := d.open(name)
	if err == nil {
		ok, err = tryFlock(f)
		if !ok {
			f.Close()
		}
	}
	if !ok {
		<-t.ch
		d.leave(name, t)
		if err != nil {
			return nil, false, fmt.Errorf("lock %s: %w", name, err)
		}
		return nil, false, nil
	}
	return func() {
		f.Close()
		<-t.ch
		d.leave(name, t)
	}, true, nil
}

// enter counts one more goroutine holding or waiting for name, and returns its turn and the
// wait hook.
func (d *Dir) enter(name string) (*turn, func(string)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.held == nil {
		d.held = map[string]*turn{}
	}
	t := d.held[name]
	if t == nil {
		t = &turn{ch: make(chan struct{}, 1)}
		d.held[name] = t
	}
	t.users++
	return t, d.waiting
}

func (d *Dir) leave(name string, t *turn) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t.users--
	if t.users == 0 {
		delete(d.held, name)
	}
}

// open opens (creating it, 0600) the lock's file.
func (d *Dir) open(name string) (*os.File, error) {
	if err := private.Dir(d.path); err != nil {
		return nil, err
	}
	path := filepath.Join(d.path, name+".lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, private.FileMode)
	if err != nil {
		return nil, err
	}
	if err := private.File(path); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// lockFile opens the lock's file and waits for an exclusive OS lock on it, telling waiting
// when another process holds it. The lock call cannot be interrupted: when ctx ends first,
// lockFile returns and a goroutine closes the file once the lock is granted.
func (d *Dir) lockFile(ctx context.Context, name string, waiting func(string)) (*os.File, error) {
	f, err := d.open(name)
	if err != nil {
		return nil, err
	}
	if ok, err := tryFlock(f); err != nil || ok {
		if err != nil {
			f.Close()
			return nil, err
		}
		return f, nil
	}
	if waiting != nil {
		waiting(name)
	}
	done := make(chan error, 1)
	go func() { done <- flock(f) }()
	select {
	case err := <-done:
		if err != nil {
			f.Close()
			return nil, err
		}
		return f, nil
	case <-ctx.Done():
		go func() {
			<-done
			f.Close()
		}()
		return nil, context.Cause(ctx)
	}
}

// validName accepts the names that are one plain file name on every system.
func validName(name string) bool {
	if name == "" || name[0] == '.' || len(name) > 200 {
		return false
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return false
		}
	}
	return true
}
