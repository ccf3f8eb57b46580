package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

var sourceCommands = []command{
	{name: "sources list", summary: "list the sources: yours as a writer, all of them as admin or reader",
		example: prog + " --user wendy sources list --json", run: runSourcesList},
	{name: "sources connect", args: "INTEGRATION", summary: "connect an account through an enabled integration, in the browser (write)",
		about: "The browser opens at the provider's sign-in page and the command waits for it; the link is\n" +
			"printed too. On a machine without a browser, --no-browser prints the link only: open it on\n" +
			"any computer, sign in, and paste here the address the browser ended on (the page at\n" +
			"http://127.0.0.1:PORT/callback?... that could not load there).",
		example: prog + " --user wendy sources connect dropbox --no-browser", run: runConnect},
	{name: "sources reconnect", args: "SOURCE", summary: "sign in again for a source whose token the provider no longer accepts (write, owner)",
		about:   "SOURCE is the id that 'sources list' shows. --no-browser works as for 'sources connect'.",
		example: prog + " --user wendy sources reconnect 3", run: runReconnect},
	{name: "sources refresh", args: "SOURCE", summary: "refresh a source's token now and show its health (write, owner)",
		example: prog + " --user wendy sources refresh 3", run: runRefresh},
	{name: "sources disconnect", args: "SOURCE", summary: "revoke a source's token at the provider and delete the source (write, owner)",
		about: "Google revokes the app's whole access to the account: every source of that account through the\n" +
			"integration stops working, here and on other computers. Where another source here would, the\n" +
			"command refuses unless --revoke-shared is given; 'sources forget' deletes this one alone.",
		example: prog + " --user wendy sources disconnect 3", run: sourceEnd(false)},
	{name: "sources forget", args: "SOURCE", summary: "delete a source on this computer only, without telling the provider (write, owner)",
		about:   "For a source whose revocation is pending because the provider cannot be reached.",
		example: prog + " --user wendy sources forget 3", run: sourceEnd(true)},
	{name: "sources maintain", summary: "do the app's upkeep now: retry pending revocations, keep tokens alive, try offline sources again",
		about: "The desktop app does this every minute while it runs; run it from cron where the app does\n" +
			"not run, so that unused refresh tokens do not expire. It needs no sign-in: it is the app's own\n" +
			"work, reveals nothing, and is recorded in the activity log as the upkeep's. It calls only the\n" +
			"providers of the sources that need it.",
		example: prog + " sources maintain --json", run: runMaintain},
	{name: "token", args: "SOURCE", summary: "print a fresh access token of one of your own sources, and nothing else (owner only)",
		about: "Without --user it signs in no one: the source's owner must have allowed it with\n" +
			"'sources allow-scripts SOURCE'; with --user it signs in as for any command.\n" +
			"--header prints it as an HTTP header line, for 'curl -H @-', which reads headers from standard input:\n" +
			"the token then never appears in a process's arguments, where other users could read it.",
		example: prog + " token 3 --header | curl -H @- https://api.example.com/",
		run:     runToken},
}

// sourceJSON is a source in --json output. It carries no token.
type sourceJSON struct {
	ID            int64      `json:"id"`
	IntegrationID string     `json:"integration_id"`
	Integration   string     `json:"integration"`
	Provider      string     `json:"provider"`
	Owner         string     `json:"owner"`
	Account       string     `json:"account"`
	Scopes        []string   `json:"scopes"`
	Status        string     `json:"status"`
	StatusDetail  string     `json:"status_detail,omitempty"`
	TokenExpiry   *time.Time `json:"token_expiry,omitempty"`
	LastRefreshAt *time.Time `json:"last_refresh_at,omitempty"`
	CreatedAt     *time.Time `json:"created_at,omitempty"`
	ScriptAccess  bool       `json:"script_access"`
	// Renewal says what keeps the refresh token alive: renewal is one of "automatic",
	// "while_app_runs", "expires", "ends", "expired", "reconnect", "none"; renewal_by is when it dies.
	Renewal   string     `json:"renewal"`
	RenewalBy *time.Time `json:"renewal_by,omitempty"`
	// RenewalWhy says why the token ends whatever is done ("ends", or "expired" that it became).
	RenewalWhy string `json:"renewal_why,omitempty"`
	// Sandbox marks a source of the built-in sandbox provider, which is no real storage.
	Sandbox bool `json:"sandbox"`
}

