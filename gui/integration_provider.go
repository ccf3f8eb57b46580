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
	item.HintText = "as the console's Audience page shows it"
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

// tenantItems are Microsoft's account types and tenant: the answer sets the tenant, and only
// a single-tenant registration has one to type, its directory's.
func (f *integrationForm) tenantItems() []*widget.FormItem {
	v := f.view
	f.tenant = f.entry()
	f.tenant.SetText(v.Tenant)
	f.tenant.SetPlaceHolder("common")
	var labels []string
	for _, at := range v.Provider.AccountTypes {
		labels = append(labels, at.Label)
	}
	f.accountTypes = widget.NewSelect(labels, func(label string) {
		for _, at := range v.Provider.AccountTypes {
			switch {
			case at.Label != label:
			case at.Tenant != "":
				f.tenant.SetText(at.Tenant)
				f.tenant.Disable()
			default:
				if v.Provider.AccountTypeOf(f.tenant.Text) != at.Key {
					f.tenant.SetText("") // a word for many directories: the directory's ID goes here
				}
				f.tenant.SetPlaceHolder("Directory (tenant) ID")
				f.tenant.Enable()
			}
		}
	})
	f.accountTypes.PlaceHolder = "Choose as registered"
	for _, at := range v.Provider.AccountTypes {
		if at.Key == v.AccountType {
			f.accountTypes.SetSelected(at.Label)
		}
	}
	types := widget.NewFormItem("Account types", f.field(core.FieldAccountType, f.accountTypes))
	types.HintText = "as the registration's Supported account types"
	t := widget.NewFormItem("Tenant", f.field(core.FieldTenant, f.tenant))
	t.HintText = "set by the account types, or a directory ID"
	return []*widget.FormItem{types, t}
}

// chosenAccountType is the key of the account types chosen, "" if none.
func (f *integrationForm) chosenAccountType() string {
	if f.accountTypes == nil {
		return ""
	}
	for _, at := range f.view.Provider.AccountTypes {
		if at.Label == f.accountTypes.Selected {
			return at.Key
		}
	}
	return ""
}
