//go:build !linux

package loopback

// sameUser cannot ask this system who owns a connection's other end: the start address's
// one-time key is the protection here (a second visit gets 410 and no address).
func sameUser(remote, local string) bool { return true }