// renewalWords are the renewal kinds in --json and in the RENEWS column (with the date).
var renewalWords = map[core.RenewalKind][2]string{
	core.RenewsAutomatically: {"automatic", "automatically"},
	core.RenewsWhileOpen:     {"while_app_runs", "while the app runs; idles out %s"},
	core.RenewalExpires:      {"expires", "expires %s unless refreshed"},
	core.RenewalEnds:         {"ends", "ends %s, refreshed or not (app in Testing): reconnect then"},
	core.RenewalExpired:      {"expired", "expired unused: reconnect"},
	core.RenewalReconnect:    {"reconnect", "reconnect to renew"},
	core.RenewalNone:         {"none", "-"},
}

// renews is the RENEWS column: what keeps the source's access, and when it dies unused.
func renews(rn core.Renewal) string {
	text := renewalWords[rn.Kind][1]
	if strings.Contains(text, "%s") {
		return fmt.Sprintf(text, rn.By.Local().Format("2006-01-02"))
	}
	return text
}

func sourceOut(s core.Source) sourceJSON {
	return sourceJSON{ID: s.ID, IntegrationID: s.IntegrationID, Integration: s.IntegrationName, Provider: s.Provider,
		Owner: s.Owner, Account: s.Account, Scopes: s.Scopes, Status: s.Status, StatusDetail: s.StatusDetail,
		TokenExpiry: timePtr(s.TokenExpiry), LastRefreshAt: timePtr(s.LastRefreshAt), CreatedAt: timePtr(s.CreatedAt),
		ScriptAccess: s.ScriptAccess, Renewal: renewalWords[s.Renewal.Kind][0], RenewalBy: timePtr(s.Renewal.By),
		RenewalWhy: s.Renewal.Why, Sandbox: s.IsSandbox()}
}

func runSourcesList(r *runner, fs *flag.FlagSet, args []string) error {
	var f core.SourceFilter
	fs.StringVar(&f.IntegrationID, "integration", "", "only the sources of the integration `ID`")
	fs.StringVar(&f.Text, "filter", "", "only the sources whose account, owner or integration contains `TEXT`")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	_, app, s, err := r.parseAndSignIn(fs, args, 0)
	if err != nil {
		return err
	}
	list, err := app.Sources(r.ctx, s, f)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]sourceJSON, len(list))
		for i, src := range list {
			out[i] = sourceOut(src)
		}
		return r.json(out)
	}
	rows := make([][]string, len(list))
	for i, src := range list {
		rows[i] = []string{strconv.FormatInt(src.ID, 10), src.Account, src.IntegrationName, src.Owner, status(src),
			when(src.LastRefreshAt), renews(src.Renewal), yesNo(src.ScriptAccess)}
	}
	return r.table([]string{"ID", "ACCOUNT", "INTEGRATION", "OWNER", "STATUS", "LAST REFRESH", "RENEWS", "SCRIPTS"}, rows)
}

// status is the STATUS column: the status, and the start of its detail (a provider's text
// may run to hundreds of characters; --json and the GUI's details give it whole).
func status(s core.Source) string {
	if s.StatusDetail == "" || s.Status == core.StatusConnected {
		return s.Status
	}
	return s.Status + ": " + core.Short(s.StatusDetail, 60)
}

func runConnect(r *runner, fs *flag.FlagSet, args []string) error {
	noBrowser := fs.Bool("no-browser", false, "print the link and read the address the browser ended on from standard input")
	asJSON := fs.Bool("json", false, "print the new source as JSON")
	pos, app, s, err := r.parseAndSignIn(fs, args, 1)
	if err != nil {
		return err
	}
	src, err := r.flow(*noBrowser, func(ctx context.Context, hooks core.FlowHooks) (core.Source, error) {
		return app.Connect(ctx, s, pos[0], hooks)
	})
	if errors.Is(err, core.ErrUnknownIntegration) {
		return r.noSuchIntegration(app, s, err)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return r.json(sourceOut(src))
	}
	fmt.Fprintf(r.out, "Connected %s through %s as source %d.\n", core.Printable(src.Account), core.Printable(src.IntegrationName), src.ID)
	return nil
}

func runReconnect(r *runner, fs *flag.FlagSet, args []string) error {
	noBrowser := fs.Bool("no-browser", false, "print the link and read the address the browser ended on from standard input")
	asJSON := fs.Bool("json", false, "print the source as JSON")
	id, app, s, err := r.sourceArg(fs, args)
	if err != nil {
		return err
	}
	src, err := r.flow(*noBrowser, func(ctx context.Context, hooks core.FlowHooks) (core.Source, error) {
		return app.Reconnect(ctx, s, id, hooks)
	})
	if err != nil {
		return err
	}
	if *asJSON {
		return r.json(sourceOut(src))
	}
	fmt.Fprintf(r.out, "Reconnected %s through %s.\n", core.Printable(src.Account), core.Printable(src.IntegrationName))
	return nil
}

