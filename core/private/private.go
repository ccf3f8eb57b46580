// Package private keeps the workspace folder and the files in it to their owner: the folder
// 0700, every file 0600, whatever the umask and whatever a folder made beforehand allowed. On
// Windows, where modes mean nothing, the same is an access-control list (owner_windows.go).
//
// The modes are enforced on every open and not only at creation, because the folder may
// exist already (made by hand, by a backup restore, by another tool) with the umask's 0755,
// and SQLite gives the -wal, -shm and -journal files it creates the mode of the database
// file: one 0644 database makes every later file of it readable by other local users.
package private

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// DirMode and FileMode are the only modes the app leaves in the workspace folder (on Unix).
const (
	DirMode  fs.FileMode = 0o700
	FileMode fs.FileMode = 0o600
)

// ErrNotOwner means the folder belongs to another user; the app refuses to use it, since
// that user could read or replace everything the app would put there.
var ErrNotOwner = errors.New("the folder belongs to another user")

// Dir creates the folder at path if needed (with its parents), refuses it if another user
// owns it, and makes it 0700 (on Windows: its owner's alone, see restrict).
func Dir(path string) error {
	if err := os.MkdirAll(path, DirMode); err != nil {
		return fmt.Errorf("create folder %s: %w", path, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("folder %s: %w", path, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a folder: choose another place for the workspace", path)
	}
	if err := checkOwner(path, st); err != nil {
		return err
	}
	if err := restrict(path, st); err != nil {
		return fmt.Errorf("make folder %s private: %w", path, err)
	}
	return nil
}

// File makes the existing file at path 0600 (on Windows: its owner's alone); a missing file is
// no error.
func File(path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("file %s: %w", path, err)
	}
	if err := restrict(path, st); err != nil {
		return fmt.Errorf("make file %s private: %w", path, err)
	}
	return nil
}

// Create makes sure the file at path exists and is 0600, creating it empty if missing. The
// file is created with 0600 from the start (never wider for an instant), and an existing
// one is narrowed to 0600.
func Create(path string) error {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, FileMode)
	if err != nil {
		return fmt.Errorf("create file %s: %w", path, err)
	}
	f.Close()
	return File(path)
}

// WriteFile writes a whole file at path, 0600 from its first byte: write fills a temporary
// file in the same folder, which is synced and then renamed into place, so that path holds
// either the whole file or what it held before. An existing file at path is refused with an
// error wrapping fs.ErrExist unless overwrite is set.
func WriteFile(path string, overwrite bool, write func(w io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp") // 0600
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // gone already once renamed
	// CreateTemp's 0600 means nothing on Windows, where the file inherits the folder's
	// access-control list: narrow it before the first byte.
	err = File(tmp)
	if err == nil {
		err = write(f)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if !overwrite {
		// A hard link fails if path exists, with no moment in which another file could slip
		// in; a file system without hard links (FAT on a USB stick) gets a check instead.
		err := os.Link(tmp, path)
		if err == nil || errors.Is(err, fs.ErrExist) {
			return wrapExists(path, err)
		}
		if _, err := os.Lstat(path); err == nil {
			return wrapExists(path, fs.ErrExist)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func wrapExists(path string, err error) error {
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
