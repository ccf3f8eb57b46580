package wine

import "golang.org/x/sys/windows"

// Running reports whether this Windows program runs under Wine: Wine's ntdll exports
// wine_get_version, which no Windows has.
func Running() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}
