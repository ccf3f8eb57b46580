package gui

import (
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// saveMark is a form's Save button and the word beside it, the one save model of the app's
// forms: Save is on only while something is to save, "Unsaved changes" says so beside it,
// and "Saved." stays there until the next change.
type saveMark struct {
	save *button
	mark *widget.Label
}

// newSaveMark is a Save button labelled label that runs submit, off until something changes.
func newSaveMark(label string, submit func()) saveMark {
	s := saveMark{save: newButtonWithIcon(label, theme.DocumentSaveIcon(), submit), mark: widget.NewLabel("")}
	s.save.Importance = widget.HighImportance
	s.save.Disable()
	s.mark.Hide()
	return s
}

// followEdits enables Save while the form is dirty and no save runs (busy), and says so.
// With nothing to save, Save is off and the mark says nothing: not even Saved., since
// something changed, then changed back.
func (s saveMark) followEdits(dirty, busy bool) {
	switch {
	case dirty && !busy:
		s.save.Enable()
		s.showMark(toneInfo, "Unsaved changes")
	case !dirty:
		s.save.Disable()
		s.showMark(toneInfo, "")
	}
}

// showMark says text beside Save in the colour of t, or nothing when text is empty.
func (s saveMark) showMark(t tone, text string) {
	s.mark.Importance = t.importance()
	s.mark.SetText(text)
	s.mark.Hidden = text == ""
	s.mark.Refresh()
}
