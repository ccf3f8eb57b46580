#!/usr/bin/env bash
# Installs Medialake Connect from an unpacked package (this script sits at its top, beside usr/).
#   ./install.sh              into ~/.local, for you alone
#   PREFIX=/usr/local ./install.sh   for everyone (as root)
#   ./install.sh --uninstall  removes what the same PREFIX got
# Installing again over an older version upgrades it; the workspace (your data) is elsewhere and
# is never touched, by install or uninstall.
set -euo pipefail

prefix=${PREFIX:-$HOME/.local}
id=io.medialake.connect
exe=medialake-connect
here=$(cd "$(dirname "$0")" && pwd)
src=$here/usr/local
[ -d "$src" ] || src=$here/usr # the Fyne tool packs usr/ when the build machine has no /usr/local

files=(
	"bin/$exe"
	"share/applications/$id.desktop"
	"share/icons/hicolor/512x512/apps/$id.png"
	"share/metainfo/$id.metainfo.xml"
)

refresh() {
	# The menu and the icon appear without logging out where these tools are installed.
	if command -v update-desktop-database >/dev/null 2>&1; then
		update-desktop-database -q "$prefix/share/applications" || true
	fi
	if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$prefix/share/icons/hicolor/index.theme" ]; then
		gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" || true
	fi
}

if [ "${1:-}" = --uninstall ]; then
	for f in "${files[@]}"; do rm -f "$prefix/$f"; done
	refresh
	echo "Removed Medialake Connect from $prefix (your workspace is untouched)."
	exit 0
fi
[ $# -eq 0 ] || { echo "usage: [PREFIX=DIR] $0 [--uninstall]" >&2; exit 2; }

for f in "${files[@]}"; do
	mode=644
	[ "$f" = "bin/$exe" ] && mode=755
	install -Dm"$mode" "$src/$f" "$prefix/$f"
done
# Exec= names the binary by its full path: ~/.local/bin is not on every desktop session's PATH.
sed -i "s|^Exec=$exe|Exec=$prefix/bin/$exe|" "$prefix/share/applications/$id.desktop"
refresh
echo "Installed Medialake Connect into $prefix; it is in the desktop menu as Medialake Connect."