// noSuchIntegration explains Connect's err for an id that names no integration set up, with
// the ids to choose from, since a writer cannot list the integrations.
func (r *runner) noSuchIntegration(app *core.App, s *access.Session, err error) error {
	choices, cerr := app.EnabledIntegrations(r.ctx, s)
	if cerr != nil {
		return errors.Join(err, cerr)
	}
	if len(choices) == 0 {
		return &advisedError{"No integration is enabled yet; ask an administrator to set one up and enable it", err}
	}
	ids := make([]string, len(choices))
	for i, c := range choices {
		ids[i] = c.ID
	}
	return &advisedError{"No enabled integration has that id; choose one of: " + strings.Join(ids, ", "), err}
}

// errNoPaste means standard input ended before a pasted address finished the sign-in.
var errNoPaste = errors.New("standard input ended before the address was pasted")

// flow runs a browser sign-in (connect or reconnect) with the command line's hooks: the link
// and the progress on stderr, the browser unless noBrowser, and, with noBrowser, the pasted
// address read from stdin, one line per attempt.
func (r *runner) flow(noBrowser bool, run func(context.Context, core.FlowHooks) (core.Source, error)) (core.Source, error) {
	ctx, cancel := context.WithCancelCause(r.ctx)
	defer cancel(nil)
	var refused error // the last pasted address's refusal, which a later EOF should not hide
	hooks := core.FlowHooks{
		OpenURL:   r.openURL,
		NoBrowser: noBrowser,
		Timeout:   r.flowTimeout,
		Progress: func(ev core.FlowEvent) {
			switch ev.Step {
			case core.FlowListening:
				wait := ev.Deadline.Local().Format("15:04:05")
				if noBrowser {
					fmt.Fprintf(r.errOut, "Open this link in a browser on any computer and sign in (before %s):\n\n  %s\n\n"+
						"Then paste here the address the browser ended on (it starts with http://127.0.0.1 and the page may not load):\n",
						wait, ev.AuthURL)
				} else {
					fmt.Fprintf(r.errOut, "Sign in with the browser (before %s). If it did not open, open this link:\n\n  %s\n\n", wait, ev.AuthURL)
				}
			case core.FlowBrowserFailed:
				fmt.Fprintf(r.errOut, "The browser did not open (%v); open the link above yourself.\n", ev.Err)
			case core.FlowPasteRefused:
				refused = ev.Err
				fmt.Fprintf(r.errOut, "%s Paste the address again:\n", core.Printable(message(ev.Err)))
			case core.FlowAccountIdentified:
				fmt.Fprintf(r.errOut, "Signed in as %s.\n", core.Printable(ev.Account))
			}
		},
	}
	if noBrowser {
		hooks.PastedURL = func(pctx context.Context) (string, error) {
			line, err := r.readLine(pctx)
			// Only stdin's end stops the flow: pctx ends when the flow has ended by itself
			// (a timeout, say), whose error must stay the one reported.
			if err != nil && pctx.Err() == nil {
				cancel(errNoPaste)
			}
			return line, err
		}
	}
	src, err := run(ctx, hooks)
	if err != nil && errors.Is(context.Cause(ctx), errNoPaste) && r.ctx.Err() == nil {
		if refused != nil {
			return src, refused
		}
		return src, errNoPaste
	}
	return src, err
}

// readLine reads the next line from stdin that is not blank, or returns when ctx ends.
func (r *runner) readLine(ctx context.Context) (string, error) {
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		for {
			line, err := r.in.ReadString('\n')
			line = strings.TrimSpace(line)
			if line != "" || err != nil {
				if errors.Is(err, io.EOF) && line != "" {
					err = nil
				}
				ch <- result{line, err}
				return
			}
		}
	}()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case res := <-ch:
		return res.line, res.err
	}
}

func runRefresh(r *runner, fs *flag.FlagSet, args []string) error {
	asJSON := fs.Bool("json", false, "print the source as JSON")
	id, app, s, err := r.sourceArg(fs, args)
	if err != nil {
		return err
	}
	src, err := app.Refresh(r.ctx, s, id)
	if err != nil {
		return err
	}
	if *asJSON {
		return r.json(sourceOut(src))
	}
	fmt.Fprintf(r.out, "Refreshed %s: %s, token valid until %s.\n", core.Printable(src.Account), core.Printable(status(src)), when(src.TokenExpiry))
	return nil
}

