#!/usr/bin/env bash
# Checks a package made by scripts/package.sh as CI does:
#   scripts/package-check.sh dist/medialake-connect-VERSION-linux-ARCH.tar.xz
#     the archive holds the files install.sh installs, desktop-file-validate and appstreamcli
#     accept the .desktop entry and the metainfo, the packaged binary prints FyneApp.toml's
#     version, and install.sh installs it into a throwaway PREFIX and removes it again
#   scripts/package-check.sh dist/medialake-connect-VERSION-windows-amd64.zip
#     the zip holds the .exe, its console twin .com, README.md and LICENSE; the .exe carries
#     FyneApp.toml's version and the app's icon as resources; under Wine the .com prints that
#     version and the .exe opens its window
set -euo pipefail

pkg=${1:?usage: $0 ARCHIVE}
id=$(sed -nE 's/^\s*ID\s*=\s*"([^"]+)".*/\1/p' FyneApp.toml)
version=$(sed -nE 's/^\s*Version\s*=\s*"([^"]+)".*/\1/p' FyneApp.toml)
build=$(sed -nE 's/^\s*Build\s*=\s*([0-9]+).*/\1/p' FyneApp.toml)
icon=$(sed -nE 's/^\s*Icon\s*=\s*"([^"]+)".*/\1/p' FyneApp.toml)
fail=0
bad() { echo "package-check: $*" >&2; fail=1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# version_line WHAT LINE: LINE is the first line --version printed.
version_line() {
	case "$2" in
	"medialake-connect $version (build "*) echo "$1: $2" ;;
	*) bad "$1's --version says \"$2\", want medialake-connect $version" ;;
	esac
}

linux() {
	list=$(tar -tJf "$pkg")
	for f in install.sh bin/medialake-connect share/applications/$id.desktop \
		share/icons/hicolor/512x512/apps/$id.png share/metainfo/$id.metainfo.xml; do
		grep -qE "^(\./)?medialake-connect/(usr/(local/)?)?$f\$" <<<"$list" || bad "the archive has no $f"
	done

	tar -xJf "$pkg" -C "$work"
	share=$(dirname "$(dirname "$(find "$work" -path "*/share/applications/$id.desktop")")")
	desktop-file-validate "$share/applications/$id.desktop" || bad "desktop-file-validate refused the .desktop entry (above)"
	appstreamcli validate --no-net "$share/metainfo/$id.metainfo.xml" || bad "appstreamcli refused the metainfo (above)"
	grep -q "<release version=\"$version\"" "$share/metainfo/$id.metainfo.xml" ||
		bad "the metainfo has no release $version (FyneApp.toml's Version): add it to packaging/$id.metainfo.xml"

	exe=$(find "$work" -path '*/bin/medialake-connect')
	version_line "the packaged binary" "$("$exe" --version | head -n1)"
	# install.sh into a throwaway PREFIX, then --uninstall: every file lands and goes again.
	prefix=$work/prefix
	PREFIX=$prefix "$(find "$work" -name install.sh)" >/dev/null || bad "install.sh failed"
	for f in bin/medialake-connect share/applications/$id.desktop \
		share/icons/hicolor/512x512/apps/$id.png share/metainfo/$id.metainfo.xml; do
		[ -f "$prefix/$f" ] || bad "install.sh did not install $f"
	done
	grep -qx "Exec=$prefix/bin/medialake-connect" "$prefix/share/applications/$id.desktop" ||
		bad "the installed .desktop entry does not run $prefix/bin/medialake-connect"
	PREFIX=$prefix "$(find "$work" -name install.sh)" --uninstall >/dev/null || bad "install.sh --uninstall failed"
	left=$(find "$prefix" -type f ! -name mimeinfo.cache)
	[ -z "$left" ] || bad "uninstall left: $left"
}

windows() {
	local list exe
	list=$(unzip -Z1 "$pkg")
	for f in medialake-connect.exe medialake-connect.com README.md LICENSE; do
		grep -qx "medialake-connect/$f" <<<"$list" || bad "the zip has no medialake-connect/$f"
	done
	unzip -q "$pkg" -d "$work"
	exe=$work/medialake-connect/medialake-connect.exe
	com=$work/medialake-connect/medialake-connect.com
	exe_resources "$exe"
	subsystem "$exe" "Windows GUI"
	subsystem "$com" "Windows CUI"
	# The .com is the .exe but for the one byte that says which (scripts/package.sh).
	[ "$(cmp -l "$exe" "$com" | wc -l)" -eq 1 ] || bad "the .com differs from the .exe in more than its subsystem"
	# Under Wine, each in a throwaway prefix (scripts/with-wine.sh): the command line through the
	# .com, as a command typed without extension finds it; the window through the .exe.
	version_line "the packaged .com under Wine" \
		"$(scripts/with-wine.sh sh -c 'go_windows_amd64_exec "$0" --version' "$com" | head -n1 | tr -d '\r')"
	scripts/wine-window.sh "$exe" || bad "the packaged .exe's window did not come up under Wine (above)"
}

# subsystem FILE WANT: the PE header of FILE says it is a WANT program (Windows GUI or CUI).
subsystem() {
	local got
	got=$(x86_64-w64-mingw32-objdump -x "$1" | sed -nE 's/^Subsystem\s+[0-9a-f]+\s+\((.*)\)$/\1/p') || true
	[ "$got" = "$2" ] || bad "$(basename "$1")'s subsystem is \"${got:-unknown}\", want $2"
}

# exe_resources EXE: the version resource says FyneApp.toml's version and build, and every icon
# in it is the app's.
exe_resources() {
	local product ico size diff found=0
	# Strings in a version resource are UTF-16: without the zero bytes they read as ASCII.
	product=$(wrestool -x --raw --type=version "$1" | tr -d '\0' | grep -ao 'ProductVersion[0-9.]*' | head -n1) || true
	[ "$product" = "ProductVersion$version.$build" ] ||
		bad "the .exe's version resource says \"${product:-nothing}\", want ProductVersion$version.$build"
	mkdir "$work/icons"
	wrestool -x --type=group_icon -o "$work/icons" "$1" || true
	# Each icon (as one picture, the tool's way) against FyneApp.toml's Icon at its size: the
	# same picture, give or take scaling, and not Fyne's default icon.
	for ico in "$work"/icons/*.ico; do
		[ -e "$ico" ] || break
		found=1
		convert "$ico[0]" "$work/icon.png"
		size=$(identify -format %wx%h "$work/icon.png")
		convert "$icon" -resize "$size!" "$work/want.png"
		# compare prints the difference on stderr, and exits 1 when there is any.
		diff=$(compare -metric RMSE "$work/icon.png" "$work/want.png" null: 2>&1 || true)
		diff=$(sed -E 's/.*\((.*)\).*/\1/' <<<"$diff")
		awk -v d="$diff" 'BEGIN { exit !(d < 0.05) }' ||
			bad "the .exe's icon $(basename "$ico") ($size) is not $icon (difference $diff of 1)"
	done
	[ "$found" -eq 1 ] || bad "the .exe has no icon"
}

case "$pkg" in
*.tar.xz) linux ;;
*.zip) windows ;;
*) echo "package-check: $pkg is neither a .tar.xz nor a .zip" >&2; exit 2 ;;
esac
[ "$fail" -eq 0 ] && echo "package-check: $pkg is fine"
exit "$fail"
