//go:build unix

package schedule

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// checkReplaceable refuses a program that someone other than the person, or root, could
// replace: the schedule runs it every day, unattended, as the person and with their keychain.
// It looks at the program file and every folder above it up to /: each must be owned by the
// person or by root and must not be writable by its group or by others. A folder with the
// sticky bit (/tmp, /var/tmp) is the one exception: there only an entry's owner can rename or
// delete it, so it protects what lies below it, which is checked in its turn. The program file
// itself gets no such exception, and neither does the nearest existing folder when the program
// is not there (whoever can write that folder could create the program).
func checkReplaceable(prog string) error {
	p, err := nearestExisting(prog)
	if err != nil {
		return fmt.Errorf("%w: cannot check who can change the app's program %s: %w", ErrProgram, prog, err)
	}
	for strict := true; ; strict = false {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("%w: cannot check who can change %s: %w", ErrProgram, p, err)
		}
		if why := replaceableBecause(fi, strict); why != "" {
			what := "the folder " + p + " above the app's program"
			if p == prog {
				what = "the app's program " + p
			}
			return fmt.Errorf("%w: %s %s, so someone other than you could replace the program %s that the schedule "+
				"runs every day as you; install the app where only you or root can change it, e.g. make install, "+
				"and turn this on from the installed copy", ErrProgram, what, why, prog)
		}
		up := filepath.Dir(p)
		if up == p {
			return nil
		}
		p = up
	}
}

// nearestExisting is p, or the nearest folder above it that exists, with symbolic links
// resolved.
func nearestExisting(p string) (string, error) {
	for {
		_, err := os.Lstat(p)
		if err == nil {
			return filepath.EvalSymlinks(p)
		}
		up := filepath.Dir(p)
		if !errors.Is(err, fs.ErrNotExist) || up == p {
			return "", err
		}
		p = up
	}
}

// replaceableBecause says why someone else could change fi's entry, or "" when only its owner
// (the person or root) can. strict refuses writable sticky folders too.
func replaceableBecause(fi fs.FileInfo, strict bool) string {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() && st.Uid != 0 {
		return fmt.Sprintf("belongs to another user (uid %d)", st.Uid)
	}
	mode := fi.Mode()
	if mode.Perm()&0o022 == 0 || !strict && mode.IsDir() && mode&fs.ModeSticky != 0 {
		return ""
	}
	return fmt.Sprintf("can be changed by its group or by others (mode %s)", mode.Perm())
}
