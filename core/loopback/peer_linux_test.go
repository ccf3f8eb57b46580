package loopback

import (
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// A socket table as the kernel writes it, for a listener on 127.0.0.1:51234 (C822) of uid
// 1000, its accepted connection from 127.0.0.3:51234 and, last, the peer's own socket of uid
// 1001: the rows of both ends carry the same two ports.
const craftedTable = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:C822 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 11 1 0 100 0 0 10 0
   1: 0100007F:C822 0300007F:C822 01 00000000:00000000 00:00000000 00000000  1000        0 12 1 0 20 4 30 10 -1
   2: 0300007F:C822 0100007F:C822 01 00000000:00000000 00:00000000 00000000  1001        0 13 1 0 20 4 30 10 -1
`

// The same peer holding an IPv6 socket: the kernel shows 127.0.0.3 as ::ffff:127.0.0.3.
const craftedTable6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0000000000000000FFFF00000300007F:C822 0000000000000000FFFF00000100007F:C822 01 00000000:00000000 00:00000000 00000000  1001        0 14 1 0 20 4 30 10 -1
`

// The peer's row is found by both addresses and both ports: the accepted socket of this
// process, whose ports are the same, must not be taken for the peer's.
func TestSocketOwnerMatchesWholeConnection(t *testing.T) {
	tcp := func(ip string, port int) *net.TCPAddr { return &net.TCPAddr{IP: net.ParseIP(ip), Port: port} }
	cases := []struct {
		name, table string
		from, to    *net.TCPAddr
		uid         int
		found       bool
	}{
		{"peer on 127.0.0.3 with the listener's port", craftedTable, tcp("127.0.0.3", 51234), tcp("127.0.0.1", 51234), 1001, true},
		{"peer's IPv6 socket", craftedTable6, tcp("127.0.0.3", 51234), tcp("127.0.0.1", 51234), 1001, true},
		{"another address, same ports", craftedTable, tcp("127.0.0.2", 51234), tcp("127.0.0.1", 51234), 0, false},
		{"another listener address", craftedTable, tcp("127.0.0.3", 51234), tcp("127.0.0.4", 51234), 0, false},
		{"another port", craftedTable, tcp("127.0.0.3", 51235), tcp("127.0.0.1", 51234), 0, false},
	}
	for _, c := range cases {
		uid, found := socketOwner(strings.NewReader(c.table), c.from, c.to)
		if uid != c.uid || found != c.found {
			t.Errorf("%s: uid %d, found %v; want %d, %v", c.name, uid, found, c.uid, c.found)
		}
	}
	// Two rows naming one connection with different owners: neither is believed.
	twice := craftedTable + "   3: 0300007F:C822 0100007F:C822 01 00000000:00000000 00:00000000 00000000  1000        0 15 1 0 20 4 30 10 -1\n"
	if uid, found := socketOwner(strings.NewReader(twice), tcp("127.0.0.3", 51234), tcp("127.0.0.1", 51234)); found {
		t.Errorf("rows that disagree on the owner: uid %d believed", uid)
	}
}

// A real connection from 127.0.0.3 that uses the listener's port as its own: the kernel's
// table holds the rows of both ends, and each direction finds its own.
func TestSocketOwnerOnRealConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 3), Port: port}}
	c, err := d.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Skipf("cannot connect from 127.0.0.3: %v", err)
	}
	defer c.Close()
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, dir := range [][2]net.Addr{{c.LocalAddr(), s.LocalAddr()}, {s.LocalAddr(), c.LocalAddr()}} {
		if !sameUser(dir[0], dir[1]) {
			t.Errorf("connection %s → %s: not found as this user's", dir[0], dir[1])
		}
	}
	if sameUser(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 2), Port: port}, s.LocalAddr()) {
		t.Error("a connection from 127.0.0.2 that does not exist was taken for this user's")
	}
}

// The start address answers this user's connections only: another user who read it from the
// browser's arguments gets nothing, and the refusal does not use the key up.
func TestStartAddressRefusesOtherUsers(t *testing.T) {
	f := start(t, testConfig(t, newTokenServer(t)))
	if got := asOtherUser(t, f.StartURL()); !strings.HasPrefix(got, "403") || strings.Contains(got, "authorize") {
		t.Errorf("another user's visit: %q, want 403 and no address", got)
	}
	c := noKeepAlive(t)
	resp, err := c.Get(f.StartURL())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("this user's visit after another's: %s, want 303", resp.Status)
	}
}

// The attack itself: another user connects from 127.0.0.3 using the listener's own port as
// its source port, to the start address and to the callback. Both refuse, and neither
// refusal uses up this user's flow.
func TestOtherUserWithListenersPortRefused(t *testing.T) {
	ts := newTokenServer(t)
	f := start(t, testConfig(t, ts))
	port := strconv.Itoa(hostPortNumber(t, f))
	// Each visit comes from its own address: the first connection's ends linger in TIME_WAIT.
	if got := asOtherUser(t, "--interface", "127.0.0.3", "--local-port", port, f.StartURL()); !strings.HasPrefix(got, "403") || strings.Contains(got, "authorize") {
		t.Errorf("another user's visit to the start address: %q, want 403 and no address", got)
	}
	cb := f.RedirectURL() + "?" + url.Values{"state": {authParam(t, f, "state")}, "code": {"attacker-code"}}.Encode()
	if got := asOtherUser(t, "--interface", "127.0.0.2", "--local-port", port, cb); !strings.HasPrefix(got, "403") {
		t.Errorf("another user's callback: %q, want 403", got)
	}
	if resp, _ := callback(t, f, valid(t, f)); resp.StatusCode != http.StatusOK {
		t.Errorf("this user's callback after another's: %s, want 200", resp.Status)
	}
	if _, err := wait(t, f); err != nil {
		t.Errorf("the flow after this user's callback: %v", err)
	}
	if forms := ts.requests(); len(forms) != 1 || forms[0].Get("code") == "attacker-code" {
		t.Errorf("codes exchanged: %v, want this user's only", forms)
	}
}

// asOtherUser runs curl with args as uid 65534 and returns its status code and redirect
// address. It needs root, to be another user, and skips the test otherwise.
func asOtherUser(t *testing.T, args ...string) string {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("connecting as another user needs root")
	}
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("no curl to connect with")
	}
	args = append([]string{"-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}"}, args...)
	cmd := exec.Command(curl, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("curl %v as uid 65534: %v", args, err)
	}
	return string(out)
}

func hostPortNumber(t *testing.T, f *Flow) int {
	t.Helper()
	_, p, err := net.SplitHostPort(hostPort(t, f))
	n, err2 := strconv.Atoi(p)
	if err != nil || err2 != nil {
		t.Fatalf("port of %q: %v %v", hostPort(t, f), err, err2)
	}
	return n
}
