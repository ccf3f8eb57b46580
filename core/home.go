package core

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/medialake/connect/core/private"
)

// HomeEnv names the environment variable that chooses the workspace folder.
const HomeEnv = "MEDIALAKE_CONNECT_HOME"

// LogFile is the log's name inside the workspace folder.
const LogFile = "connect.log"

// HomeDir resolves the workspace folder: flagValue (from --home) if set, else $MEDIALAKE_CONNECT_HOME,
// else the user's configuration folder.
func HomeDir(flagValue string) (string, error) {
	if flagValue != "" {
		return filepath.Abs(flagValue)
	}
	if env := os.Getenv(HomeEnv); env != "" {
		return filepath.Abs(env)
	}
	cfg, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the workspace folder: %w; pass --home DIR or set %s", err, HomeEnv)
	}
	return filepath.Join(cfg, "medialake-connect"), nil
}

// OpenLog returns a logger that appends to the log file in home and, when verbose, also writes
// to stderr. Secrets reach it only as redact.Secret, which logs as [redacted].
func OpenLog(home string, verbose bool) (*slog.Logger, io.Closer, error) {
	if err := private.Dir(home); err != nil {
		return nil, nil, fmt.Errorf("open workspace: %w", err)
	}
	path := filepath.Join(home, LogFile)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, private.FileMode)
	if err != nil {
		return nil, nil, fmt.Errorf("open log: %w", err)
	}
	if err := private.File(path); err != nil { // a log made before, by hand or by an older version
		f.Close()
		return nil, nil, fmt.Errorf("open log: %w", err)
	}
	var h slog.Handler = slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo})
	if verbose {
		h = slog.NewMultiHandler(h, slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(h), f, nil
}

// ErrNoWorkspace means the folder holds no workspace: OpenExistingWorkspace creates none.
var ErrNoWorkspace = errors.New("no workspace in this folder")

// OpenExistingWorkspace is OpenWorkspace for the commands that run unattended without signing
// in (token through script access, sources maintain): a folder without a workspace, a
// mistyped --home say, is ErrNoWorkspace, and nothing is created there.
func OpenExistingWorkspace(ctx context.Context, home string, verbose bool) (*App, error) {
	dir, err := HomeDir(home)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, DBFile)); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w; pass --home DIR or set %s to the workspace's folder", dir, ErrNoWorkspace, HomeEnv)
	}
	return OpenWorkspace(ctx, dir, verbose)
}

// OpenWorkspace opens the workspace the way both front ends do: the folder from home (the
// --home flag), else $MEDIALAKE_CONNECT_HOME, else the user's configuration folder; its log
// file, also on standard error when verbose; then Open. Closing the App closes the log. A
// workspace that cannot be opened is recorded in its log first, where there is one.
func OpenWorkspace(ctx context.Context, home string, verbose bool) (*App, error) {
	dir, err := HomeDir(home)
	if err != nil {
		return nil, err
	}
	log, logFile, err := OpenLog(dir, verbose)
	if err != nil {
		return nil, err
	}
	a, err := Open(ctx, Config{Home: dir, Logger: log})
	if err != nil {
		log.Error("open workspace", "err", err)
		logFile.Close()
		return nil, err
	}
	a.logFile = logFile
	log.Info("opened", "home", dir, "workspace", a.WorkspaceID())
	return a, nil
}
