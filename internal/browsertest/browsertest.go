// Package browsertest drives a real Chromium, headless, through the pages the app serves to a
// browser: the loopback listener's start address and callback pages, the sandbox's sign-in
// page. Where the other tests play the browser with an HTTP client, these see what a person
// sees: redirects, cookies, forms submitted from the keyboard, the page at a phone's width and
// in a dark theme. Only tests import it.
//
// Chromium comes from the system (Debian's chromium package; scripts/deps.sh test installs
// it). Where it is missing the tests skip and say so, unless $MEDIALAKE_REQUIRE_CHROMIUM is
// set, as CI sets it, where they fail.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// RebindHost is a name the browser resolves to 127.0.0.1, as a web page's own name does
// after DNS rebinding: a page under it reaches the app's ports with this name in Host.
const RebindHost = "rebind.test"

// Wait bounds each step that waits for a page; a browser lives at most maxTest, and ends
// before the test binary's deadline.
const (
	Wait    = 20 * time.Second
	maxTest = 3 * time.Minute
)

// Browser is one Chromium process with a fresh profile, for one test.
type Browser struct {
	ctx context.Context // the browser's first tab; its children are the other tabs
}

// execPath is Chromium's command, or "" where none is installed.
func execPath() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts Chromium for t and stops it when t ends. Without Chromium it skips t.
func New(t testing.TB) *Browser {
	t.Helper()
	path := execPath()
	if path == "" {
		msg := "Chromium is not installed, so the browser tests cannot run: scripts/deps.sh test installs it (Debian: apt-get install chromium)"
		if os.Getenv("MEDIALAKE_REQUIRE_CHROMIUM") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	end := time.Now().Add(maxTest)
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if last, ok := d.Deadline(); ok && last.Add(-5*time.Second).Before(end) {
			end = last.Add(-5 * time.Second) // time left to report, rather than a panic
		}
	}
	ctx, cancel := context.WithDeadline(context.Background(), end)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		// A closed network refuses Chromium's own connections (updates, sync, safe browsing),
		// and the pages under test need none of them.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// A container's /dev/shm is often too small for Chromium's shared memory.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("host-resolver-rules", "MAP "+RebindHost+" 127.0.0.1"),
	}
	if os.Geteuid() == 0 {
		// Chromium refuses to run as root inside its sandbox; CI runs as root.
		opts = append(opts, chromedp.NoSandbox)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc(); cancel() })
	if err := chromedp.Do(bctx, chromedp.Func(func(context.Context, *chromedp.Target) error { return nil })); err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	return &Browser{ctx: bctx}
}

// Tab is one tab of the browser. Tabs of one Browser share its cookies, as a person's do.
type Tab struct {
	t   testing.TB
	ctx context.Context

	mu       sync.Mutex
	requests []string
}

// NarrowWidth is the width of a tab, in CSS pixels: a phone's, or a narrow window beside the app.
const NarrowWidth = 400

// Tab opens a tab NarrowWidth wide, with JavaScript off, that records every address it requests:
// the pages must work for a person on a phone-sized window who has turned scripts off.
func (b *Browser) Tab(t testing.TB) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	tab := &Tab{t: t, ctx: ctx}
	tab.Viewport(NarrowWidth, 800)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("turn JavaScript off: %v", err)
	}
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			tab.mu.Lock()
			tab.requests = append(tab.requests, ev.Request.URL)
			tab.mu.Unlock()
		}
	}()
	return tab
}

// ScriptTab is a tab with JavaScript on, as an attacker's page in the person's browser has.
func (b *Browser) ScriptTab(t testing.TB) *Tab {
	t.Helper()
	tab := b.Tab(t)
	if _, err := chromedp.Call(tab.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatalf("turn JavaScript on: %v", err)
	}
	return tab
}

// Go loads address, as a person who pastes it or whose system opens it, and waits until the
// page it ends on (after redirects) has loaded.
func (tab *Tab) Go(address string) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, Wait)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(address)); err != nil {
		tab.t.Fatalf("open %s: %v", address, err)
	}
}

// Text is the page's visible text, once it contains want (within Wait); a test fails
// with the text it saw otherwise.
func (tab *Tab) Text(want string) string {
	tab.t.Helper()
	text, err := tab.poll(func(s string) bool { return strings.Contains(s, want) }, `document.body ? document.body.innerText : ""`)
	if err != nil {
		tab.t.Fatalf("the page at %s never said %q: %v; it says:\n%s", tab.Location(), want, err, text)
	}
	return text
}

// poll evaluates expr until ok accepts its value or Wait passes. The pages run no script,
// so nothing in them can say when they are ready: the test looks again.
func (tab *Tab) poll(ok func(string) bool, expr string) (string, error) {
	ctx, cancel := context.WithTimeout(tab.ctx, Wait)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var last string
	for {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err == nil {
			if last = v; ok(v) {
				return v, nil
			}
		}
		select {
		case <-ctx.Done():
			return last, errors.Join(ctx.Err(), err)
		case <-tick.C:
		}
	}
}

// Eval returns the value of a JavaScript expression in the page, as the test reads it
// (DevTools evaluates it even where the page's scripts are off).
func (tab *Tab) Eval(expr string) string {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, Wait)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		tab.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// Location is the page's address.
func (tab *Tab) Location() string {
	ctx, cancel := context.WithTimeout(tab.ctx, Wait)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return fmt.Sprintf("(unknown: %v)", err)
	}
	return loc
}

// Keys types keys into whatever has the focus, as a person at the keyboard does: text, or
// one of chromedp/kb's keys (kb.Tab, kb.Enter).
func (tab *Tab) Keys(keys string) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, Wait)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(keys)); err != nil {
		tab.t.Fatalf("type %q: %v", keys, err)
	}
}

// Focused describes the element with the keyboard focus, its tag and its text or name
// ("input account", "button Allow"), once that is want (within Wait, as the browser focuses
// an autofocus field after the page shows); what it is otherwise.
func (tab *Tab) Focused(want string) string {
	tab.t.Helper()
	got, _ := tab.poll(func(s string) bool { return s == want },
		`(e => e ? e.tagName.toLowerCase() + " " + (e.innerText || e.name || e.id) : "none")(document.activeElement)`)
	return got
}

// Outside lists the addresses the tab requested that are not on this machine.
func (tab *Tab) Outside() []string {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	var out []string
	for _, r := range tab.requests {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "data" && u.Scheme != "about" && !local(u.Hostname())) {
			out = append(out, r)
		}
	}
	return out
}

func local(host string) bool {
	return host == "127.0.0.1" || host == "::1" || host == "localhost" || host == RebindHost
}

// Viewport makes the tab width × height CSS pixels, at one device pixel each.
func (tab *Tab) Viewport(width, height int64) {
	tab.t.Helper()
	if err := chromedp.Do(tab.ctx, chromedp.EmulateViewport(width, height)); err != nil {
		tab.t.Fatalf("resize the tab: %v", err)
	}
}

// Screenshot is a PNG of the tab as it is shown.
func (tab *Tab) Screenshot() []byte {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, Wait)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tab.t.Fatalf("screenshot: %v", err)
	}
	return png
}

// Frames lists the address of each frame inside the page, as the browser shows it: a frame
// the browser refused to show (frame-ancestors) shows its error page.
func (tab *Tab) Frames() []string {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, Wait)
	defer cancel()
	tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		tab.t.Fatalf("read the frames: %v", err)
	}
	var out []string
	for _, f := range tree.FrameTree.ChildFrames {
		out = append(out, f.Frame.URL)
	}
	return out
}
