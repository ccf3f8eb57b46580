#!/usr/bin/env bash
# Installs what Medialake Connect needs and is missing, and nothing else.
#   scripts/deps.sh run    what building and running the app needs
#   scripts/deps.sh test   that, plus what the tests need (Secret Service, D-Bus; mingw-w64 and Wine
#                          for the Windows build's tests; Chromium if it can be had: the tests in
#                          a real browser skip without it)
#   scripts/deps.sh shots  that, plus what scripts/screenshots.sh needs (X server, ImageMagick,
#                          xdotool, curl, Chromium)
#   scripts/deps.sh package  that of run, plus the validators make package-check runs
# It checks first (command -v, pkg-config) and installs only the missing Debian/Ubuntu packages,
# with apt-get as root or through sudo. Elsewhere it prints the exact command to run.
set -euo pipefail

mode=${1:-run}
case "$mode" in run | test | shots | package) ;; *) echo "usage: $0 run|test|shots|package" >&2; exit 2 ;; esac

min_go_minor=26
missing=()   # Debian package names
optional=()  # Debian package names whose tests skip without them

need_cmd() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need_pc() { pkg-config --exists "$1" 2>/dev/null || missing+=("$2"); }

need_cmd gcc gcc
need_cmd pkg-config pkg-config
if command -v pkg-config >/dev/null 2>&1; then
	need_pc gl libgl1-mesa-dev
	need_pc x11 libx11-dev
	need_pc xcursor libxcursor-dev
	need_pc xrandr libxrandr-dev
	need_pc xinerama libxinerama-dev
	need_pc xi libxi-dev
	need_pc xxf86vm libxxf86vm-dev
	need_pc xkbcommon libxkbcommon-dev
else
	missing+=(libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libxkbcommon-dev)
fi
need_cmd xdg-open xdg-utils
if [ "$mode" = package ]; then
	need_cmd desktop-file-validate desktop-file-utils
	need_cmd appstreamcli appstream
	need_cmd xz xz-utils
elif [ "$mode" != run ]; then
	need_cmd gnome-keyring-daemon gnome-keyring
	need_cmd dbus-launch dbus-x11
	need_cmd secret-tool libsecret-tools
	need_cmd systemctl systemd         # the keep-alive timer's tests (systemctl --user on unit files)
	need_cmd systemd-analyze systemd
	# The Windows build, cross-compiled and run under Wine (scripts/with-wine.sh). Debian keeps
	# the 64-bit loader off PATH, in /usr/lib/wine.
	need_cmd x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64
	command -v wine64 >/dev/null 2>&1 || [ -x /usr/lib/wine/wine64 ] || missing+=(wine64)
fi
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
	case "$mode" in test) optional+=(chromium) ;; shots) missing+=(chromium) ;; esac
fi
if [ "$mode" = shots ]; then
	need_cmd Xvfb xvfb
	need_cmd import imagemagick
	need_cmd xdotool xdotool
	need_cmd curl curl
fi

go_ok=1
if ! command -v go >/dev/null 2>&1; then
	go_ok=0
else
	minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
	[ "${minor:-0}" -ge "$min_go_minor" ] 2>/dev/null || go_ok=0
fi

if [ ${#missing[@]} -gt 0 ]; then
	# Remove duplicates while keeping order.
	mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')
	if command -v apt-get >/dev/null 2>&1; then
		if [ "$(id -u)" -eq 0 ]; then
			sudo=()
		elif command -v sudo >/dev/null 2>&1; then
			sudo=(sudo)
		else
			echo "Missing packages: ${missing[*]}" >&2
			echo "Run as root: apt-get update && apt-get install -y ${missing[*]}" >&2
			exit 1
		fi
		echo "Installing missing packages: ${missing[*]}"
		"${sudo[@]}" apt-get update -qq
		DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
	else
		echo "Missing: ${missing[*]} (Debian package names)." >&2
		case "$(uname -s)" in
		Darwin) echo "On macOS: xcode-select --install (Go, the Xcode command line tools and the Keychain are all that is needed)" >&2 ;;
		*) echo "Install the equivalent packages with your system's package manager (OpenGL and X11 development headers, gcc, pkg-config; for the tests gnome-keyring, dbus and libsecret's secret-tool, mingw-w64 and Wine)." >&2 ;;
		esac
		exit 1
	fi
fi

if [ ${#optional[@]} -gt 0 ]; then
	if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null 2>&1; }; then
		sudo=()
		[ "$(id -u)" -eq 0 ] || sudo=(sudo)
		echo "Installing: ${optional[*]}"
		{ "${sudo[@]}" apt-get update -qq &&
			DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${optional[@]}"; } ||
			echo "Could not install ${optional[*]}: the tests in a real browser will skip." >&2
	else
		echo "Not installed: ${optional[*]} (Debian package names); the tests in a real browser will skip without it." >&2
	fi
fi

if [ "$go_ok" -eq 0 ]; then
	echo "Go 1.$min_go_minor or newer is needed and was not found on PATH (found: $(command -v go >/dev/null 2>&1 && go env GOVERSION || echo none))." >&2
	echo "Debian's golang package is older; install Go from https://go.dev/dl/ into /usr/local/go and add /usr/local/go/bin to PATH." >&2
	exit 1
fi
