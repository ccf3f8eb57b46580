package cli

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

var integrationCommands = []command{
	{name: "integrations list", summary: "list the integrations and their state (admin)",
		example: prog + " --user root integrations list", run: runIntegrationsList},
	{name: "integrations show", args: "ID", summary: "show an integration, the redirect URI to register and its setup guide (admin)",
		example: prog + " --user root integrations show dropbox", run: runIntegrationsShow},
	{name: "integrations set", args: "ID", summary: "change an integration's client id, client type, client secret, port, scopes, tenant or issuer (admin)",
		about: "Options left out keep their saved value. The client secret is read from a file or from\n" +
			"standard input (--client-secret-file -), never from an argument.\n\n" +
			"--client-type (Microsoft only) says how the app is registered: public for a \"Mobile and\n" +
			"desktop applications\" registration, which sends no client secret (a saved one is removed);\n" +
			"confidential for a \"Web\" registration, which needs its client secret. For example:\n\n" +
			"  " + prog + " --user root integrations set microsoft --client-id 11112222-aaaa-bbbb-cccc-333344445555 --client-type public",
		example: "printf '%s\\n' \"$SECRET\" | " + prog + " --user root integrations set dropbox --client-id abc123 --client-secret-file - --port 27419",
		secret:  viaClientSecretFile, run: runIntegrationsSet},
	{name: "integrations enable", args: "ID", summary: "let writers connect sources through an integration (admin)",
		example: prog + " --user root integrations enable dropbox", run: integrationEnable(true)},
	{name: "integrations disable", args: "ID", summary: "refuse new connections through an integration; its sources keep working (admin)",
		example: prog + " --user root integrations disable dropbox", run: integrationEnable(false)},
	{name: "integrations add", args: "NAME", summary: "add a custom OpenID Connect or OAuth 2.0 integration (admin)",
		about:   "It starts disabled and without credentials; set them with 'integrations set ID'.",
		example: prog + " --user root integrations add \"Company SSO\" --kind oidc", run: runIntegrationsAdd},
	{name: "integrations test", args: "ID", summary: "sign in once with the saved credentials, in the browser, and report each step (admin)",
		about:   "Nothing is saved: no source, no token. It needs a browser on this machine.",
		example: prog + " --user root integrations test dropbox", run: runIntegrationsTest},
	{name: "integrations remove", args: "ID", summary: "remove an integration and its client secret (admin)",
		example: prog + " --user root integrations remove custom-ab12cd34ef56 --disconnect", run: runIntegrationsRemove},
}

// integrationJSON is an integration in --json output. It carries no secret: only when the
// client secret was saved and by whom.
type integrationJSON struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Provider    string     `json:"provider"`
	Custom      bool       `json:"custom"`
	State       string     `json:"state"`
	Enabled     bool       `json:"enabled"`
	ClientID    string     `json:"client_id"`
	SecretSetAt *time.Time `json:"secret_set_at,omitempty"`
	SecretSetBy string     `json:"secret_set_by,omitempty"`
	// SecretExpiresAt is the recorded expiry; SecretDue is "", "expires soon" or "expired".
	SecretExpiresAt *time.Time `json:"secret_expires_at,omitempty"`
	SecretDue       string     `json:"secret_due,omitempty"`
	Port            int        `json:"port"`
	RedirectURI     string     `json:"redirect_uri"`
	Scopes          []string   `json:"scopes"`
	// PublishingStatus is Google's: "testing" or "in-production".
	PublishingStatus string `json:"publishing_status,omitempty"`
	Tenant           string `json:"tenant,omitempty"`
	AccountTypes     string `json:"account_types,omitempty"`
	Issuer           string `json:"issuer,omitempty"`
	AuthURL          string `json:"auth_url,omitempty"`
	TokenURL         string `json:"token_url,omitempty"`
	RevokeURL        string `json:"revoke_url,omitempty"`
	UserinfoURL      string `json:"userinfo_url,omitempty"`
	Sources          int    `json:"sources"`
	// Sandbox marks the built-in sandbox provider, which connects no real storage.
	Sandbox bool `json:"sandbox"`
}

