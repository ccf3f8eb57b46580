package tokens

import (
	"os"

	"golang.org/x/sys/windows"
)

// flock waits for an exclusive lock on the first byte of f; closing f releases it, and so
// does the death of the process.
func flock(f *os.File) error {
	return windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, new(windows.Overlapped))
}
