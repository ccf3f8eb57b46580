//go:build !windows

package wine

// Running is false: only a Windows program runs under Wine.
func Running() bool { return false }