func integrationOut(v core.IntegrationView, probe error) integrationJSON {
	return integrationJSON{ID: v.ID, Name: v.Name, Provider: string(v.Provider.ID), Custom: v.Custom,
		State: v.StateGiven(probe).String(), Enabled: v.Enabled, ClientID: v.ClientID,
		SecretSetAt: timePtr(v.SecretSetAt), SecretSetBy: v.SecretSetBy, Port: v.Port,
		SecretExpiresAt: timePtr(v.SecretExpiresAt), SecretDue: secretDueWords[v.SecretDue],
		RedirectURI: v.RedirectURI(v.Port), Scopes: v.Scopes, Tenant: v.Tenant, Issuer: v.Issuer,
		PublishingStatus: string(v.PublishingStatus), AccountTypes: v.AccountType,
		AuthURL: v.AuthURL, TokenURL: v.TokenURL, RevokeURL: v.RevokeURL, UserinfoURL: v.UserinfoURL,
		Sources: v.Sources, Sandbox: v.Provider.IsSandbox()}
}

func runIntegrationsList(r *runner, fs *flag.FlagSet, args []string) error {
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	_, app, s, err := r.parseAndSignIn(fs, args, 0)
	if err != nil {
		return err
	}
	list, err := app.Integrations(r.ctx, s)
	if err != nil {
		return err
	}
	probe := app.ProbeKeychain(r.ctx)
	if *asJSON {
		out := make([]integrationJSON, len(list))
		for i, v := range list {
			out[i] = integrationOut(v, probe)
		}
		return r.json(out)
	}
	rows := make([][]string, len(list))
	for i, v := range list {
		secret := "-"
		if !v.SecretSetAt.IsZero() {
			secret = "saved " + when(v.SecretSetAt)
		}
		if w := secretDueWords[v.SecretDue]; w != "" {
			secret += ", " + strings.ToUpper(w)
		}
		rows[i] = []string{v.ID, v.Name, v.StateGiven(probe).String(), orDash(v.ClientID), secret, strconv.Itoa(v.Sources)}
	}
	if err := r.table([]string{"ID", "NAME", "STATE", "CLIENT ID", "CLIENT SECRET", "SOURCES"}, rows); err != nil {
		return err
	}
	for _, v := range list {
		if w := secretWarning(v, r.commandLine()); w != "" {
			fmt.Fprintln(r.errOut, "Warning: "+w)
		}
	}
	return nil
}

func runIntegrationsShow(r *runner, fs *flag.FlagSet, args []string) error {
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	pos, app, s, err := r.parseAndSignIn(fs, args, 1)
	if err != nil {
		return err
	}
	v, err := app.Integration(r.ctx, s, pos[0])
	if err != nil {
		return err
	}
	probe := app.ProbeKeychain(r.ctx)
	if *asJSON {
		return r.json(integrationOut(v, probe))
	}
	tw := tabwriter.NewWriter(r.out, 0, 0, 2, ' ', 0)
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, core.Printable(v)) // URLs and ids came from a person or a discovery document
		}
	}
	line("ID", v.ID)
	line("Name", v.Name)
	line("Provider", v.Provider.Name)
	if v.Provider.IsSandbox() {
		line("Sandbox", "built into this app; connects no real storage (settings: integrations sandbox)")
	}
	line("State", v.StateGiven(probe).String())
	line("Client ID", orDash(v.ClientID))
	line("Client type", string(v.ClientType))
	line("Publishing", publishingWords(v.PublishingStatus))
	showSecret(line, v)
	port := "any"
	if v.Port != 0 {
		port = strconv.Itoa(v.Port)
	}
	line("Port", port)
	if uri := v.RedirectURI(v.Port); uri != "" {
		line("Redirect URI", uri+"  (register exactly this at the provider)")
	} else {
		line("Redirect URI", "nothing to register")
	}
	line("Scopes", strings.Join(v.Scopes, " "))
	line("Tenant", v.Tenant)
	line("Account types", v.AccountType)
	line("Issuer", v.Issuer)
	if v.Custom {
		line("Authorization URL", v.AuthURL)
		line("Token URL", v.TokenURL)
		line("Revocation URL", v.RevokeURL)
		line("Userinfo URL", v.UserinfoURL)
	}
	line("Sources", strconv.Itoa(v.Sources))
	if err := tw.Flush(); err != nil {
		return err
	}
	printGuide(r, v)
	return nil
}

// showSecret says when the client secret was saved, by whom, and when it expires.
// publishingWords is a publishing status, and what Testing means for sources.
func publishingWords(st core.PublishingStatus) string {
	if st == core.PublishingTesting {
		return "testing: each sign-in ends 7 days after it; publish the app, then set --publishing-status in-production"
	}
	return string(st)
}

