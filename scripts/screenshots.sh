#!/usr/bin/env bash
# screenshots.sh — remakes docs/screenshots/*.png, the README's pictures, from the real window.
#
# It installs what is missing (scripts/deps.sh shots), builds the app and
# internal/authtest/cmd/authtest-server (the tests' ory/fosite authorization server, served on
# 127.0.0.1), and then, inside a private Secret Service (scripts/with-secret-service.sh) and a
# private X server (scripts/with-xvfb.sh), on throwaway workspaces in a temporary
# folder:
#   1. first-start.png    the app on an empty workspace: create the first administrator
#   2. sources.png        Sources, with sources the CLI connected through two custom OpenID
#                         Connect integrations; one the server then refused to refresh (Needs
#                         reconnect), one whose server was stopped (Offline)
#   3. integrations.png   Admin → Integrations with Dropbox's setup guide
#   4. connect.png        the connect dialog, waiting for the browser
#   5. sandbox-sign-in.png  the sandbox's sign-in page, where the CLI's connect sent Chromium
#   6. signed-in.png      the page the browser lands on after a sign-in (Test authorization)
# Shots 1-4 are the app's window alone, at its default size, in Fyne's light theme; 5 and 6
# are Chromium's, headless, 720 px wide, in its light theme. Everything it starts is stopped on
# exit, whatever happens. Not part of `make test`: run `make screenshots`.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=$repo/docs/screenshots

if [ "${MEDIALAKE_SHOTS_TMP:-}" = "" ]; then
	cd "$repo"
	scripts/deps.sh shots
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/medialake-shots.XXXXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	go build -o "$tmp/medialake-connect" .
	go build -o "$tmp/authtest-server" ./internal/authtest/cmd/authtest-server
	MEDIALAKE_SHOTS_TMP=$tmp scripts/with-secret-service.sh scripts/with-xvfb.sh "$repo/scripts/screenshots.sh"
	exit
fi

# From here on: inside the private Secret Service and X server; the binaries are in $MEDIALAKE_SHOTS_TMP.
tmp=$MEDIALAKE_SHOTS_TMP
bin=$tmp/medialake-connect
log=$tmp/log
pids=()

