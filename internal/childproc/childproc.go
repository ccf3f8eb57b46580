// Package childproc runs the test binary again as a second process on one workspace, as the
// app and a command (or cron) would be, and talks to it one line at a time: the child prints
// what it reached on stdout, the parent reads it and may let the child go on. Tests of core and
// of core/tokens use it for their cross-process and kill tests.
package childproc

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"testing"
)

// Child is a running child process and the lines it printed.
type Child struct {
	t      testing.TB
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr bytes.Buffer
}

// Start runs this test binary again, running no test, with env ("KEY=value") added to the
// environment; the test's TestMain reads it and runs the child's part. The child is killed
// when the test ends, if it has not ended by then.
func Start(t testing.TB, env ...string) *Child {
	t.Helper()
	c := &Child{t: t, lines: make(chan string, 64)}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	c.cmd.Env = append(os.Environ(), env...)
	c.cmd.Stderr = &c.stderr
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		c.cmd.Wait()
	})
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
	}()
	return c
}

// Next returns the child's next line; a child that ended fails the test.
func (c *Child) Next() string {
	c.t.Helper()
	line, ok := <-c.lines
	if !ok {
		err := c.cmd.Wait()
		c.t.Fatalf("child ended (%v) without the expected line; stderr:\n%s", err, c.stderr.String())
	}
	return line
}

// Expect reads the child's next line and fails the test unless it is want.
func (c *Child) Expect(want string) {
	c.t.Helper()
	if got := c.Next(); got != want {
		c.t.Fatalf("child said %q, want %q; stderr:\n%s", got, want, c.stderr.String())
	}
}

// GoAhead lets the child go on past its current WaitForGoAhead.
func (c *Child) GoAhead() {
	c.t.Helper()
	if _, err := io.WriteString(c.stdin, "go\n"); err != nil {
		c.t.Fatal(err)
	}
}

// Kill kills the child with SIGKILL and returns the lines it printed that were not read.
func (c *Child) Kill() []string {
	c.t.Helper()
	if err := c.cmd.Process.Kill(); err != nil {
		c.t.Fatal(err)
	}
	rest, _ := c.End() // "signal: killed"
	return rest
}

// End waits for the child to end and returns the lines it printed that were not read and how
// it ended.
func (c *Child) End() (rest []string, err error) {
	for line := range c.lines {
		rest = append(rest, line)
	}
	return rest, c.cmd.Wait()
}

// Stderr is what the child wrote to its standard error so far, for a failure message.
func (c *Child) Stderr() string { return c.stderr.String() }

var stdinLines = bufio.NewReader(os.Stdin)

// WaitForGoAhead is the child's side of GoAhead: it waits for the parent's go-ahead.
func WaitForGoAhead() error {
	_, err := stdinLines.ReadString('\n')
	return err
}
