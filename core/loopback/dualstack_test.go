package loopback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// requireIPv6 skips t on a machine whose loopback has no ::1, where no other program could
// take [::1]:PORT either.
func requireIPv6(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp6", "[::1]:0")
	if errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EAFNOSUPPORT) {
		t.Skipf("this machine has no IPv6 loopback (%v): nothing can listen on ::1", err)
	}
	if err != nil {
		t.Fatalf("listen on [::1]:0: %v", err)
	}
	ln.Close()
}

func localhostConfig(t *testing.T, ts *tokenServer) Config {
	cfg := testConfig(t, ts)
	cfg.RedirectHost = "localhost"
	return cfg
}

// port is the flow's callback port.
func port(f *Flow) int { return f.ln.Addr().(*net.TCPAddr).Port }

// assertFree fails unless nothing listens on ip:port.
func assertFree(t *testing.T, ip string, port int) {
	t.Helper()
	at := net.JoinHostPort(ip, strconv.Itoa(port))
	if c, err := net.DialTimeout("tcp", at, 5*time.Second); err == nil {
		c.Close()
		t.Errorf("dial %s: connected, want nothing listening", at)
	}
}

// Where the redirect says localhost, the flow holds [::1]:PORT too: no other program can take
// it while the flow waits, and a browser that resolved localhost to ::1 completes the flow,
// with the same checks as on 127.0.0.1. Both addresses close with the flow.
func TestLocalhostHoldsIPv6(t *testing.T) {
	requireIPv6(t)
	checkLeaks(t)
	ts := newTokenServer(t)
	f := start(t, localhostConfig(t, ts))
	p := port(f)
	if squat, err := net.Listen("tcp6", net.JoinHostPort("::1", strconv.Itoa(p))); err == nil {
		squat.Close()
		t.Fatalf("another program could listen on [::1]:%d while the flow waits", p)
	} else if !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("listen on [::1]:%d: %v, want address in use", p, err)
	}

	over6 := func(host, path string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("http://[::1]:%d%s?%s", p, path, valid(t, f).Encode()), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		resp, body := do(t, req)
		return resp.StatusCode, body
	}
	refused := []struct {
		name, host, path string
		want             int
	}{
		{"IPv6 literal as Host", fmt.Sprintf("[::1]:%d", p), CallbackPath, http.StatusBadRequest},
		{"foreign Host", fmt.Sprintf("evil.example:%d", p), CallbackPath, http.StatusBadRequest},
		{"other path", fmt.Sprintf("localhost:%d", p), "/other", http.StatusNotFound},
	}
	for _, c := range refused {
		if got, _ := over6(c.host, c.path); got != c.want {
			t.Errorf("%s over ::1: status %d, want %d", c.name, got, c.want)
		}
	}
	if got, body := over6(fmt.Sprintf("localhost:%d", p), CallbackPath); got != http.StatusOK || body != successPage {
		t.Fatalf("callback over ::1: %d %q, want 200 and the success page", got, body)
	}
	if tok, err := wait(t, f); err != nil || tok.AccessToken != "at-1" {
		t.Fatalf("Wait = %v, %v; want token at-1", tok, err)
	}
	assertFree(t, "127.0.0.1", p)
	assertFree(t, "::1", p)
}

// do sends req with a fresh client and returns the answer and its body.
func do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := noKeepAlive(t).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp, string(body)
}

// Another program on [::1]:PORT fails Start with ErrPortBusy, naming that address (so before
// core opens the browser); 127.0.0.1:PORT is let go again.
func TestLocalhostIPv6Busy(t *testing.T) {
	requireIPv6(t)
	ts := newTokenServer(t)
	squat, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Fatal(err)
	}
	defer squat.Close()
	p := squat.Addr().(*net.TCPAddr).Port

	cfg := localhostConfig(t, ts)
	cfg.Port = p
	f, err := Start(context.Background(), cfg)
	if err == nil {
		f.Close()
		t.Fatalf("Start with [::1]:%d taken: no error, want ErrPortBusy", p)
	}
	if !errors.Is(err, ErrPortBusy) || !strings.Contains(err.Error(), fmt.Sprintf("[::1]:%d", p)) {
		t.Errorf("Start = %v, want ErrPortBusy naming [::1]:%d", err, p)
	}
	assertFree(t, "127.0.0.1", p)
}

// fakeListen binds as net.ListenConfig does, except that ::1 answers with the queued errors
// first, one per call.
func fakeListen(ipv6Errs ...error) listenFunc {
	var mu sync.Mutex
	return func(ctx context.Context, network, address string) (net.Listener, error) {
		mu.Lock()
		if network == "tcp6" && len(ipv6Errs) > 0 {
			err := ipv6Errs[0]
			ipv6Errs = ipv6Errs[1:]
			mu.Unlock()
			return nil, &net.OpError{Op: "listen", Net: network, Err: os.NewSyscallError("bind", err)}
		}
		mu.Unlock()
		var lc net.ListenConfig
		return lc.Listen(ctx, network, address)
	}
}

// On any port, a port that another program holds on ::1 is given up for another one, and the
// flow holds the new one on both addresses.
func TestLocalhostAnyPortRetries(t *testing.T) {
	requireIPv6(t)
	ts := newTokenServer(t)
	cfg := localhostConfig(t, ts)
	useListen(t, fakeListen(syscall.EADDRINUSE, syscall.EADDRINUSE))
	f := start(t, cfg)
	if f.ln6 == nil || f.ln6.Addr().(*net.TCPAddr).Port != port(f) {
		t.Fatalf("listeners %v and %v, want 127.0.0.1 and ::1 on one port", f.ln.Addr(), f.ln6)
	}
	callback(t, f, valid(t, f))
	if _, err := wait(t, f); err != nil {
		t.Fatalf("Wait: %v", err)
	}

	useListen(t, fakeListen(slices.Repeat([]error{syscall.EADDRINUSE}, anyPortTries)...))
	if f, err := Start(context.Background(), cfg); !errors.Is(err, ErrPortBusy) {
		if f != nil {
			f.Close()
		}
		t.Errorf("Start with ::1 taken on every port = %v, want ErrPortBusy", err)
	}
}

// On a machine without IPv6 the flow says so once and goes on with 127.0.0.1 alone.
func TestLocalhostWithoutIPv6(t *testing.T) {
	for _, errno := range []syscall.Errno{syscall.EADDRNOTAVAIL, syscall.EAFNOSUPPORT} {
		t.Run(errno.Error(), func(t *testing.T) {
			ts := newTokenServer(t)
			cfg := localhostConfig(t, ts)
			useListen(t, fakeListen(errno))
			var (
				mu    sync.Mutex
				steps []Step
			)
			cfg.Progress = func(s Step) { mu.Lock(); steps = append(steps, s); mu.Unlock() }
			f := start(t, cfg)
			if f.ln6 != nil {
				t.Errorf("::1 listener %v, want none", f.ln6.Addr())
			}
			callback(t, f, valid(t, f))
			if _, err := wait(t, f); err != nil {
				t.Fatalf("Wait: %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			want := []Step{StepIPv6Unavailable, StepListening, StepCallbackReceived, StepCodeExchanged}
			if !slices.Equal(steps, want) {
				t.Errorf("steps = %v, want %v", steps, want)
			}
		})
	}
}

// useListen makes the flows of this test bind through bind, until the test ends.
func useListen(t *testing.T, bind listenFunc) {
	t.Cleanup(func() { listenHook = nil })
	listenHook = bind
}
