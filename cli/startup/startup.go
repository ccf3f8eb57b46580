// Package startup tells from the arguments alone whether the process runs the command line or
// the GUI, and readies the environment for the command line before the rest of the program
// initializes.
//
// Fyne's lang package reads the locale once, in its init, and under C.UTF-8 (the default of
// Debian and of most containers) logs "Error parsing user locale C" on standard error. The
// binary imports the GUI, so every command would print that line. Go initializes the packages
// in the order of their import paths, each as soon as its imports are ("Package
// initialization" in the spec): this package imports only os, so it comes before log, which
// imports os and sorts after it, and so before fyne.io/fyne/v2/lang, which needs log. Keep it
// so: importing anything else here may let lang go first. TestFyneLocaleQuiet checks it.
package startup

import "os"

func init() {
	if HasCommand(os.Args[1:]) {
		quietFyneLocale()
	}
}

// HasCommand reports whether args ask for the command line rather than the GUI: anything but
// the GUI's own options, --home DIR and -v.
func HasCommand(args []string) bool {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "" || a[0] != '-' {
			return true
		}
		name := a[1:]
		if name != "" && name[0] == '-' {
			name = name[1:]
		}
		switch {
		case name == "v":
		case name == "home":
			i++
		case len(name) >= 5 && name[:5] == "home=":
		default:
			return true
		}
	}
	return false
}

// quietFyneLocale sets LANGUAGE to English when the locale of messages is C or POSIX with a
// codeset ("C.UTF-8"), which Fyne cannot parse; the command line is in English anyway.
// LANGUAGE only orders the languages of translated messages, and C locales ignore it, so
// nothing else changes, in this process or in the browser it may start.
func quietFyneLocale() {
	loc := ""
	for _, env := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = os.Getenv(env); loc != "" {
			break
		}
	}
	base := loc
	for i := range len(loc) {
		if loc[i] == '.' || loc[i] == '@' {
			base = loc[:i]
			break
		}
	}
	if (base == "C" || base == "POSIX") && os.Getenv("LANGUAGE") == "" {
		os.Setenv("LANGUAGE", "en")
	}
}