func showSecret(line func(k, v string), v core.IntegrationView) {
	secret := "none"
	if !v.SecretSetAt.IsZero() {
		secret = "saved " + when(v.SecretSetAt) + " by " + v.SecretSetBy
	}
	line("Client secret", secret)
	if !v.SecretExpiresAt.IsZero() {
		line("Secret expires", v.SecretExpiresAt.Local().Format(core.SecretDateLayout)+" "+secretDueWords[v.SecretDue])
	}
}

// printGuide prints v's setup guide: the application type for v's client type, the redirect URI.
func printGuide(r *runner, v core.IntegrationView) {
	g := v.Provider.Guide
	if g.ConsoleURL == "" && len(g.Steps) == 0 {
		return
	}
	fmt.Fprintf(r.out, "\nSetup guide:\n")
	if g.ConsoleURL != "" {
		fmt.Fprintf(r.out, "  Console: %s\n", g.ConsoleURL)
	}
	appType := g.AppType
	if t := g.AppTypes[v.ClientType]; t != "" {
		appType = t
	}
	if appType != "" {
		fmt.Fprintf(r.out, "  App type: %s\n", appType)
	}
	if uri := v.RedirectURI(v.Port); uri != "" {
		fmt.Fprintf(r.out, "  Redirect URI to register: %s\n", uri)
	}
	for i, step := range g.Steps {
		fmt.Fprintf(r.out, "  %d. %s\n", i+1, step)
	}
	if len(g.Scopes) > 0 {
		fmt.Fprintf(r.out, "  Scopes to add: %s\n", strings.Join(g.Scopes, " "))
	}
	for _, n := range g.About {
		fmt.Fprintf(r.out, "  %s\n", n)
	}
	for _, n := range g.Notes {
		fmt.Fprintf(r.out, "  Note: %s\n", n)
	}
}

// setFields maps the options of integrations set that change a field of the form to the
// field of in.
func setFields(in *core.IntegrationInput) map[string]*string {
	return map[string]*string{"client-id": &in.ClientID, "port": &in.Port, "scopes": &in.Scopes,
		"tenant": &in.Tenant, "issuer": &in.Issuer, "name": &in.Name, "auth-url": &in.AuthURL,
		"token-url": &in.TokenURL, "revoke-url": &in.RevokeURL, "userinfo-url": &in.UserinfoURL,
		"secret-expires": &in.SecretExpires, "publishing-status": &in.PublishingStatus,
		"account-types": &in.AccountType}
}

// setOptions defines the options of integrations set; those that do more than fill a field.
func setOptions(fs *flag.FlagSet) (clientType, secretFile *string, removeSecret *bool) {
	fs.String("client-id", "", "the client `ID` from the provider's console")
	clientType = fs.String("client-type", "", "Microsoft's client `TYPE`: public (a desktop registration, no client secret) or confidential (a web one, with its secret)")
	secretFile = fs.String("client-secret-file", "", "read the client secret from `FILE` (- for standard input)")
	removeSecret = fs.Bool("remove-secret", false, "delete the saved client secret")
	fs.String("secret-expires", "", "the `DATE` the client secret expires, YYYY-MM-DD, as the console shows it (Microsoft: Certificates & secrets); warned 30 days ahead")
	fs.String("port", "", "fixed loopback `PORT`, or \"any\"")
	fs.String("scopes", "", "the `SCOPES` to request, separated by spaces or commas; \"default\" for the provider's")
	fs.String("publishing-status", "", "Google's publishing `STATUS`, as Google Auth Platform → Audience shows it: testing (sign-ins end after 7 days) or in-production")
	fs.String("account-types", "", "the `TYPES` of accounts Microsoft's registration allows (Authentication → Supported account types), which set the tenant: single (give --tenant DIRECTORY-ID), multi, multi-and-personal or personal")
	fs.String("tenant", "", "Microsoft `TENANT`: common, organizations, consumers, a domain or a directory id")
	fs.String("issuer", "", "custom OpenID Connect issuer `URL`")
	fs.String("name", "", "new `NAME` of a custom integration")
	fs.String("auth-url", "", "custom OAuth 2.0 authorization endpoint `URL`")
	fs.String("token-url", "", "custom OAuth 2.0 token endpoint `URL`")
	fs.String("revoke-url", "", "custom OAuth 2.0 revocation endpoint `URL`")
	fs.String("userinfo-url", "", "custom OAuth 2.0 userinfo (who am I) endpoint `URL`")
	return clientType, secretFile, removeSecret
}

