#!/usr/bin/env bash
# Makes the desktop packages with Fyne's packaging tool, then adds what the tool does not make.
#   scripts/package.sh linux BINARY   dist/medialake-connect-VERSION-linux-ARCH.tar.xz from BINARY
#       (make package builds bin/medialake-connect), plus the AppStream metainfo, the icon in the
#       hicolor theme, and install.sh (which installs the metainfo too) in place of the tool's Makefile
#   scripts/package.sh windows        dist/medialake-connect-VERSION-windows-amd64.zip: the .exe the
#       tool builds with mingw-w64 (icon and version resource inside), its console twin .com for
#       the command line, README.md and LICENSE
# The tool's version is pinned; a newer one may lay the packages out differently.
set -euo pipefail

os=${1:-}
case "$os" in
linux) bin=${2:?usage: $0 linux BINARY} ;;
windows) ;;
*) echo "usage: $0 linux BINARY | $0 windows" >&2; exit 2 ;;
esac
name=$(sed -nE 's/^\s*Name\s*=\s*"([^"]+)".*/\1/p' FyneApp.toml)
id=$(sed -nE 's/^\s*ID\s*=\s*"([^"]+)".*/\1/p' FyneApp.toml)
version=$(sed -nE 's/^\s*Version\s*=\s*"([^"]+)".*/\1/p' FyneApp.toml)

# The tool adds one to Details.Build and rewrites FyneApp.toml after every package, which would
# change the source (and the version of the next build): the file is put back as it was.
work=$(mktemp -d)
cp FyneApp.toml "$work/FyneApp.toml"
trap 'cp "$work/FyneApp.toml" FyneApp.toml; rm -rf "$work"' EXIT
# Built for this machine first: the Windows package runs it with the cross compiler as CC.
GOBIN=$work go install fyne.io/tools/cmd/fyne@v1.7.4
fyne=$work/fyne

linux() {
	local out=dist/medialake-connect-$version-linux-$(go env GOARCH).tar.xz
	# --exe: package the binary make built (with the commit stamped) rather than build another.
	cp "$bin" "$work/medialake-connect"
	"$fyne" package -os linux --release --exe "$work/medialake-connect"
	mv "$name.tar.xz" "$work/fyne.tar.xz" # the tool names it after Details.Name

	mkdir "$work/root"
	tar -xJf "$work/fyne.tar.xz" -C "$work/root"
	local top desktop share
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
}

windows() {
	local out=dist/medialake-connect-$version-windows-amd64.zip
	# On Windows the tool always builds the .exe itself, after writing the icon and the version
	# into a resource file (fyne.syso) in this folder; given no --exe it would build it once more
	# beforehand, without them. An existing --exe skips that first build and is overwritten.
	# The .exe and the tool's leftovers land in this folder: they go, whatever happens, because a
	# fyne.syso left behind would be linked into every later build here.
	exe=medialake-connect.exe # global: the trap below reads it after this function returns
	trap 'rm -f fyne.syso fyne_metadata_init.go "$exe" "$exe.manifest" FyneApp.ico "$name.exe"; cp "$work/FyneApp.toml" FyneApp.toml; rm -rf "$work"' EXIT
	: >"$exe"
	# -buildvcs=auto: the commit in --version, as make build records it.
	GOFLAGS=-buildvcs=auto GOARCH=amd64 CC=x86_64-w64-mingw32-gcc "$fyne" package -os windows --release --exe "$exe"
	local dir=$work/root/medialake-connect
	mkdir -p "$dir"
	# The command's name, as on Linux; the tool names the .exe after Details.Name.
	mv "$name.exe" "$dir/medialake-connect.exe"
	console_twin "$dir/medialake-connect.exe" "$dir/medialake-connect.com"
	cp README.md LICENSE "$dir/"

	mkdir -p dist
	rm -f "$out"
	(cd "$work/root" && zip -qrX9 - medialake-connect) >"$out"
	echo "$out"
}

# console_twin EXE COM: COM is EXE marked as a console program instead of a windowed one, the
# PE header's Subsystem changed from 2 to 3 and not a byte more. Windows gives a windowed program
# no console, so typed in cmd or PowerShell the .exe's commands would print nothing, and the
# shell would not wait for them; a console program opened from Explorer would show a console
# window beside the app's. Both go in the zip, as devenv.com beside devenv.exe: a command typed
# without its extension finds the .com first (PATHEXT), Explorer shows the .exe as the app.
console_twin() {
	local pe
	cp "$1" "$2"
	pe=$(od -An -tu4 --endian=little -j60 -N4 "$2" | tr -d ' ') # e_lfanew: where the PE header is
	# Subsystem: after the signature (4 bytes) and the file header (20), 68 into the optional header.
	[ "$(od -An -tu2 --endian=little -j$((pe + 92)) -N2 "$2" | tr -d ' ')" = 2 ] ||
		{ echo "package: $1 is not a windowed (GUI subsystem) PE program" >&2; exit 1; }
	printf '\003' | dd of="$2" bs=1 seek=$((pe + 92)) conv=notrunc status=none
}

"$os"
