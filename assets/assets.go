// Package assets holds the app's icons, embedded in the binary the way `fyne bundle --embed`
// does, and exported under readable names.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

var (
	//go:embed icon.png
	iconPNG []byte
	//go:embed provider-google.png
	googlePNG []byte
	//go:embed provider-dropbox.png
	dropboxPNG []byte
	//go:embed provider-microsoft.png
	microsoftPNG []byte
	//go:embed provider-box.png
	boxPNG []byte
	//go:embed provider-oidc.png
	oidcPNG []byte
	//go:embed provider-oauth2.png
	oauth2PNG []byte
)

// AppIcon is the application's icon.
var AppIcon = fyne.NewStaticResource("icon.png", iconPNG)

var providerIcons = map[string]fyne.Resource{
	"google":    fyne.NewStaticResource("provider-google.png", googlePNG),
	"dropbox":   fyne.NewStaticResource("provider-dropbox.png", dropboxPNG),
	"microsoft": fyne.NewStaticResource("provider-microsoft.png", microsoftPNG),
	"box":       fyne.NewStaticResource("provider-box.png", boxPNG),
	"oidc":      fyne.NewStaticResource("provider-oidc.png", oidcPNG),
	"oauth2":    fyne.NewStaticResource("provider-oauth2.png", oauth2PNG),
}

// ProviderIcon returns the icon of a catalog provider by its id, or the generic OAuth 2.0 one.
func ProviderIcon(providerID string) fyne.Resource {
	if r, ok := providerIcons[providerID]; ok {
		return r
	}
	return providerIcons["oauth2"]
}
