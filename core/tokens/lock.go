package tokens

import (
	"context"
	"fmt"
	"strconv"
)

// lock takes the source's lock, in this process and then across processes; unlock releases
// both. It waits until the lock is free or ctx ends.
func (m *Manager) lock(ctx context.Context, id int64) (unlock func(), err error) {
	unlock, err = m.locks.Lock(ctx, "source-"+strconv.FormatInt(id, 10))
	if err != nil {
		return nil, fmt.Errorf("lock source %d: %w", id, err)
	}
	return unlock, nil
}
