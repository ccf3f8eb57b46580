package browsertest

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// readability is evaluated in the page: what keeps a person from reading it, one line each.
// Text is measured against the background it is drawn on (the element's and its ancestors',
// down to the canvas, which the browser paints dark where the page and the theme both say
// dark: the system colour Canvas, as the page uses it); WCAG 2's AA contrast for body text
// is 4.5:1.
const readability = `(() => {
  const out = [];
  const rgba = s => { const p = (s.match(/[\d.]+/g) || []).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lin = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = c => 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
  const over = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1});
  const probe = document.documentElement.appendChild(document.createElement("div"));
  probe.style.backgroundColor = "Canvas";
  const canvas = over(rgba(getComputedStyle(probe).backgroundColor), {r: 255, g: 255, b: 255, a: 1});
  probe.remove();
  const background = el => {
    const chain = [];
    for (let e = el; e; e = e.parentElement) chain.unshift(e);
    return chain.reduce((bg, e) => over(rgba(getComputedStyle(e).backgroundColor), bg), canvas);
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + el.className : "");
  const check = (el, what, color) => {
    const bg = background(el), c = over(rgba(color), bg), r = ratio(c, bg);
    if (r < 4.5) out.push(name(el) + " " + what + ": contrast " + r.toFixed(2) + ":1 (" + color + " on rgb(" + [bg.r, bg.g, bg.b].map(Math.round) + ")), want at least 4.5:1");
  };
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width) out.push("the page is " + document.documentElement.scrollWidth + " px wide in a " + width + " px window: it scrolls sideways");
  for (const el of document.querySelectorAll("body, body *")) {
    const st = getComputedStyle(el);
    if (st.display === "none" || st.visibility === "hidden" || el.type === "hidden") continue;
    const text = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim() !== "");
    const control = el.matches("input, button, select, textarea");
    if (!text && !control) continue;
    const box = el.getBoundingClientRect();
    if (box.left < 0 || box.right > width + 0.5) out.push(name(el) + " reaches from " + box.left.toFixed(1) + " to " + box.right.toFixed(1) + " px, outside the " + width + " px window");
    if (parseFloat(st.fontSize) < 12) out.push(name(el) + ": text of " + st.fontSize + ", want at least 12px");
    check(el, "text", st.color);
    if (el.placeholder) check(el, "placeholder", getComputedStyle(el, "::placeholder").color);
  }
  if (document.scripts.length > 0) out.push("the page has " + document.scripts.length + " script elements; it must work without script");
  return JSON.stringify(out);
})()`

// Unreadable lists what keeps a person from reading the page now shown, in the light and in
// the dark browser theme, at the tab's width; none is nil.
func (tab *Tab) Unreadable() []string {
	tab.t.Helper()
	var problems []string
	for _, scheme := range []string{"light", "dark"} {
		tab.colorScheme(scheme)
		var found []string
		if err := json.Unmarshal([]byte(tab.Eval(readability)), &found); err != nil {
			tab.t.Fatalf("read the page's check: %v", err)
		}
		for _, p := range found {
			problems = append(problems, scheme+" theme: "+p)
		}
	}
	tab.colorScheme("light")
	return problems
}

// colorScheme makes the tab's browser theme light or dark, as a person's system setting does.
func (tab *Tab) colorScheme(scheme string) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, Wait)
	defer cancel()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
	if err != nil {
		tab.t.Fatalf("set the %s theme: %v", scheme, err)
	}
}

// AssertReadable fails the test, naming the page, for each problem Unreadable finds and for
// each address outside this machine the tab requested.
func (tab *Tab) AssertReadable(page string) {
	tab.t.Helper()
	if p := tab.Unreadable(); len(p) > 0 {
		tab.t.Errorf("%s (%s) is hard to read:\n  %s", page, tab.Location(), strings.Join(p, "\n  "))
	}
	if out := tab.Outside(); len(out) > 0 {
		tab.t.Errorf("%s loaded from outside this machine: %v", page, out)
	}
}
