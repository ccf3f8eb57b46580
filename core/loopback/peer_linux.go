package loopback

import (
	"bufio"
	"encoding/hex"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
)

// socketTables are the kernel's tables of TCP sockets: a peer that connected over IPv4 may
// still hold an IPv6 socket (and show as ::ffff:127.0.0.1), so both are read.
var socketTables = []string{"/proc/net/tcp", "/proc/net/tcp6"}

// sameUser reports whether the TCP connection from remote to local belongs to a process of
// this user: the kernel's socket table names the owner of the peer's end. Another user's
// program that read the start address from the browser's arguments is refused. An unreadable
// table refuses too.
func sameUser(remote, local net.Addr) bool {
	from, ok1 := remote.(*net.TCPAddr)
	to, ok2 := local.(*net.TCPAddr)
	if !ok1 || !ok2 {
		return false
	}
	for _, table := range socketTables {
		f, err := os.Open(table)
		if err != nil {
			continue
		}
		uid, found := socketOwner(f, from, to)
		f.Close()
		if found {
			return uid == os.Getuid()
		}
	}
	return false
}

// socketOwner finds, in a socket table, the peer's socket: the one whose own end is from and
// whose other end is to, address and port alike, and returns its owner's uid. The port alone
// is not enough: another user who connects from 127.0.0.3 with this listener's port as its
// own port makes this process's accepted socket (own end 127.0.0.1:PORT, other end
// 127.0.0.3:PORT) match a port-only search. Where more than one row names the connection,
// all must agree on the owner.
func socketOwner(table io.Reader, from, to *net.TCPAddr) (uid int, found bool) {
	sc := bufio.NewScanner(table)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 8 || !sameEnd(fields[1], from) || !sameEnd(fields[2], to) {
			continue
		}
		u, err := strconv.Atoi(fields[7])
		if err != nil || (found && u != uid) {
			return 0, false
		}
		uid, found = u, true
	}
	if sc.Err() != nil {
		return 0, false
	}
	return uid, found
}

// sameEnd reports whether a socket table's address (hex IP:hex port) is addr. IPv4 and its
// IPv6-mapped form are the same address.
func sameEnd(field string, addr *net.TCPAddr) bool {
	ipHex, portHex, ok := strings.Cut(field, ":")
	if !ok {
		return false
	}
	port, err := strconv.ParseUint(portHex, 16, 16)
	if err != nil || int(port) != addr.Port {
		return false
	}
	b, err := hex.DecodeString(ipHex)
	if err != nil || (len(b) != net.IPv4len && len(b) != net.IPv6len) {
		return false
	}
	// The table writes each 32-bit word in host order (little-endian here): reverse each.
	for i := 0; i+4 <= len(b); i += 4 {
		b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
	}
	return net.IP(b).Equal(addr.IP)
}
