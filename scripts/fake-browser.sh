#!/usr/bin/env bash
# fake-browser.sh LINK — stands in for the system browser in the scripts (BROWSER=...): it opens
# the app's sign-in link as a browser would, following the page the app writes (a file:// page
# that sends the browser on to the provider) and then the provider's redirects, signing in at
# once. For authorization servers that sign in without a form (the tests' fosite server).
set -euo pipefail
link=$1
case "$link" in
file://*)
	page=${link#file://}
	page=$(printf '%b' "${page//%/\\x}") # percent-decoding of the path
	link=$(sed -n 's/.*<a href="\([^"]*\)".*/\1/p' "$page" | head -n 1 | sed 's/&amp;/\&/g; s/&#39;/'"'"'/g; s/&#34;/"/g')
	;;
esac
exec curl -fsS -o /dev/null -L "$link"