stop() { # stops what this script started, the newest first
	local i
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		kill "${pids[i]}" 2>/dev/null || true
		wait "${pids[i]}" 2>/dev/null || true
	done
	pids=()
}
fail() {
	echo "screenshots: $*" >&2
	[ -s "$log" ] && { echo "--- log:" >&2; tail -n 40 "$log" >&2; }
	exit 1
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_file FILE [SECONDS]: until FILE has a line, or fail after SECONDS (10).
wait_file() {
	local deadline=$((SECONDS + ${2:-10}))
	until [ -s "$1" ]; do
		[ "$SECONDS" -lt "$deadline" ] || fail "nothing written to $1 within ${2:-10} s"
		sleep 0.1
	done
}

# The app's preferences (window size, last profile) start empty every run; one theme, one scale.
export XDG_CONFIG_HOME=$tmp/config LANG=en_US.UTF-8 FYNE_THEME=light FYNE_SCALE=1
# The window opens at 1040×700 (width, height, scale), the size the places clicked below
# assume: the first run's own size is for the smallest screens.
mkdir -p "$XDG_CONFIG_HOME/fyne/io.medialake.connect"
echo '{"window.size":[1040,700,1]}' >"$XDG_CONFIG_HOME/fyne/io.medialake.connect/preferences.json"

app_pid=""
# start_app WORKSPACE: starts the window and waits until it is shown.
start_app() {
	BROWSER=true "$bin" --home "$1" >>"$log" 2>&1 &
	app_pid=$!
	pids+=("$app_pid")
	win=$(timeout 20 xdotool search --sync --onlyvisible --pid "$app_pid" --name 'Medialake Connect' | head -n 1) ||
		fail "the app's window did not appear"
	sleep 2 # the first frames
}
# stop_app: closes the window the way a person does, so that the app ends normally.
stop_app() {
	xdotool windowclose "$win" 2>/dev/null || true
	timeout 10 tail --pid="$app_pid" -f /dev/null || kill "$app_pid" 2>/dev/null || true
	wait "$app_pid" 2>/dev/null || true
	unset 'pids[-1]'
}
# keep NAME: $tmp/NAME.png, without metadata, into docs/screenshots/NAME.png.
keep() {
	mkdir -p "$out"
	convert "$tmp/$1.png" -strip -define png:compression-level=9 "$out/$1.png"
	echo "screenshots: wrote docs/screenshots/$1.png"
}
# shot NAME: the window alone.
shot() {
	sleep 1
	import -window "$win" "$tmp/$1.png"
	keep "$1"
}
type_text() { xdotool type --delay 20 "$1"; }
key() { xdotool key --clearmodifiers "$@"; sleep 0.5; }

# 1. First start.
start_app "$tmp/empty"
shot first-start
stop_app

# 2. A workspace with sources, made through the CLI as a person would.
ws=$tmp/workspace
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/client-secret"
echo >>"$tmp/client-secret"
printf 'root passphrase 1\n' >"$tmp/root.pass"
printf 'wendy passphrase 1\n' >"$tmp/wendy.pass"
chmod 600 "$tmp/client-secret" "$tmp/root.pass" "$tmp/wendy.pass"
as() { # as USER ARGS...: the CLI, signed in as USER
	local user=$1
	shift
	"$bin" --home "$ws" --user "$user" --passphrase-file "$tmp/$user.pass" "$@" 2>>"$log"
}
json_field() { grep -o "\"$1\": *\"\\{0,1\\}[^\",]*" | head -n 1 | sed -E 's/.*: *"?//'; }

# provider NAME ACCOUNTS: an authorization server and an enabled integration NAME that uses it.
provider() {
	"$tmp/authtest-server" -accounts "$2" <"$tmp/client-secret" >"$tmp/$1.issuer" 2>>"$log" &
	pids+=($!)
	server_pid=$!
	wait_file "$tmp/$1.issuer"
	integration=$(as root integrations add "$1" --kind oidc --json | json_field id)
	[ -n "$integration" ] || fail "integrations add $1 printed no id"
	as root integrations set "$integration" --issuer "$(head -n 1 "$tmp/$1.issuer")" \
		--client-id medialake-connect --client-secret-file "$tmp/client-secret" >/dev/null
	as root integrations enable "$integration" >/dev/null
}
# connect USER: connects the authorization server's current account; the "browser" is curl,
# which follows the server's approval back to the app's loopback redirect. Prints the source id.
connect() {
	BROWSER="curl -fsS -o /dev/null -L" as "$1" sources connect "$integration" --json | json_field id
}

"$bin" --home "$ws" init root --passphrase-file "$tmp/root.pass" >/dev/null 2>>"$log"
as root users add wendy --privilege write --new-passphrase-file "$tmp/wendy.pass" >/dev/null

provider "Acme SSO" "wendy@acme.example:Wendy Writer,archive@acme.example:Archive,root@acme.example:Root Admin"
acme=$server_pid
acme_integration=$integration
connect wendy >/dev/null
kill -USR2 "$acme"
stale=$(connect wendy)
kill -USR2 "$acme"
connect root >/dev/null
# The server refuses the next refresh as a revoked grant: the source needs reconnecting.
kill -USR1 "$acme"
as wendy sources refresh "$stale" >/dev/null || true

provider "Globex Drive" "wendy@globex.example:Wendy Writer"
globex=$server_pid
away=$(connect wendy)
# The provider goes away: the next refresh cannot reach it, and the source is offline.
kill "$globex"
wait "$globex" 2>/dev/null || true
as wendy sources refresh "$away" >/dev/null || true

# The places clicked below are where the widgets are at 1040×700 (see XDG_CONFIG_HOME): if a
# screen's layout changes, check the PNGs and move them.
click() { xdotool mousemove --window "$win" "$1" "$2" click 1; sleep 0.7; }

start_app "$ws"
click 569 331 # Profile
click 410 366 # root
click 550 370 # Passphrase
type_text "root passphrase 1"
key Return
sleep 2
shot sources

# 3. Admin → Integrations, Dropbox's form and setup guide.
key ctrl+2
click 120 226 # Dropbox
shot integrations

# 4. The connect dialog, waiting: the app's "browser" (BROWSER=true) opens nothing.
key ctrl+1
click 58 89 # Connect…
click 710 414 # Connect
shot connect
stop_app

# 5 and 6. The pages the browser is shown, in Chromium: a BROWSER command that writes what
# the browser shows, once the address (and the redirects after it) has loaded.
chromium_shot() { # chromium_shot NAME HEIGHT: that command, for $tmp/NAME.png, 720 px wide
	local root=""
	[ "$(id -u)" -ne 0 ] || root=--no-sandbox # Chromium refuses to run as root in its sandbox
	echo "chromium --headless $root --disable-gpu --disable-quic --no-first-run --disable-background-networking" \
		"--disable-component-update --disable-sync --hide-scrollbars --force-device-scale-factor=1" \
		"--user-data-dir=$tmp/chromium-$1 --window-size=720,$2 --screenshot=$tmp/$1.png %s"
}
# wait_png NAME: until Chromium has written $tmp/NAME.png whole.
wait_png() {
	wait_file "$tmp/$1.png" 30
	timeout 10 sh -c "until identify '$tmp/$1.png' >/dev/null 2>&1; do sleep 0.2; done" || fail "$1.png is not a whole PNG"
}

as root integrations enable sandbox >/dev/null
# Started directly, not through 'as', so that $! is the CLI itself, which the kill below ends.
BROWSER=$(chromium_shot sandbox-sign-in 500) "$bin" --home "$ws" --user root --passphrase-file "$tmp/root.pass" \
	sources connect sandbox >/dev/null 2>>"$log" &
connect_pid=$!
pids+=("$connect_pid")
wait_png sandbox-sign-in
keep sandbox-sign-in
kill "$connect_pid" 2>/dev/null || true
wait "$connect_pid" 2>/dev/null || true
unset 'pids[-1]'

BROWSER=$(chromium_shot signed-in 200) as root integrations test "$acme_integration" >/dev/null ||
	fail "the test authorization failed"
wait_png signed-in
keep signed-in
