#!/usr/bin/env bash
# with-wine.sh CMD [ARGS...]
#
# Runs CMD with a fresh, throwaway 64-bit Wine prefix in which the Windows build (GOOS=windows)
# can run: Go's test binaries, the .exe, its keychain (Wine's Credential Manager lives in the
# prefix, so the tests write to no one's real keychain). Everything is made in a temporary folder
# that is removed on exit, together with the prefix's wineserver.
#
# CMD finds on its PATH `go_windows_amd64_exec`, which runs a Windows program in that prefix:
#   scripts/with-wine.sh env GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc \
#     go test -exec go_windows_amd64_exec ./core/vault
# (`go test` and `go run` also pick that name up by themselves when GOOS=windows.) The same path
# is in $MEDIALAKE_TEST_WINE, which tells the tests that the Windows keychain they see is this
# throwaway one.
#
# Wine 8 (Debian 12) lacks bcryptprimitives.dll, whose ProcessPrng the Go runtime (1.22 and
# later) loads at start-up: tried with Go 1.26, every Go program stops with "fatal error:
# bcryptprimitives.dll not found" before main. The prefix gets a stand-in built here from
# scripts/wine/bcryptprimitives.c.
#
# No display is needed: mono and gecko are switched off (no download prompt) and the prefix is
# made without DISPLAY (no "updating the configuration" window). CMD keeps the caller's DISPLAY,
# for a window under Xvfb. Exits with CMD's status, or 2 when a package is missing or the
# prefix cannot be made.
set -euo pipefail

if [ "$#" -eq 0 ]; then
	echo "usage: $0 CMD [ARGS...]" >&2
	exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
loader=$(command -v wine64 || true)
[ -n "$loader" ] || [ ! -x /usr/lib/wine/wine64 ] || loader=/usr/lib/wine/wine64 # Debian's place
server=$(command -v wineserver || true)
[ -n "$server" ] || server=$(dirname "${loader:-/usr/lib/wine/wine64}")/wineserver

missing=()
[ -n "$loader" ] || missing+=(wine64)
[ -x "$server" ] || missing+=(wine64)
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || missing+=(gcc-mingw-w64-x86-64)
if [ "${#missing[@]}" -gt 0 ]; then
	echo "with-wine: missing commands; install them with:" >&2
	echo "  apt-get install $(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')   (as root, or with sudo; or scripts/deps.sh test)" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/medialake-wine.XXXXXXXX")
export WINEPREFIX="$tmp/prefix"
export WINEARCH=win64
export WINEDEBUG=-all
# mscoree and mshtml off: no prompt to download Mono and Gecko, which nothing here needs.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
export WINESERVER="$server"

cleanup() {
	# -k ends every process of the prefix; -w waits until the server is gone, so that the
	# folder is not removed under it.
	"$server" -k 2>/dev/null || true
	"$server" -w 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
	echo "with-wine: $*" >&2
	[ -s "$tmp/wine.log" ] && { echo "--- output:" >&2; tail -n 40 "$tmp/wine.log" >&2; }
	exit 2
}

mkdir -p "$tmp/bin" "$tmp/home"
# Wine links the prefix's Documents, Desktop and the like to folders of $HOME: a HOME of its own
# keeps the tests' files out of the caller's.
cat >"$tmp/bin/go_windows_amd64_exec" <<EOF
#!/bin/sh
HOME='$tmp/home' exec '$loader' "\$@"
EOF
chmod +x "$tmp/bin/go_windows_amd64_exec"
run=("$tmp/bin/go_windows_amd64_exec")

# A persistent server (until -k above) instead of one started and stopped for every program.
mkdir -m 700 "$WINEPREFIX"
"$server" -p 2>"$tmp/wine.log" || fail "wineserver did not start"
env -u DISPLAY -u WAYLAND_DISPLAY timeout 300 "${run[@]}" wineboot -i >>"$tmp/wine.log" 2>&1 ||
	fail "wineboot could not make the prefix $WINEPREFIX"
system32="$WINEPREFIX/drive_c/windows/system32"
[ -d "$system32" ] || fail "the prefix has no $system32"
x86_64-w64-mingw32-gcc -shared -O2 -s -Wl,--no-insert-timestamp -o "$system32/bcryptprimitives.dll" \
	"$here/wine/bcryptprimitives.c" -ladvapi32 2>>"$tmp/wine.log" ||
	fail "could not build bcryptprimitives.dll with x86_64-w64-mingw32-gcc"

export PATH="$tmp/bin:$PATH"
export MEDIALAKE_TEST_WINE="$tmp/bin/go_windows_amd64_exec"
set +e
"$@"
status=$?
set -e
exit "$status"
