//go:build unix

package private

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// checkOwner refuses a folder that another user owns, saying whose it is and what to do.
func checkOwner(path string, st fs.FileInfo) error {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := os.Getuid(); int(sys.Uid) != uid {
		return fmt.Errorf("workspace folder %s: %w (user id %d, you are %d): choose a folder of your own with --home, "+
			"or have its owner give it to you (chown)", path, ErrNotOwner, sys.Uid, uid)
	}
	return nil
}

// restrict gives the folder DirMode and a file FileMode, unless it has that mode already.
func restrict(path string, st fs.FileInfo) error {
	mode := FileMode
	if st.IsDir() {
		mode = DirMode
	}
	if st.Mode().Perm() == mode {
		return nil
	}
	return os.Chmod(path, mode)
}
