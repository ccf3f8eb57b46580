package filelock

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/medialake/connect/internal/childproc"
	"github.com/medialake/connect/internal/tempdir"
)

// childEnv names the lock folder of the child process of TestLockAcrossProcesses.
const childEnv = "FILELOCK_TEST_CHILD_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		os.Exit(child(dir))
	}
	os.Exit(m.Run())
}

// child is the other process: it reports on stdout what it reached, one line at a time.
func child(dir string) int {
	d := New(dir)
	if _, ok, err := d.TryLock("shared"); ok || err != nil {
		fmt.Printf("TryLock = %v, %v\n", ok, err)
		return 1
	}
	fmt.Println("busy")
	d.OnWait(func(string) { fmt.Println("waiting") })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := d.Lock(ctx, "shared"); err != nil {
		fmt.Printf("Lock: %v\n", err)
		return 1
	}
	fmt.Println("locked")
	if err := childproc.WaitForGoAhead(); err != nil {
		return 1
	}
	return 0 // ends holding the lock: the system releases it with the process
}

// Two processes on one lock folder: the second waits while the first holds the lock (the OS
// file lock: flock, or LockFileEx on Windows), gets it once it is let go, and the lock is free
// again when the process holding it ends, released by the system, as after a crash.
func TestLockAcrossProcesses(t *testing.T) {
	dir := tempdir.New(t)
	d := New(dir)
	unlock, err := d.Lock(context.Background(), "shared")
	if err != nil {
		t.Fatal(err)
	}
	c := childproc.Start(t, childEnv+"="+dir)
	c.Expect("busy")
	c.Expect("waiting")
	unlock()
	c.Expect("locked")
	if _, ok, err := d.TryLock("shared"); ok || err != nil {
		t.Fatalf("TryLock while the other process holds the lock = %v, %v; want false, nil", ok, err)
	}
	c.GoAhead()
	if rest, err := c.End(); err != nil || len(rest) > 0 {
		t.Fatalf("child ended with %v, said %q; stderr:\n%s", err, rest, c.Stderr())
	}
	u, ok, err := d.TryLock("shared")
	if !ok || err != nil {
		t.Fatalf("TryLock after the holder ended = %v, %v; want true, nil", ok, err)
	}
	u()
}
