package assets

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"golang.org/x/image/draw"

	"github.com/medialake/connect/core/catalog"
)

// Every provider of the catalog, presets and custom kinds alike, has its own mark: without one
// it would show the generic OAuth 2.0 mark, and nothing else would tell. An icon for an id
// the catalog lacks is a leftover.
func TestEveryPresetHasItsIcon(t *testing.T) {
	known := map[string]bool{}
	for _, p := range catalog.All() {
		id := string(p.ID)
		known[id] = true
		r, ok := providerIcons[id]
		if !ok {
			t.Errorf("provider %q (%s) has no icon: add assets/provider-%s.svg and its entry in providerIcons", id, p.Name, id)
			continue
		}
		if want := "provider-" + id + ".svg"; r.Name() != want || !bytes.HasPrefix(r.Content(), []byte("<svg ")) {
			t.Errorf("provider %q: icon %q (%d bytes), want the SVG %s", id, r.Name(), len(r.Content()), want)
		}
		if got := ProviderIcon(id); got != r {
			t.Errorf("ProviderIcon(%q) = %s, want %s", id, got.Name(), r.Name())
		}
	}
	for id := range providerIcons {
		if !known[id] {
			t.Errorf("icon for %q, which is no provider of the catalog", id)
		}
	}
}

// AppMark must be AppIcon scaled down, not a picture of its own: a changed icon.png without
// a new icon-144.png fails here. Remake it by scaling icon.png to 144×144 with Catmull-Rom.
func TestAppMarkIsAppIcon(t *testing.T) {
	icon, mark := decode(t, AppIcon.Content()), decode(t, AppMark.Content())
	if got := mark.Bounds().Size(); got != image.Pt(144, 144) {
		t.Fatalf("AppMark is %v pixels, want 144×144", got)
	}
	want := image.NewNRGBA(mark.Bounds())
	draw.CatmullRom.Scale(want, want.Bounds(), icon, icon.Bounds(), draw.Src, nil)
	worst := 0
	for y := range 144 {
		for x := range 144 {
			g, w := color.NRGBAModel.Convert(mark.At(x, y)).(color.NRGBA), want.NRGBAAt(x, y)
			for _, d := range []int{int(g.R) - int(w.R), int(g.G) - int(w.G), int(g.B) - int(w.B), int(g.A) - int(w.A)} {
				worst = max(worst, d, -d)
			}
		}
	}
	if worst > 2 {
		t.Errorf("AppMark differs from AppIcon scaled to 144 pixels by up to %d of 255 in a channel, want at most 2", worst)
	}
}

func decode(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}
