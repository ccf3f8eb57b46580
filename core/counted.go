package core

import "strconv"

// Counted says n things in words, for messages and the activity log: "1 integration",
// "2 integrations"; many is the plural where adding an s is wrong ("activity entries").
func Counted(n int, one string, many ...string) string {
	switch {
	case n == 1:
		return "1 " + one
	case len(many) > 0:
		return strconv.Itoa(n) + " " + many[0]
	}
	return strconv.Itoa(n) + " " + one + "s"
}
