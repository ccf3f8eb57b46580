package gui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core/store"
)

func TestFatalScreenSaysWhatToDo(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("open workspace: %w", store.ErrNotOurs), "--home DIR"},
		{fmt.Errorf("open workspace: %w", store.ErrTooNew), "newer version"},
		{errors.New("permission denied"), "readable"},
	} {
		var text []string
		for _, o := range fatalScreen(tt.err).(*fyne.Container).Objects[0].(*fyne.Container).Objects {
			text = append(text, o.(*widget.Label).Text)
		}
		if got := strings.Join(text, "\n"); !strings.Contains(got, tt.want) {
			t.Errorf("%v: screen says\n%s\nwant %q in it", tt.err, got, tt.want)
		}
	}
}
