#!/usr/bin/env bash
# bench-token.sh — how much 'medialake-connect token SOURCE' costs next to reading the same
# keychain item with secret-tool, measured side by side in one run; fails when the ratio
# exceeds the limit (3 by default).
#
# It builds the app and internal/authtest/cmd/authtest-server (the tests' ory/fosite
# authorization server, served on 127.0.0.1), then, inside a private Secret Service
# (scripts/with-secret-service.sh), in a throwaway workspace: creates an administrator,
# connects one source through the server (curl stands in for the browser), allows scripts on
# it, and times N rounds, each one 'secret-tool lookup' of the source's keychain item and one
# 'medialake-connect --home DIR token SOURCE' (no sign-in, a valid access token), in turns so
# that both see the same machine. Each is checked to print the same token; the totals and the
# ratio are printed. Run by `make bench`.
#
#   scripts/bench-token.sh [-n ROUNDS] [-max RATIO]
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
rounds=30
max=3
while [ "$#" -gt 0 ]; do
	case "$1" in
	-n) rounds=$2; shift 2 ;;
	-max) max=$2; shift 2 ;;
	*) echo "usage: $0 [-n ROUNDS] [-max RATIO]" >&2; exit 2 ;;
	esac
done

if [ "${MEDIALAKE_BENCH_TMP:-}" = "" ]; then
	cd "$repo"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/medialake-bench.XXXXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	go build -o "$tmp/medialake-connect" .
	go build -o "$tmp/authtest-server" ./internal/authtest/cmd/authtest-server
	MEDIALAKE_BENCH_TMP=$tmp scripts/with-secret-service.sh "$repo/scripts/bench-token.sh" -n "$rounds" -max "$max"
	exit
fi

# From here on: inside the private Secret Service; the binaries are in $MEDIALAKE_BENCH_TMP.
tmp=$MEDIALAKE_BENCH_TMP
bin=$tmp/medialake-connect
ws=$tmp/workspace
log=$tmp/log
server_pid=""
stop() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
}
fail() {
	echo "bench-token: $*" >&2
	[ -s "$log" ] && { echo "--- log:" >&2; tail -n 20 "$log" >&2; }
	exit 1
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The one profile's passphrase comes on standard input, the client secret from a file of
# this run's own (mode 600, removed with the folder): neither is ever an argument.
pass='bench passphrase 1'
umask 077
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/client-secret"
echo >>"$tmp/client-secret"
as() { printf '%s\n' "$pass" | "$bin" --home "$ws" --user root --passphrase-file - "$@" 2>>"$log"; }
json_field() { grep -o "\"$1\": *\"\\{0,1\\}[^\",]*" | head -n 1 | sed -E 's/.*: *"?//'; }

"$tmp/authtest-server" -accounts "bench@example.com:Bench" <"$tmp/client-secret" >"$tmp/issuer" 2>>"$log" &
server_pid=$!
for _ in $(seq 100); do [ -s "$tmp/issuer" ] && break; sleep 0.1; done
[ -s "$tmp/issuer" ] || fail "the authorization server did not start"

printf '%s\n' "$pass" | "$bin" --home "$ws" init root --passphrase-file - >/dev/null 2>>"$log" || fail "init failed"
integration=$(as integrations add Bench --kind oidc --json | json_field id)
[ -n "$integration" ] || fail "integrations add printed no id"
as integrations set "$integration" --issuer "$(head -n 1 "$tmp/issuer")" \
	--client-id medialake-connect --client-secret-file "$tmp/client-secret" >/dev/null || fail "integrations set failed"
as integrations enable "$integration" >/dev/null || fail "integrations enable failed"
source=$(BROWSER="curl -fsS -o /dev/null -L" as sources connect "$integration" --json | json_field id)
[ -n "$source" ] || fail "sources connect printed no id"
as sources allow-scripts "$source" >/dev/null || fail "sources allow-scripts failed"

# The keychain item of the source's token, as go-keyring stores it: service and username.
item=$(secret-tool search --all service medialake-connect 2>&1 |
	sed -n "s|^attribute.username = \(.*/source/$source/token\)$|\1|p" | head -n 1)
[ -n "$item" ] || fail "no keychain item for source $source"

# Both must print the same access token (the keychain item holds it in a JSON token).
want=$("$bin" --home "$ws" token "$source" 2>>"$log") || fail "token $source failed without sign-in"
secret-tool lookup service medialake-connect username "$item" | grep -qF "\"access_token\":\"$want\"" ||
	fail "secret-tool and the token command disagree"

now() { date +%s%N; }
lookup_ns=0
token_ns=0
start_ns=0 # the binary's start alone (--version), to tell the start from the work
for _ in $(seq "$rounds"); do
	t0=$(now)
	secret-tool lookup service medialake-connect username "$item" >/dev/null
	t1=$(now)
	"$bin" --home "$ws" token "$source" >/dev/null 2>>"$log"
	t2=$(now)
	"$bin" --version >/dev/null
	t3=$(now)
	lookup_ns=$((lookup_ns + t1 - t0))
	token_ns=$((token_ns + t2 - t1))
	start_ns=$((start_ns + t3 - t2))
done

ms() { awk -v ns="$1" -v n="$rounds" 'BEGIN { printf "%.1f", ns / n / 1e6 }'; }
ratio=$(awk -v a="$token_ns" -v b="$lookup_ns" 'BEGIN { printf "%.2f", a / b }')
echo "secret-tool lookup:            $(ms "$lookup_ns") ms per call ($rounds calls)"
echo "medialake-connect token $source: $(ms "$token_ns") ms per call ($rounds calls)"
echo "medialake-connect --version:  $(ms "$start_ns") ms per call (the start alone)"
echo "ratio: ${ratio}x (limit ${max}x)"
awk -v r="$ratio" -v m="$max" 'BEGIN { exit !(r <= m) }' || fail "token costs ${ratio}x a secret-tool lookup, more than ${max}x"
