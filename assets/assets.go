// Package assets holds the app's icons, embedded in the binary the way `fyne bundle --embed`
// does, and exported under readable names. The provider marks are SVG drawn for this app
// (simple shapes that recall each service, not its logo); Fyne draws them sharp at any size.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

var (
	//go:embed icon.png
	iconPNG []byte
	//go:embed icon-144.png
	markPNG []byte
	//go:embed provider-google.svg
	googleSVG []byte
	//go:embed provider-dropbox.svg
	dropboxSVG []byte
	//go:embed provider-microsoft.svg
	microsoftSVG []byte
	//go:embed provider-box.svg
	boxSVG []byte
	//go:embed provider-oidc.svg
	oidcSVG []byte
	//go:embed provider-oauth2.svg
	oauth2SVG []byte
	//go:embed provider-sandbox.svg
	sandboxSVG []byte
)

// AppIcon is the application's icon.
var AppIcon = fyne.NewStaticResource("icon.png", iconPNG)

// AppMark is AppIcon at 144 pixels, for the 72-unit mark on the sign-in screens: drawn from
// the 512-pixel icon, that mark cost a 1 MB decode and several MB of scaling buffers each time
// Fyne made its texture. TestAppMarkIsAppIcon keeps the two the same picture.
var AppMark = fyne.NewStaticResource("icon-144.png", markPNG)

var providerIcons = map[string]fyne.Resource{
	"google":    fyne.NewStaticResource("provider-google.svg", googleSVG),
	"dropbox":   fyne.NewStaticResource("provider-dropbox.svg", dropboxSVG),
	"microsoft": fyne.NewStaticResource("provider-microsoft.svg", microsoftSVG),
	"box":       fyne.NewStaticResource("provider-box.svg", boxSVG),
	"oidc":      fyne.NewStaticResource("provider-oidc.svg", oidcSVG),
	"oauth2":    fyne.NewStaticResource("provider-oauth2.svg", oauth2SVG),
	"sandbox":   fyne.NewStaticResource("provider-sandbox.svg", sandboxSVG),
}

// ProviderIcon returns the icon of a catalog provider by its id, or the generic OAuth 2.0 one
// for an id the catalog does not know (or ""). Every provider of the catalog has its own:
// TestEveryPresetHasItsIcon fails on one without.
func ProviderIcon(providerID string) fyne.Resource {
	if r, ok := providerIcons[providerID]; ok {
		return r
	}
	return providerIcons["oauth2"]
}
