#!/usr/bin/env bash
# with-xvfb.sh CMD [ARGS...]
#
# Runs CMD with DISPLAY set to a private X server (Xvfb, 1280×800, 24 bits) that is stopped when
# CMD ends. The server picks a free display number itself (-displayfd), so that no other X
# server, a person's or another run's, is disturbed; it listens on no TCP port. Exits with
# CMD's status, or 2 when Xvfb is missing or does not come up within 10 s.
set -euo pipefail

if [ "$#" -eq 0 ]; then
	echo "usage: $0 CMD [ARGS...]" >&2
	exit 2
fi
if ! command -v Xvfb >/dev/null 2>&1; then
	echo "with-xvfb: Xvfb is missing; install it with:" >&2
	echo "  apt-get install xvfb    (as root, or with sudo; or scripts/deps.sh shots)" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/medialake-xvfb.XXXXXXXX")
xvfb_pid=""
cleanup() {
	if [ -n "$xvfb_pid" ]; then
		kill "$xvfb_pid" 2>/dev/null || true
		wait "$xvfb_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/log" &
xvfb_pid=$!
deadline=$((SECONDS + 10))
until [ -s "$tmp/display" ]; do
	if [ "$SECONDS" -ge "$deadline" ] || ! kill -0 "$xvfb_pid" 2>/dev/null; then
		echo "with-xvfb: the X server did not come up within 10 s" >&2
		tail -n 20 "$tmp/log" >&2
		exit 2
	fi
	sleep 0.1
done
export DISPLAY=:$(head -n 1 "$tmp/display")

set +e
"$@"
status=$?
set -e
exit "$status"
