#!/usr/bin/env bash
# Makes the Linux archive dist/medialake-connect-VERSION-linux-ARCH.tar.xz with the Fyne
# packaging tool, then adds what the tool does not make: the AppStream metainfo, the icon in the
# hicolor theme, and install.sh (which installs the metainfo too) in place of the tool's Makefile.
#   scripts/package.sh BINARY      BINARY is the built app (make package builds bin/medialake-connect)
# The tool's version is pinned; a newer one may lay the archive out differently.
set -euo pipefail

bin=${1:?usage: $0 BINARY}
fyne_tool=fyne.io/tools/cmd/fyne@v1.7.4
name=$(sed -nE 's/^\s*Name\s*=\s*"([^"]+)".*/\1/p' FyneApp.toml)
id=$(sed -nE 's/^\s*ID\s*=\s*"([^"]+)".*/\1/p' FyneApp.toml)
version=$(sed -nE 's/^\s*Version\s*=\s*"([^"]+)".*/\1/p' FyneApp.toml)
arch=$(go env GOARCH)
out=dist/medialake-connect-$version-linux-$arch.tar.xz

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# --exe: package the binary make built (with the commit stamped) rather than build another.
# The tool adds one to Details.Build and rewrites FyneApp.toml after every package, which would
# change the source (and the version of the next build): the file is put back as it was.
cp FyneApp.toml "$work/FyneApp.toml"
trap 'cp "$work/FyneApp.toml" FyneApp.toml; rm -rf "$work"' EXIT
cp "$bin" "$work/medialake-connect"
go run "$fyne_tool" package -os linux --release --exe "$work/medialake-connect"
cp "$work/FyneApp.toml" FyneApp.toml
mv "$name.tar.xz" "$work/fyne.tar.xz" # the tool names it after Details.Name

mkdir "$work/root"
tar -xJf "$work/fyne.tar.xz" -C "$work/root"
top=$(find "$work/root" -mindepth 1 -maxdepth 1 -type d)
# usr/local/share, or usr/share on a machine without /usr/local (the tool's choice).
desktop=$(find "$top" -path "*/share/applications/$id.desktop")
[ -n "$desktop" ] || { echo "the Fyne tool's archive has no share/applications/$id.desktop" >&2; exit 1; }
share=$(dirname "$(dirname "$desktop")")
install -Dm644 packaging/"$id".metainfo.xml "$share/metainfo/$id.metainfo.xml"
install -Dm644 "$share/pixmaps/$id.png" "$share/icons/hicolor/512x512/apps/$id.png"
rm -f "$top/Makefile"
install -m755 scripts/install.sh "$top/install.sh"

mkdir -p dist
rm -f "$out"
tar -cJf "$out" --owner=0 --group=0 -C "$work/root" "$(basename "$top")"
echo "$out"
