#!/usr/bin/env bash
# with-secret-service.sh CMD [ARGS...]
#
# Runs CMD inside a private D-Bus session bus with a throwaway, unlocked gnome-keyring
# Secret Service, so tests exercise the real keychain without touching the keychain of the
# person running them. Every piece of daemon state (keyrings, sockets, HOME, XDG folders) lives
# in a fresh temporary folder that is removed on exit. CMD itself keeps its HOME and XDG
# variables (go needs its caches); only DBUS_SESSION_BUS_ADDRESS is changed for it.
#
# Works as root without systemd or X (CI) and as a normal user. Exits with CMD's status,
# or 2 when a required package is missing or the Secret Service does not come up.
set -euo pipefail

if [ "$#" -eq 0 ]; then
	echo "usage: $0 CMD [ARGS...]" >&2
	exit 2
fi

missing=()
command -v dbus-daemon >/dev/null 2>&1 || missing+=(dbus-daemon)
command -v dbus-send >/dev/null 2>&1 || missing+=(dbus-bin)
command -v gnome-keyring-daemon >/dev/null 2>&1 || missing+=(gnome-keyring)
command -v secret-tool >/dev/null 2>&1 || missing+=(libsecret-tools)
if [ "${#missing[@]}" -gt 0 ]; then
	echo "with-secret-service: missing commands; install them with:" >&2
	echo "  apt-get install ${missing[*]}    (as root, or with sudo)" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/medialake-secret-service.XXXXXXXX")
bus_pid=""
keyring_pid=""

cleanup() {
	# Stop the keyring before the bus so it does not log a lost-connection error.
	if [ -n "$keyring_pid" ]; then
		kill "$keyring_pid" 2>/dev/null || true
		wait "$keyring_pid" 2>/dev/null || true
	fi
	if [ -n "$bus_pid" ]; then
		kill "$bus_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/run"
chmod 700 "$tmp" "$tmp/run"

# The daemons, and anything the bus activates, see only the temporary folder and no display:
# no existing keyring is opened and no prompt window appears on the desktop.
daemon_env=(
	env -u DISPLAY -u WAYLAND_DISPLAY -u GNOME_KEYRING_CONTROL -u DBUS_SESSION_BUS_ADDRESS
	HOME="$tmp/home"
	XDG_DATA_HOME="$tmp/data"
	XDG_CONFIG_HOME="$tmp/config"
	XDG_CACHE_HOME="$tmp/cache"
	XDG_RUNTIME_DIR="$tmp/run"
)

# --fork returns once the bus listens; it prints the address, then the daemon's pid.
bus_out=$("${daemon_env[@]}" dbus-daemon --session --address="unix:path=$tmp/bus" \
	--fork --nopidfile --print-address=1 --print-pid=1)
address=$(sed -n 1p <<<"$bus_out")
bus_pid=$(sed -n 2p <<<"$bus_out")
if [ -z "$address" ] || [ -z "$bus_pid" ]; then
	echo "with-secret-service: dbus-daemon did not report its address and pid: $bus_out" >&2
	exit 2
fi
export DBUS_SESSION_BUS_ADDRESS="$address"
daemon_env+=(DBUS_SESSION_BUS_ADDRESS="$address")

# --unlock reads the password on stdin and creates the "login" keyring with it (the folder is
# empty), unlocked and set as the default collection: the one go-keyring writes to.
password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s' "$password" |
	"${daemon_env[@]}" gnome-keyring-daemon --foreground --unlock --components=secrets \
		>"$tmp/keyring.log" 2>&1 &
keyring_pid=$!

fail() {
	echo "with-secret-service: $*" >&2
	if [ -s "$tmp/keyring.log" ]; then
		echo "--- gnome-keyring-daemon output:" >&2
		cat "$tmp/keyring.log" >&2
	fi
	exit 2
}

call() { # call DEST PATH METHOD ARGS... — a bounded D-Bus method call.
	local dest=$1 path=$2
	shift 2
	timeout 5 dbus-send --session --print-reply --dest="$dest" "$path" "$@"
}

# Ask the bus (not the service) whether the name is taken: a call to org.freedesktop.secrets
# itself would make the bus activate a second gnome-keyring from its .service file.
deadline=$((SECONDS + 10))
until call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
	string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
	kill -0 "$keyring_pid" 2>/dev/null || fail "gnome-keyring-daemon exited before it took org.freedesktop.secrets"
	[ "$SECONDS" -lt "$deadline" ] || fail "the Secret Service did not appear on the bus within 10 s"
	sleep 0.1
done

login=/org/freedesktop/secrets/collection/login
call org.freedesktop.secrets /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias \
	string:default | grep -q "\"$login\"" ||
	fail "the default collection is not $login"
call org.freedesktop.secrets "$login" org.freedesktop.DBus.Properties.Get \
	string:org.freedesktop.Secret.Collection string:Locked | grep -q 'boolean false' ||
	fail "the login collection is locked"

# End to end: store, read back and remove a probe item the way a client does.
printf probe | timeout 5 secret-tool store --label=medialake-probe medialake-probe 1 ||
	fail "secret-tool could not store a probe item"
[ "$(timeout 5 secret-tool lookup medialake-probe 1)" = probe ] ||
	fail "secret-tool could not read the probe item back"
timeout 5 secret-tool clear medialake-probe 1 || fail "secret-tool could not delete the probe item"

export GNOME_KEYRING_CONTROL="$tmp/run/keyring"
# Tells the keychain tests that this bus is a throwaway one and not a desktop session's.
export MEDIALAKE_TEST_SECRET_SERVICE="$address"
set +e
"$@"
status=$?
set -e
exit "$status"
