package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// overview prints the list of commands (of one group, when group is set), the global options
// and the exit codes.
func (r *runner) overview(w io.Writer, group string) {
	if group == "" {
		fmt.Fprintf(w, "Usage: %s [global options] COMMAND [options] [arguments]\n\n", prog)
		fmt.Fprintf(w, "Without a command, %s opens the desktop app.\n\nCommands:\n", prog)
	} else {
		fmt.Fprintf(w, "Usage: %s [global options] %s SUB-COMMAND [options] [arguments]\n\nSub-commands:\n", prog, group)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands {
		if group != "" && !strings.HasPrefix(c.name, group+" ") {
			continue
		}
		fmt.Fprintf(tw, "  %s %s\t%s\n", c.name, c.args, c.summary)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nGlobal options (before or after the command):\n%s", globalHelp)
	if group == "" {
		fmt.Fprintf(w, "\nExit codes: 0 ok, 1 failed, 2 usage, 3 forbidden, 4 needs reconnect, 5 keychain unavailable.\n")
	}
	fmt.Fprintf(w, "\nRun '%s COMMAND --help' for a command's options and an example.\n", prog)
}

const globalHelp = `  --home DIR              workspace folder (default $MEDIALAKE_CONNECT_HOME, else the user's config folder)
  --user NAME             sign in as NAME; may be left out when the workspace has one profile
  --passphrase-file FILE  read your passphrase from FILE (- for standard input); otherwise it is
                          asked on the terminal. A passphrase is never taken as an argument.
  -v                      also log to the terminal
`

// commandHelp prints a command's usage, its own options and its example on stdout.
func (r *runner) commandHelp(c command, fs *flag.FlagSet) {
	w := r.out
	fmt.Fprintf(w, "Usage: %s [global options] %s", prog, c.name)
	if c.args != "" {
		fmt.Fprintf(w, " %s", c.args)
	}
	fmt.Fprintf(w, " [options]\n\n%s.\n", capitalise(c.summary))
	if c.about != "" {
		fmt.Fprintf(w, "\n%s\n", c.about)
	}
	var own []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		if !r.isGlobal[f] {
			own = append(own, f)
		}
	})
	if len(own) > 0 {
		fmt.Fprintf(w, "\nOptions:\n")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, f := range own {
			typ, usage := flag.UnquoteUsage(f)
			name := "--" + f.Name
			if typ != "" {
				name += " " + typ
			}
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				usage += " (default " + f.DefValue + ")"
			}
			fmt.Fprintf(tw, "  %s\t%s\n", name, usage)
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "\nGlobal options:\n%s\nExample:\n  %s\n", globalHelp, c.example)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
