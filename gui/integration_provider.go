package gui

import (
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
)

// The form's fields that one provider alone has.

// publishingLabels are the words of Google's publishing statuses, as its console shows them.
var publishingLabels = map[core.PublishingStatus]string{
	core.PublishingTesting:      "Testing",
	core.PublishingInProduction: "In production",
}

// publishingItem is the app's publishing status: while it is Testing, sources end 7 days
// after each sign-in, which the Sources table must forecast.
func (f *integrationForm) publishingItem() *widget.FormItem {
	var labels []string
	for _, st := range f.view.Provider.PublishingStatuses {
		labels = append(labels, publishingLabels[st])
	}
	f.publishing = widget.NewRadioGroup(labels, nil)
	f.publishing.Horizontal = true
	f.publishing.Required = true
	f.publishing.Selected = publishingLabels[f.view.PublishingStatus]
	item := widget.NewFormItem("Publishing status", f.field(core.FieldPublishing, f.publishing))
	item.HintText = "As Google Auth Platform → Audience shows it. In Testing, each sign-in ends after 7 days."
	return item
}

// chosenPublishing is the publishing status chosen, "" where the provider has none.
func (f *integrationForm) chosenPublishing() core.PublishingStatus {
	if f.publishing == nil {
		return ""
	}
	for st, label := range publishingLabels {
		if label == f.publishing.Selected {
			return st
		}
	}
	return ""
}
