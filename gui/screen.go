//go:build !android && !ios && !wasm && !js

package gui

import (
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// PrimaryScreen is Deps.Screen for the desktop: the work area (the screen less its panels)
// of the primary screen, where a new window opens, in pixels divided by the density Fyne
// detects. Fyne has no API for a screen's size, so it asks GLFW, the library Fyne's desktop
// driver runs on and has initialised once a window exists; GLFW answers only on the main
// thread, which New runs on. Anywhere else (a test's driver, no GLFW) it answers false.
func PrimaryScreen() (size fyne.Size, ok bool) {
	defer func() {
		if recover() != nil { // GLFW not initialised: not Fyne's desktop driver
			size, ok = fyne.Size{}, false
		}
	}()
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return fyne.Size{}, false
	}
	_, _, width, height := m.GetWorkarea()
	mode := m.GetVideoMode()
	if width <= 0 || height <= 0 || mode == nil {
		return fyne.Size{}, false
	}
	widthMM, _ := m.GetPhysicalSize()
	d := density(widthMM, mode.Width)
	return fyne.NewSize(float32(width)/d, float32(height)/d), true
}

// density is the scale Fyne's desktop driver detects for a screen widthPx pixels and widthMM
// millimetres wide: its dots per inch over 96, at least 1, and 1 where the size is not
// believable or detection is turned off (FYNE_DISABLE_DPI_DETECTION).
func density(widthMM, widthPx int) float32 {
	if v := os.Getenv("FYNE_DISABLE_DPI_DETECTION"); v == "1" || strings.EqualFold(v, "true") || strings.EqualFold(v, "t") {
		return 1
	}
	if widthMM <= 0 {
		return 1
	}
	dpi := float32(widthPx) / (float32(widthMM) / 25.4)
	if dpi > 1000 || dpi < 96 { // not believable, or a density under Fyne's least scale
		return 1
	}
	return dpi / 96
}
