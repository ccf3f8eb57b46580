#!/usr/bin/env bash
# Checks a package made by scripts/package.sh as CI does:
#   scripts/package-check.sh dist/medialake-connect-VERSION-linux-ARCH.tar.xz
# (and install.sh installs it into a throwaway PREFIX and removes it again)
# the archive holds the files install.sh installs, desktop-file-validate and appstreamcli accept
# the .desktop entry and the metainfo, and the packaged binary prints FyneApp.toml's version.
set -euo pipefail

pkg=${1:?usage: $0 ARCHIVE}
id=$(sed -nE 's/^\s*ID\s*=\s*"([^"]+)".*/\1/p' FyneApp.toml)
version=$(sed -nE 's/^\s*Version\s*=\s*"([^"]+)".*/\1/p' FyneApp.toml)
fail=0
bad() { echo "package-check: $*" >&2; fail=1; }

list=$(tar -tJf "$pkg")
for f in install.sh bin/medialake-connect share/applications/$id.desktop \
	share/icons/hicolor/512x512/apps/$id.png share/metainfo/$id.metainfo.xml; do
	grep -qE "^(\./)?medialake-connect/(usr/(local/)?)?$f\$" <<<"$list" || bad "the archive has no $f"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xJf "$pkg" -C "$work"
share=$(dirname "$(dirname "$(find "$work" -path "*/share/applications/$id.desktop")")")
desktop-file-validate "$share/applications/$id.desktop" || bad "desktop-file-validate refused the .desktop entry (above)"
appstreamcli validate --no-net "$share/metainfo/$id.metainfo.xml" || bad "appstreamcli refused the metainfo (above)"
grep -q "<release version=\"$version\"" "$share/metainfo/$id.metainfo.xml" ||
	bad "the metainfo has no release $version (FyneApp.toml's Version): add it to packaging/$id.metainfo.xml"

exe=$(find "$work" -path '*/bin/medialake-connect')
got=$("$exe" --version | head -n1)
case "$got" in
"medialake-connect $version (build "*) echo "packaged binary: $got" ;;
*) bad "the packaged binary's --version says \"$got\", want medialake-connect $version" ;;
esac
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

[ "$fail" -eq 0 ] && echo "package-check: $pkg is fine"
exit "$fail"