func runIntegrationsSet(r *runner, fs *flag.FlagSet, args []string) error {
	clientType, secretFile, removeSecret := setOptions(fs)
	pos, err := r.parse(fs, args, 1, 0)
	if err != nil {
		return err
	}
	changes := 0
	fs.Visit(func(f *flag.Flag) {
		if _, ok := setFields(&core.IntegrationInput{})[f.Name]; ok || f.Name == "client-secret-file" || f.Name == "client-type" {
			changes++
		}
	})
	if *removeSecret && changes > 0 {
		return usagef("--remove-secret goes alone: remove the secret, then change the rest")
	}
	app, s, err := r.signIn()
	if err != nil {
		return err
	}
	if *removeSecret {
		if err := app.RemoveSecret(r.ctx, s, pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(r.out, "Client secret of %s removed.\n", pos[0])
		return nil
	}
	v, in, err := savedInput(r, app, s, pos[0])
	if err != nil {
		return err
	}
	// Core checks the client type, as every other field: a choice it does not offer is refused.
	in.ClientType = core.ClientType(strings.ToLower(strings.TrimSpace(*clientType)))
	if err := applySetOptions(r, fs, &in, *secretFile); err != nil {
		return err
	}
	if err := app.SaveIntegration(r.ctx, s, in); err != nil {
		return err
	}
	name := core.Printable(v.Name)
	if name == "" {
		name = core.Printable(pos[0])
	}
	if v.DropsSecret(in.ClientType) {
		fmt.Fprintf(r.out, "Saved %s; its client secret was removed, since a public client sends none.\n", name)
		return nil
	}
	fmt.Fprintf(r.out, "Saved %s.\n", name)
	return nil
}

// savedInput is the form as saved, which the options then change, as the GUI's form does.
// Only those who may read it get it: for anyone else the save is refused, and the activity
// log records the refused save, not a refused read.
func savedInput(r *runner, app *core.App, s *access.Session, id string) (core.IntegrationView, core.IntegrationInput, error) {
	if !access.Allowed(s.Privilege, access.IntegrationView, false) {
		return core.IntegrationView{}, core.IntegrationInput{ID: id}, nil
	}
	v, err := app.Integration(r.ctx, s, id)
	if err != nil {
		return core.IntegrationView{}, core.IntegrationInput{}, err
	}
	return v, v.Input(), nil
}

// applySetOptions puts the options given into in: "any" port and "default" scopes are the
// form's empty fields; the client secret is read from its file.
func applySetOptions(r *runner, fs *flag.FlagSet, in *core.IntegrationInput, secretFile string) error {
	fields := setFields(in)
	fs.Visit(func(f *flag.Flag) {
		if p, ok := fields[f.Name]; ok {
			*p = f.Value.String()
		}
	})
	if strings.EqualFold(in.Port, "any") {
		in.Port = ""
	}
	if strings.EqualFold(in.Scopes, "default") {
		in.Scopes = ""
	}
	if secretFile == "" {
		return nil
	}
	var err error
	in.Secret, err = r.readSecretFile(secretFile, "client secret")
	return err
}

func integrationEnable(on bool) func(*runner, *flag.FlagSet, []string) error {
	return func(r *runner, fs *flag.FlagSet, args []string) error {
		pos, app, s, err := r.parseAndSignIn(fs, args, 1)
		if err != nil {
			return err
		}
		if err := app.SetEnabled(r.ctx, s, pos[0], on); err != nil {
			return err
		}
		state := "disabled"
		if on {
			state = "enabled"
		}
		fmt.Fprintf(r.out, "%s is %s.\n", pos[0], state)
		return nil
	}
}

// addedJSON is a new integration in --json output.
type addedJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func runIntegrationsAdd(r *runner, fs *flag.FlagSet, args []string) error {
	kind := fs.String("kind", "", "`KIND`: oidc (OpenID Connect, endpoints from the issuer) or oauth2 (endpoints typed in); required")
	asJSON := fs.Bool("json", false, "print the new integration's id and name as JSON")
	pos, err := r.parse(fs, args, 1, 0)
	if err != nil {
		return err
	}
	if !core.IsCustomKind(core.ProviderID(*kind)) {
		return usagef("--kind must be oidc or oauth2")
	}
	app, s, err := r.signIn()
	if err != nil {
		return err
	}
	id, err := app.AddCustomIntegration(r.ctx, s, pos[0], core.ProviderID(*kind))
	if err != nil {
		return err
	}
	if *asJSON {
		return r.json(addedJSON{id, strings.TrimSpace(pos[0])})
	}
	fmt.Fprintf(r.out, "Added %s with id %s; set it up with '%s integrations set %s'.\n", strings.TrimSpace(pos[0]), id, prog, id)
	return nil
}

func runIntegrationsRemove(r *runner, fs *flag.FlagSet, args []string) error {
	disconnect := fs.Bool("disconnect", false, "disconnect the integration's sources first")
	pos, app, s, err := r.parseAndSignIn(fs, args, 1)
	if err != nil {
		return err
	}
	if err := app.RemoveIntegration(r.ctx, s, pos[0], *disconnect); err != nil {
		return err
	}
	fmt.Fprintf(r.out, "Removed %s.\n", pos[0])
	return nil
}

// testJSON is the report of integrations test in --json output.
type testJSON struct {
	OK      bool           `json:"ok"`
	Account string         `json:"account,omitempty"`
	Problem string         `json:"problem,omitempty"`
	Cause   string         `json:"cause,omitempty"`
	Steps   []testStepJSON `json:"steps"`
}

type testStepJSON struct {
	Step      string `json:"step"`
	ElapsedMS int64  `json:"elapsed_ms"`
	Error     string `json:"error,omitempty"`
}

func runIntegrationsTest(r *runner, fs *flag.FlagSet, args []string) error {
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, app, s, err := r.parseAndSignIn(fs, args, 1)
	if err != nil {
		return err
	}
	var report core.TestReport
	_, err = r.flow(false, func(ctx context.Context, hooks core.FlowHooks) (core.Source, error) {
		var err error
		report, err = app.TestAuthorization(ctx, s, pos[0], hooks)
		return core.Source{}, err
	})
	if len(report.Steps) == 0 {
		return err // refused before the sign-in began
	}
	if *asJSON {
		out := testJSON{OK: report.OK, Account: report.Account, Problem: report.Problem, Cause: testAdvice(err, report.RedirectURI), Steps: []testStepJSON{}}
		for _, st := range report.Steps {
			step := testStepJSON{Step: st.Step.String(), ElapsedMS: st.Elapsed.Milliseconds()}
			if st.Err != nil {
				step.Error = st.Err.Error()
			}
			out.Steps = append(out.Steps, step)
		}
		if jerr := r.json(out); jerr != nil {
			return jerr
		}
		return err
	}
	rows := make([][]string, len(report.Steps))
	for i, st := range report.Steps {
		detail := ""
		if st.Err != nil {
			detail = st.Err.Error()
		}
		rows[i] = []string{fmt.Sprintf("%.1fs", st.Elapsed.Seconds()), st.Step.String(), detail}
	}
	if terr := r.table([]string{"AFTER", "STEP", "DETAIL"}, rows); terr != nil {
		return terr
	}
	if report.OK {
		fmt.Fprintf(r.out, "The test succeeded: signed in as %s.\n", core.Printable(report.Account))
		return nil
	}
	fmt.Fprintf(r.out, "The test failed: %s\nLikely cause: %s.\n", core.Printable(report.Problem), core.Printable(testAdvice(err, report.RedirectURI)))
	return err
}

// secretDueWords say how soon a client secret expires, in the list's secret column.
var secretDueWords = map[core.SecretDue]string{core.SecretExpiresSoon: "expires soon", core.SecretExpired: "expired"}

// secretWarning is what an administrator must do about an integration's client secret that
// expires within 30 days or has expired, or "".
// cmd is the program with this run's --home and --user, for a command to copy.
func secretWarning(v core.IntegrationView, cmd string) string {
	day := v.SecretExpiresAt.Local().Format(core.SecretDateLayout)
	set := fmt.Sprintf("create a new one in the provider's console and save it with '%s integrations set %s --client-secret-file - --secret-expires DATE'",
		cmd, v.ID)
	switch v.SecretDue {
	case core.SecretExpiresSoon:
		return fmt.Sprintf("the client secret of %s expires on %s: %s, or every sign-in and refresh through it fails from then on.", core.Printable(v.Name), day, set)
	case core.SecretExpired:
		return fmt.Sprintf("the client secret of %s expired on %s, so every sign-in and refresh through it fails: %s.", core.Printable(v.Name), day, set)
	}
	return ""
}
