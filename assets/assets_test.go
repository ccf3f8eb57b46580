package assets

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"golang.org/x/image/draw"
)

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
