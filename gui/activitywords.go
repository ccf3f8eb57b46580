package gui

import (
	"strings"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

// activityPhrase is how the activity log says one action: what the actor did, and what they
// tried to do when it failed or was refused. {s} stands for the entry's subject; where an
// entry has none, for what (or, when what is empty, it is left out with the space before it).
type activityPhrase struct{ did, do, what string }

// activityWords is the GUI's one table from an activity action to its words; a test walks
// core.Actions() and fails on an action without them.
var activityWords = map[access.Action]activityPhrase{
	access.UserList:            {"looked at {s}", "look at {s}", "the users"},
	access.UserAdd:             {"added the user {s}", "add the user {s}", ""},
	access.UserSetPrivilege:    {"changed the privilege of {s}", "change the privilege of {s}", "a user"},
	access.UserResetPassphrase: {"reset the passphrase of {s}", "reset the passphrase of {s}", "a user"},
	access.UserDisable:         {"disabled the user {s}", "disable the user {s}", ""},
	access.UserEnable:          {"enabled the user {s}", "enable the user {s}", ""},
	access.UserDelete:          {"deleted the user {s}", "delete the user {s}", ""},
	access.PassphraseChangeOwn: {"changed their passphrase", "change their passphrase", ""},
	access.ActivityRead:        {"read the activity log", "read the activity log", ""},
	access.ActivityExport:      {"saved the activity log to a file", "save the activity log to a file", ""},
	access.SettingsChange:      {"changed the setting {s}", "change the setting {s}", ""},
	access.IntegrationView:     {"looked at {s}", "look at {s}", "the integrations"},
	access.IntegrationAdd:      {"added the integration {s}", "add the integration {s}", ""},
	access.IntegrationSave:     {"saved the integration {s}", "save the integration {s}", ""},
	access.IntegrationRemove:   {"removed the integration {s}", "remove the integration {s}", ""},
	access.IntegrationEnable:   {"enabled the integration {s}", "enable the integration {s}", ""},
	access.IntegrationDisable:  {"disabled the integration {s}", "disable the integration {s}", ""},
	access.IntegrationTest:     {"tested the sign-in through {s}", "test the sign-in through {s}", "an integration"},
	access.SourceList:          {"looked at {s}", "look at {s}", "the sources"},
	access.SourceConnect:       {"connected {s}", "connect {s}", "an account"},
	access.SourceReconnect:     {"reconnected {s}", "reconnect {s}", "a source"},
	access.SourceRefresh:       {"refreshed {s}", "refresh {s}", "a source"},
	access.SourceDisconnect:    {"disconnected {s}", "disconnect {s}", "a source"},
	access.SourceForget:        {"forgot {s} on this computer", "forget {s} on this computer", "a source"},
	access.SourceToken:         {"took an access token of {s}", "take an access token of {s}", "a source"},
	access.SourceAllowScripts:  {"let programs use {s}", "let programs use {s}", "a source"},
	access.SourceDenyScripts:   {"stopped programs using {s}", "stop programs using {s}", "a source"},
	access.WorkspaceExport:     {"exported the workspace to {s}", "export the workspace to {s}", "a file"},
	access.WorkspaceImport:     {"imported a workspace file", "import a workspace file", ""},
	access.WorkspaceRemove:     {"removed the workspace", "remove the workspace", ""},
	access.FirstAdmin:          {"set up the workspace as its first administrator", "set up the workspace", ""},
	access.SignIn:              {"signed in", "sign in", ""},
	access.SignOut:             {"signed out", "sign out", ""},
	access.LocalRecovery:       {"set a new passphrase for the administrator {s}", "set a new passphrase for the administrator {s}", ""},
}

// integrationOnly says a subject that names only an integration, as core writes one for a
// connection refused or failed before any account was known ("Sandbox", where a source is
// "wendy at Sandbox"): "could not connect an account at Sandbox", not "could not connect Sandbox".
var integrationOnly = map[access.Action]string{access.SourceConnect: "an account at "}

// outcomeWords are the activity log's outcomes in words.
var outcomeWords = map[string]string{
	core.OutcomeOK:     "Done",
	core.OutcomeDenied: "Refused",
	core.OutcomeFailed: "Failed",
}

// actorWords name the actors that are no person's profile.
var actorWords = map[string]string{
	"":                 "The app",
	core.UpkeepActor:   "The upkeep",
	core.ProgramActor:  "A program",
	core.RecoveryActor: "A local recovery",
}

// activitySentence says e as a sentence: "Alice saved the integration Google Drive", "Bob
// could not sign in: wrong passphrase (1 in a row)". Names and subjects, which people and
// providers typed, are made printable; an action of another version of the app (an imported
// log) is named by its code.
func activitySentence(e core.ActivityEntry) string {
	actor, ok := actorWords[e.Actor]
	if !ok {
		actor = core.Printable(e.Actor)
	}
	p, ok := activityWords[access.Action(e.Action)]
	if !ok {
		// The code goes in once the subject is: a "{s}" in an imported log's code stays as it is.
		p = activityPhrase{"did " + actionMark + " on {s}", "do " + actionMark + " on {s}", "something"}
	}
	subject := e.Subject
	if at, ok := integrationOnly[access.Action(e.Action)]; ok && subject != "" && !strings.Contains(subject, " at ") {
		subject = at + subject
	}
	var s string
	switch e.Outcome {
	case core.OutcomeOK:
		s = actor + " " + p.fill(subject, p.did)
	case core.OutcomeDenied:
		s = actor + " was not allowed to " + p.fill(subject, p.do)
	default:
		s = actor + " could not " + p.fill(subject, p.do)
	}
	s = strings.Replace(s, actionMark, core.Printable(e.Action), 1)
	if e.Detail != "" {
		s += ": " + core.Printable(e.Detail)
	}
	return s
}

// actionMark stands for an unknown action's code in its phrase until the subject is in: a
// control character, which core.Printable never leaves in a name or subject.
const actionMark = "\x00"

// fill puts the subject into one of p's phrases.
func (p activityPhrase) fill(subject, phrase string) string {
	switch {
	case subject != "":
		return strings.ReplaceAll(phrase, "{s}", core.Printable(subject))
	case p.what != "":
		return strings.ReplaceAll(phrase, "{s}", p.what)
	}
	return strings.ReplaceAll(phrase, " {s}", "")
}

// outcomeWord is e's outcome in words.
func outcomeWord(outcome string) string {
	if w, ok := outcomeWords[outcome]; ok {
		return w
	}
	return core.Printable(outcome)
}

// actionLabel is what the action filter calls action a: what it does, without a subject.
func actionLabel(a access.Action) string {
	return capitalise(activityWords[a].fill("", activityWords[a].do))
}
