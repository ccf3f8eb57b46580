package filelock

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// flock waits for an exclusive lock on the first byte of f; closing f releases it, and so
// does the death of the process.
func flock(f *os.File) error {
	return windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, new(windows.Overlapped))
}

// tryFlock takes an exclusive lock on the first byte of f if no one holds one; ok is false
// when someone does.
func tryFlock(f *os.File) (ok bool, err error) {
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, new(windows.Overlapped))
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return false, nil
	}
	return err == nil, err
}
