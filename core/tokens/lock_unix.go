//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package tokens

import (
	"errors"
	"os"
	"syscall"
)

// flock waits for an exclusive lock on f; closing f releases it, and so does the death of
// the process.
func flock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