// sourceEnd runs sources disconnect, or sources forget.
func sourceEnd(forget bool) func(*runner, *flag.FlagSet, []string) error {
	return func(r *runner, fs *flag.FlagSet, args []string) error {
		var shared *bool
		if !forget {
			shared = fs.Bool("revoke-shared", false, "revoke even where the provider (Google) would end other sources of the same account here too")
		}
		id, app, s, err := r.sourceArg(fs, args)
		if err != nil {
			return err
		}
		if forget {
			if err := app.Forget(r.ctx, s, id); err != nil {
				return err
			}
			fmt.Fprintf(r.out, "Forgot source %d on this computer; the provider was not told.\n", id)
			return nil
		}
		// Read first, from the list the person may see (a refusal is Disconnect's to record):
		// once disconnected, the source is gone.
		note := ""
		if list, err := app.Sources(r.ctx, s, core.SourceFilter{}); err == nil {
			for _, src := range list {
				if src.ID == id {
					note = cmp.Or(src.CannotRevoke, src.RevokeEnds)
				}
			}
		}
		disconnect := app.Disconnect
		if *shared {
			disconnect = app.DisconnectShared
		}
		if err := disconnect(r.ctx, s, id); err != nil {
			return err
		}
		fmt.Fprintf(r.out, "Disconnected source %d.\n", id)
		if note != "" {
			fmt.Fprintln(r.out, note)
		}
		return nil
	}
}

// maintainJSON is Maintain's report in --json output, converted from core.MaintainReport,
// whose fields it must keep.
type maintainJSON struct {
	Revoked        int `json:"revoked"`
	KeptAlive      int `json:"kept_alive"`
	BackOnline     int `json:"back_online"`
	StillOffline   int `json:"still_offline"`
	NeedsReconnect int `json:"needs_reconnect"`
}

func runMaintain(r *runner, fs *flag.FlagSet, args []string) error {
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if _, err := r.parse(fs, args, 0, 0); err != nil {
		return err
	}
	// No sign-in: the upkeep reveals nothing and is nobody's (--user is accepted and unused).
	app, err := r.openExisting()
	if err != nil {
		return err
	}
	// What was done before a failure is reported too.
	rep, err := app.Maintain(r.ctx)
	if *asJSON {
		if jerr := r.json(maintainJSON(rep)); jerr != nil {
			return errors.Join(err, jerr)
		}
	} else {
		fmt.Fprintf(r.out, "Revoked %d, kept alive %d, back online %d, still offline %d, needs reconnect %d.\n",
			rep.Revoked, rep.KeptAlive, rep.BackOnline, rep.StillOffline, rep.NeedsReconnect)
	}
	return err
}

func runToken(r *runner, fs *flag.FlagSet, args []string) error {
	header := fs.Bool("header", false, "print \"Authorization: Bearer TOKEN\", a header line for 'curl -H @-'")
	pos, err := r.parse(fs, args, 1, 0)
	if err != nil {
		return err
	}
	id, err := sourceID(pos[0])
	if err != nil {
		return err
	}
	if r.global.user == "" && r.global.passFile == "" {
		return r.scriptToken(id, *header)
	}
	app, s, err := r.signIn()
	if err != nil {
		return err
	}
	tok, err := app.AccessToken(r.ctx, s, id)
	if err != nil {
		return err
	}
	return r.printToken(tok.Reveal(), *header)
}

// printToken is the one place a secret is revealed: the caller asked for it, on stdout, for
// a pipe.
func (r *runner) printToken(tok string, header bool) error {
	prefix := ""
	if header {
		prefix = "Authorization: Bearer "
	}
	_, err := fmt.Fprintln(r.out, prefix+tok)
	return err
}

// sourceArg parses a command whose one argument is a source's id, checks the id, then signs in.
func (r *runner) sourceArg(fs *flag.FlagSet, args []string) (int64, *core.App, *access.Session, error) {
	pos, err := r.parse(fs, args, 1, 0)
	if err != nil {
		return 0, nil, nil, err
	}
	id, err := sourceID(pos[0])
	if err != nil {
		return 0, nil, nil, err
	}
	app, s, err := r.signIn()
	if err != nil {
		return 0, nil, nil, err
	}
	return id, app, s, nil
}

func sourceID(arg string) (int64, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		return 0, usagef("SOURCE is a source's id, a number that 'sources list' shows, not %q", arg)
	}
	return id, nil
}
