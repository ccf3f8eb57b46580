package tokens

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/medialake/connect/core/filelock"
)

// sourceLocks holds the manager's lock folder, made on first use: the folder is known only
// once New has applied the options (WithLockDir).
type sourceLocks struct {
	once sync.Once
	dir  *filelock.Dir
}

// lock takes the source's lock, in this process and then across processes; unlock releases
// both. It waits until the lock is free or ctx ends.
func (m *Manager) lock(ctx context.Context, id int64) (unlock func(), err error) {
	m.locks.once.Do(func() { m.locks.dir = filelock.New(m.lockDir) })
	unlock, err = m.locks.dir.Lock(ctx, "source-"+strconv.FormatInt(id, 10))
	if err != nil {
		return nil, fmt.Errorf("lock source %d: %w", id, err)
	}
	return unlock, nil
}
