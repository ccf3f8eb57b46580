package cli

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/medialake/connect/core"
)

var sandboxCommands = []command{
	{name: "integrations sandbox", summary: "show or change the built-in sandbox provider's port, token lifetime and failure switches (admin)",
		about: "The sandbox is an OpenID Connect provider built into this app, on 127.0.0.1, to try the app\n" +
			"without an account anywhere: enable it with 'integrations enable sandbox'. It connects no real\n" +
			"storage. Without options this shows its settings. --refuse-refreshes on makes every refresh\n" +
			"fail as a withdrawn grant does (sources need reconnecting); --silent on makes it drop every\n" +
			"call (sources go offline). Options left out keep their saved value.",
		example: prog + " --user root integrations sandbox --access-token-lifetime 1m --refuse-refreshes on",
		run:     runSandbox},
}

// sandboxJSON is the sandbox's settings in --json output.
type sandboxJSON struct {
	Port                int    `json:"port"`
	Issuer              string `json:"issuer"`
	AccessTokenLifetime string `json:"access_token_lifetime"`
	RefuseRefreshes     bool   `json:"refuse_refreshes"`
	Silent              bool   `json:"silent"`
}

// sandboxFields maps core's field names of the sandbox settings to the options that set them.
var sandboxFields = map[string]string{core.FieldSandboxPort: "port", core.FieldTokenTTL: "access_token_lifetime"}

func runSandbox(r *runner, fs *flag.FlagSet, args []string) error {
	port := fs.String("port", "", "the 127.0.0.1 `PORT` the sandbox listens on")
	ttl := fs.String("access-token-lifetime", "", "how long its access tokens live, e.g. 5m or 90s (`DURATION`)")
	refuse := fs.String("refuse-refreshes", "", "on: answer every refresh with invalid_grant; off: refresh again (`on|off`)")
	silent := fs.String("silent", "", "on: drop every call unanswered, as a provider that is down; off: answer again (`on|off`)")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	_, app, s, err := r.parseAndSignIn(fs, args, 0)
	if err != nil {
		return err
	}
	v, err := app.Sandbox(r.ctx, s)
	if err != nil {
		return err
	}
	in := v.Input()
	changed := 0
	for _, o := range []struct {
		typed string
		set   func(string) error
	}{
		{*port, func(t string) error { in.Port = t; return nil }},
		{*ttl, func(t string) error { in.AccessTokenTTL = t; return nil }},
		{*refuse, onOff("--refuse-refreshes", &in.RefuseRefresh)},
		{*silent, onOff("--silent", &in.Silent)},
	} {
		if o.typed == "" {
			continue
		}
		changed++
		if err := o.set(o.typed); err != nil {
			return err
		}
	}
	if changed > 0 {
		if err := app.SetSandbox(r.ctx, s, in); err != nil {
			return sandboxOptions(err)
		}
		if v, err = app.Sandbox(r.ctx, s); err != nil {
			return err
		}
	}
	out := sandboxJSON{Port: v.Port, Issuer: v.Issuer, AccessTokenLifetime: v.AccessTokenTTL.String(),
		RefuseRefreshes: v.RefuseRefresh, Silent: v.Silent}
	if *asJSON {
		return r.json(out)
	}
	tw := tabwriter.NewWriter(r.out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Port\t%d\nIssuer\t%s\nAccess tokens live\t%s\nRefuse refreshes\t%s\nSilent\t%s\n",
		out.Port, out.Issuer, out.AccessTokenLifetime, onOffWord(out.RefuseRefreshes), onOffWord(out.Silent))
	return tw.Flush()
}

// sandboxOptions names the options in err's fields, for the message to say which to fix.
func sandboxOptions(err error) error {
	var v *core.ValidationError
	if !errors.As(err, &v) {
		return err
	}
	named := &core.ValidationError{Fields: map[string]string{}}
	for f, msg := range v.Fields {
		if o, ok := sandboxFields[f]; ok {
			f = o
		}
		named.Fields[f] = msg
	}
	return named
}

func onOff(option string, to *bool) func(string) error {
	return func(typed string) error {
		switch strings.ToLower(strings.TrimSpace(typed)) {
		case "on":
			*to = true
		case "off":
			*to = false
		default:
			return usagef("%s takes on or off, not %q", option, typed)
		}
		return nil
	}
}

func onOffWord(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
