#!/usr/bin/env bash
# fake-browser.sh ADDRESS — stands in for the system browser in the scripts (BROWSER=...): it
# follows the app's start address and the provider's redirects, as a browser that signs in at
# once would. For authorization servers that sign in without a form (the tests' fosite server).
set -euo pipefail
exec curl -fsS -o /dev/null -L "$1"
