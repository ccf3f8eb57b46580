package loopback

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
)

// ipv6Loopback is where a browser that resolves localhost to ::1 sends the callback.
const ipv6Loopback = "::1"

// anyPortTries bounds how often Start takes another free port when ::1 holds the one that
// 127.0.0.1 gave: by chance that happens rarely, so a second port practically always fits.
const anyPortTries = 8

// Windows' own numbers for "address already in use", "cannot assign requested address" and
// "address family not supported": the syscall names do not match them there.
const (
	wsaeaddrinuse    = syscall.Errno(10048)
	wsaeaddrnotavail = syscall.Errno(10049)
	wsaeafnosupport  = syscall.Errno(10047)
)

// listenFunc binds one address; net.ListenConfig.Listen, or a stand-in in tests.
type listenFunc func(ctx context.Context, network, address string) (net.Listener, error)

// listeners are the flow's bound sockets: 127.0.0.1 always, ::1 too where the redirect host is
// localhost and the machine has IPv6.
type listeners struct {
	v4, v6 net.Listener
	// noIPv6 is set when the redirect host is localhost but ::1 cannot be bound at all.
	noIPv6 bool
}

func (l listeners) port() int { return l.v4.Addr().(*net.TCPAddr).Port }

func (l listeners) all() []net.Listener {
	if l.v6 == nil {
		return []net.Listener{l.v4}
	}
	return []net.Listener{l.v4, l.v6}
}

func (l listeners) close() {
	for _, ln := range l.all() {
		ln.Close()
	}
}

// listenHook, if set, binds the listeners instead of net.ListenConfig.Listen: this package's
// tests set it (and put it back) to play a machine without IPv6 or a busy ::1. Nil in
// production, and kept out of Config so that no production type carries a test seam.
var listenHook listenFunc

// listen binds the callback port on 127.0.0.1 and, where the redirect URI says localhost, the
// same port on ::1. A browser may resolve localhost to either address: whoever holds the other
// one would receive the code. Both are bound before the browser opens, so a port that another
// program holds on either address fails Start with ErrPortBusy; a machine without IPv6 goes on
// with 127.0.0.1 alone and says so in noIPv6.
func listen(ctx context.Context, cfg Config, host string) (listeners, error) {
	bind := listenHook
	if bind == nil {
		var lc net.ListenConfig
		bind = lc.Listen
	}
	for try := 1; ; try++ {
		v4, err := bind(ctx, "tcp4", net.JoinHostPort(defaultHost, strconv.Itoa(cfg.Port)))
		if err != nil {
			return listeners{}, listenError(defaultHost, cfg.Port, err)
		}
		l := listeners{v4: v4}
		if host != "localhost" {
			return l, nil
		}
		l.v6, err = bind(ctx, "tcp6", net.JoinHostPort(ipv6Loopback, strconv.Itoa(l.port())))
		switch {
		case err == nil:
			return l, nil
		case noIPv6(err):
			l.noIPv6 = true
			return l, nil
		case cfg.Port == 0 && isBusy(err) && try < anyPortTries:
			v4.Close() // another program holds this port on ::1: take another one
			continue
		}
		v4.Close()
		return listeners{}, listenError(ipv6Loopback, l.port(), err)
	}
}

func isBusy(err error) bool {
	return errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, wsaeaddrinuse)
}

// noIPv6 tells a machine without an IPv6 loopback from a ::1 that cannot be bound otherwise.
func noIPv6(err error) bool {
	for _, e := range []error{syscall.EADDRNOTAVAIL, syscall.EAFNOSUPPORT, wsaeaddrnotavail, wsaeafnosupport} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// listenError names the address that could not be bound; a busy one is ErrPortBusy.
func listenError(ip string, port int, err error) error {
	at := net.JoinHostPort(ip, strconv.Itoa(port))
	if isBusy(err) {
		return fmt.Errorf("listen on %s: %w", at, ErrPortBusy)
	}
	return fmt.Errorf("listen on %s: %w", at, err)
}
