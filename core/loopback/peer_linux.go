package loopback

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

// sameUser reports whether the TCP connection from remote to local belongs to a process of
// this user: the kernel's socket table (/proc/net/tcp, tcp6) names the owner of the peer's
// end. Another user's program that read the start address from the browser's arguments is
// refused. An unreadable table refuses too.
func sameUser(remote, local string) bool {
	rAddr, err1 := net.ResolveTCPAddr("tcp", remote)
	lAddr, err2 := net.ResolveTCPAddr("tcp", local)
	if err1 != nil || err2 != nil {
		return false
	}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		if uid, ok := socketOwner(table, rAddr, lAddr); ok {
			return uid == os.Getuid()
		}
	}
	return false
}

// socketOwner finds, in table, the socket whose own end is from and whose peer is to (the
// port only: a dual-stack socket shows 127.0.0.1 as ::ffff:127.0.0.1), and its owner's uid.
func socketOwner(table string, from, to *net.TCPAddr) (int, bool) {
	f, err := os.Open(table)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	want := fmt.Sprintf(":%04X", from.Port)
	peer := fmt.Sprintf(":%04X", to.Port)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 8 || !strings.HasSuffix(fields[1], want) || !strings.HasSuffix(fields[2], peer) {
			continue
		}
		if !loopbackHex(fields[1]) {
			continue
		}
		uid, err := strconv.Atoi(fields[7])
		return uid, err == nil
	}
	return 0, false
}

// loopbackHex reports whether a socket table's address (hex IP:port) is a loopback one.
func loopbackHex(addr string) bool {
	ipHex, _, _ := strings.Cut(addr, ":")
	b, err := hex.DecodeString(ipHex)
	if err != nil {
		return false
	}
	// The table writes each 32-bit word in host order (little-endian here): reverse each.
	for i := 0; i+4 <= len(b); i += 4 {
		b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
	}
	return net.IP(b).IsLoopback()
}
