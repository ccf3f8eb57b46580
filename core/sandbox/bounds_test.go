package sandbox

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/core/catalog"
)

// withBounds runs the test with the server's bounds changed by set; serve reads them.
func withBounds(t *testing.T, set func()) {
	saved := bounds
	set()
	t.Cleanup(func() { bounds = saved })
}

// stall opens a connection to s that sends a sign-in form's headers and part of its body,
// and never the rest.
func stall(t *testing.T, s *Server) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", s.host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ncsrf=", catalog.SandboxAuthPath, s.host)
	return c
}

// A connection that sends its headers and never finishes its body is closed once the read
// time is up, instead of holding one of the app's open files for ever.
func TestStalledConnectionsClosed(t *testing.T) {
	withBounds(t, func() { bounds.read = 300 * time.Millisecond })
	s := serve(t)
	var conns []net.Conn
	for range 10 {
		conns = append(conns, stall(t, s))
	}
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err := io.Copy(io.Discard, c)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("stalled connection %d still open after 5 s, with a read time of %v", i, bounds.read)
		}
	}
}

// Past the bound on connections, a further one waits until one of them ends: a peer cannot
// make the app hold any number of open files.
func TestConnectionsBounded(t *testing.T) {
	withBounds(t, func() { bounds.conns = 3 })
	s := serve(t)
	var conns []net.Conn
	for range bounds.conns {
		conns = append(conns, stall(t, s))
	}
	get := func(timeout time.Duration) error {
		c := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := c.Get(s.Issuer() + catalog.SandboxDiscoveryPath)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	if err := get(500 * time.Millisecond); err == nil || !strings.Contains(err.Error(), "Timeout") {
		t.Errorf("a request past %d stalled connections: %v, want it to wait", bounds.conns, err)
	}
	conns[0].Close()
	if err := get(5 * time.Second); err != nil {
		t.Errorf("a request once a stalled connection ended: %v", err)
	}
}
