package tokens

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// sourceLocks is the in-process half of a source's lock: goroutines wait on a channel, so
// that only one of them at a time waits on the file lock (and holds a thread doing so).
type sourceLocks struct {
	mu   sync.Mutex
	held map[int64]*turn
}

type turn struct {
	ch    chan struct{} // holds a value while the source is locked
	users int           // goroutines holding or waiting; the entry goes when none is left
}

func (l *sourceLocks) lock(ctx context.Context, id int64) (unlock func(), err error) {
	l.mu.Lock()
	if l.held == nil {
		l.held = map[int64]*turn{}
	}
	t := l.held[id]
	if t == nil {
		t = &turn{ch: make(chan struct{}, 1)}
		l.held[id] = t
	}
	t.users++
	l.mu.Unlock()

	select {
	case t.ch <- struct{}{}:
		return func() {
			<-t.ch
			l.release(id, t)
		}, nil
	case <-ctx.Done():
		l.release(id, t)
		return nil, ctx.Err()
	}
}

func (l *sourceLocks) release(id int64, t *turn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t.users--
	if t.users == 0 {
		delete(l.held, id)
	}
}

// lockPath is the file whose OS lock guards a source's token across processes.
func (m *Manager) lockPath(id int64) string {
	return filepath.Join(m.lockDir, "source-"+strconv.FormatInt(id, 10)+".lock")
}

// lock takes the source's lock, in this process and then across processes; unlock releases
// both. It waits until the lock is free or ctx ends.
func (m *Manager) lock(ctx context.Context, id int64) (unlock func(), err error) {
	unlockLocal, err := m.locks.lock(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("lock source %d: %w", id, err)
	}
	f, err := lockFile(ctx, m.lockDir, m.lockPath(id))
	if err != nil {
		unlockLocal()
		return nil, fmt.Errorf("lock source %d: %w", id, err)
	}
	return func() {
		f.Close() // closing the file releases its OS lock
		unlockLocal()
	}, nil
}

// lockFile opens (creating it) the file at path and waits for an exclusive OS lock on it.
// The lock call cannot be interrupted: when ctx ends first, lockFile returns and a goroutine
// closes the file once the lock is granted.
func lockFile(ctx context.Context, dir, path string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
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
		return nil, ctx.Err()
	}
}
