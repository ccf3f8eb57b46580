# The two commands a person needs: `make run` and `make test`. Each installs what is missing first.
SHELL   := /bin/bash
GO      ?= go
BIN     := bin/medialake-connect

.PHONY: package package-windows install uninstall package-check run build test check fmt-check vet core-deps race unit windows windows-in-wine bench deps-run deps-test screenshots screenshots-windows cross-darwin clean

run: deps-run build
	./$(BIN) $(ARGS)

# -buildvcs=auto records the commit (--version, About) when built from a git checkout.
build:
	$(GO) build -buildvcs=auto -o $(BIN) .

VERSION := $(shell sed -nE 's/^\s*Version\s*=\s*"([^"]+)".*/\1/p' FyneApp.toml)
PKG      = dist/medialake-connect-$(VERSION)-linux-$(shell $(GO) env GOARCH).tar.xz
PREFIX  ?= $(HOME)/.local

# The Linux archive (Fyne's packaging tool, plus the AppStream metainfo): see scripts/package.sh.
package: deps-run build
	scripts/package.sh linux $(BIN)

# The Windows zip: the .exe from Fyne's packaging tool, cross-compiled with mingw-w64.
PKG_WINDOWS = dist/medialake-connect-$(VERSION)-windows-amd64.zip
package-windows:
	@scripts/deps.sh package
	scripts/package.sh windows

# Into ~/.local for you alone, or PREFIX=/usr/local (as root) for everyone; again to upgrade.
install: package
	rm -rf dist/unpacked && mkdir -p dist/unpacked && tar -xJf $(PKG) -C dist/unpacked
	PREFIX="$(PREFIX)" dist/unpacked/medialake-connect/install.sh

uninstall:
	PREFIX="$(PREFIX)" scripts/install.sh --uninstall

# Builds both packages and checks them as CI would: the archive's files, the .desktop entry and
# the metainfo against their validators, and the packaged binary's --version; the zip's files, the
# .exe's icon and version resource, its --version and its window under Wine.
package-check: package package-windows
	@scripts/deps.sh package
	scripts/package-check.sh $(PKG)
	scripts/package-check.sh $(PKG_WINDOWS)

# macOS, as far as a Linux machine goes: core/ and cli/ (all but the window, whose Fyne side needs
# Apple's SDK) built for both Mac processors with cgo (SQLite), Zig as the C cross compiler, and
# vetted with their tests (cli/startup's test imports Fyne: left out). Compiled, not linked: the
# link needs Apple's SDK (libresolv, CoreFoundation). scripts/deps.sh test puts Zig in .tools/zig.
ZIG := $(CURDIR)/.tools/zig/node_modules/.bin/zig
cross-darwin: deps-test
	set -e; for arch in arm64:aarch64 amd64:x86_64; do \
		export GOOS=darwin GOARCH=$${arch%:*} CGO_ENABLED=1 CC="$(ZIG) cc -target $${arch#*:}-macos"; \
		echo "darwin/$$GOARCH: build ./core/... ./cli/..., vet ./core/... ./cli"; \
		$(GO) build ./core/... ./cli/...; $(GO) vet ./core/... ./cli; \
	done

# package-check last: a few minutes with warm caches; cold, the Windows cross build of Fyne's C
# parts takes about ten more (cross-darwin about five).
test: deps-test check race unit windows cross-darwin package-check

check: fmt-check vet core-deps

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# core/ must never depend on the UI toolkit; redact, access and catalog not on the keychain;
# the front ends speak to core alone (and core/access for the privilege words).
core-deps:
	@if $(GO) list -deps ./core/... | grep '^fyne.io/'; then \
		echo "core/ imports fyne.io (above): move that code to gui/"; exit 1; fi
	@if $(GO) list -deps ./core/redact ./core/access ./core/catalog | \
		grep -E '^github.com/(zalando/go-keyring|godbus/dbus)'; then \
		echo "redact, access or catalog imports the keychain (above): they need only core/redact"; exit 1; fi
	@if $(GO) list -f '{{join .Imports "\n"}}' ./gui/... ./cli/... | grep '^github.com/medialake/connect/core/' | \
		grep -v '^github.com/medialake/connect/core/access$$'; then \
		echo "gui/ or cli/ imports a core sub-package (above): re-export what they need from core"; exit 1; fi

# Fyne refuses the C locale's name; tests run in a fixed one.
race unit bench: export LANG = en_US.UTF-8

# The Secret Service tests run in a private D-Bus session with a throwaway gnome-keyring.
# -count=1: every run runs every test, never a cached result.
# -v shows what the tests log (the kill tests' seeds and counts, the errors people would read);
# the filter drops the per-test RUN/PASS lines so that failures still stand out.
# gui/ runs under -race too (about a minute here): its tests run the reports of background work
# on the test's goroutine (gui.UI.Wait), so Fyne's test driver touches widgets from one goroutine.
race:
	set -o pipefail; scripts/with-secret-service.sh $(GO) test -count=1 -race -v ./core/... ./gui/ | \
		grep -vE '^\s*(=== (RUN|PAUSE|CONT|NAME)|--- (PASS|SKIP)|PASS$$)'

unit:
	scripts/with-secret-service.sh $(GO) test -count=1 ./...

# The Windows build, cross-compiled with mingw-w64 (cgo, for SQLite) and run under Wine in a
# throwaway prefix (scripts/with-wine.sh): the packages with Windows-specific code whole, and of
# cli/ its Windows tests alone (the rest of it is about Unix modes and the Secret Service); then
# the command-line story on the Windows build (internal/clionly: the commands without the window).
# gui/ is not cross-compiled here: Fyne's cold cross-build takes about 20 minutes.
WINDOWS := GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc
windows:
	scripts/with-wine.sh $(MAKE) --no-print-directory windows-in-wine

windows-in-wine:
	$(WINDOWS) $(GO) test -count=1 -exec go_windows_amd64_exec ./core/vault ./core/filelock ./core/private \
		./core/schedule ./internal/tempdir
	$(WINDOWS) $(GO) test -count=1 -exec go_windows_amd64_exec -run '^TestWindows' ./cli
	$(GO) test -count=1 -v -run '^TestWindowsCommandLineStory$$' ./internal/clionly

# The benchmarks include the app's memory 3 s after start next to a bare two-tab Fyne window's
# (internal/barewindow, each start under its own Xvfb). Then 'token SOURCE' without sign-in
# against 'secret-tool lookup' of the same keychain item, side by side: fails above 3x (see the
# script).
bench:
	scripts/with-secret-service.sh $(GO) test -run '^$$' -bench . -benchmem ./...
	scripts/bench-token.sh

# The README's pictures, taken from the real window under Xvfb (see the script). Not part of test.
screenshots:
	scripts/screenshots.sh

# The Windows build's first start, under Wine (see scripts/wine-window.sh). Not part of test.
screenshots-windows: package-windows
	rm -rf dist/windows && mkdir -p dist/windows && unzip -q $(PKG_WINDOWS) -d dist/windows
	scripts/wine-window.sh dist/windows/medialake-connect/medialake-connect.exe docs/screenshots/windows-first-start.png

deps-run:
	@scripts/deps.sh run

deps-test:
	@scripts/deps.sh test

clean:
	rm -rf bin dist
