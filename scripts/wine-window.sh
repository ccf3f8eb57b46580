#!/usr/bin/env bash
# wine-window.sh EXE [PNG]
#
# Starts the Windows build EXE under Wine (scripts/with-wine.sh: a throwaway prefix, so the app
# finds no workspace, as on a new Windows account) on a private X server (scripts/with-xvfb.sh),
# and checks that its window comes up: a window titled "Medialake Connect" that Wine shows,
# with something drawn in it (a window Wine made but the app never drew is one colour). With
# PNG, the window's picture is written there (make screenshots-windows). Then it closes the
# window as a person does (Alt+F4) and checks that the app ends. Exits 1 when a check fails, with
# the app's output; 2 when Wine or the X server cannot be had.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
if [ "${MEDIALAKE_WINE_WINDOW:-}" = "" ]; then
	[ "$#" -ge 1 ] && [ "$#" -le 2 ] || { echo "usage: $0 EXE [PNG]" >&2; exit 2; }
	exe=$(realpath "$1")
	png=${2:+$(realpath -m "$2")}
	MEDIALAKE_WINE_WINDOW=1 exec "$here/with-xvfb.sh" "$here/with-wine.sh" "$0" "$exe" $png
fi

# From here on: inside the X server and the Wine prefix.
exe=$1
png=${2:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/medialake-wine-window.XXXXXXXX")
pid=""
stop() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap stop EXIT
fail() {
	echo "wine-window: $*" >&2
	[ -s "$tmp/log" ] && { echo "--- the app's output:" >&2; tail -n 40 "$tmp/log" >&2; }
	exit 1
}

# One theme and one scale, as the Linux pictures (scripts/screenshots.sh).
LANG=en_US.UTF-8 FYNE_THEME=light FYNE_SCALE=1 go_windows_amd64_exec "$exe" >"$tmp/log" 2>&1 &
pid=$!
# Wine's first start of a program in a new prefix is slow; under load, slower still.
deadline=$((SECONDS + 180))
win=""
until [ -n "$win" ]; do
	kill -0 "$pid" 2>/dev/null || fail "the app ended before its window came up"
	[ "$SECONDS" -lt "$deadline" ] || fail "no window titled \"Medialake Connect\" within 180 s"
	sleep 0.5
	win=$(xdotool search --onlyvisible --name '^Medialake Connect$' 2>/dev/null | head -n 1) || true
done
sleep 3 # the first frames
import -window "$win" -strip -define png:compression-level=9 "$tmp/window.png" ||
	fail "could not read the window's picture"
colours=$(convert "$tmp/window.png" -format %k info:)
size=$(convert "$tmp/window.png" -format %wx%h info:)
[ "$colours" -ge 16 ] || fail "the window ($size) shows $colours colours: nothing was drawn in it"
echo "wine-window: the window \"Medialake Connect\" is up ($size, $colours colours)"
if [ -n "$png" ]; then
	cp "$tmp/window.png" "$png"
	echo "wine-window: wrote $png"
fi

# No window manager runs on this X server: the keys go where the input focus is put.
# Without a window manager a key can be lost while Wine moves the focus (seen once in many runs):
# a second Alt+F4 after 10 s; an app that ignores both, or hangs on the way out, still fails.
xdotool windowfocus --sync "$win" key --clearmodifiers alt+F4
if ! timeout 10 tail --pid="$pid" -f /dev/null; then
	echo "wine-window: still running 10 s after Alt+F4; pressing it again"
	xdotool windowfocus --sync "$win" key --clearmodifiers alt+F4 2>/dev/null || true
	timeout 30 tail --pid="$pid" -f /dev/null || fail "the app did not end within 40 s of two Alt+F4"
fi
wait "$pid" || fail "the app ended with status $? after Alt+F4"
pid=""
