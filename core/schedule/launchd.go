package schedule

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// launchd schedules the job as a user agent in ~/Library/LaunchAgents, loaded into the
// person's GUI domain. Written to Apple's launchd.plist(5) and launchctl(1); not tried here.
type launchd struct {
	dir string
	run Runner
	uid int
}

func (d *launchd) label(job Job) string { return "io.medialake.connect." + job.Name }

func (d *launchd) where(job Job) string { return "the launchd agent " + d.label(job) }

func (d *launchd) plistPath(job Job) (string, error) {
	dir := d.dir
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrUnsupported, err)
		}
		dir = filepath.Join(home, "Library", "LaunchAgents")
	}
	return filepath.Join(dir, d.label(job)+".plist"), nil
}

// AgentPlist is the agent's property list: argv every Every seconds, in the background.
func AgentPlist(label string, argv []string) string {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n")
	b.WriteString("<plist version=\"1.0\">\n<dict>\n\t<key>Label</key>\n\t<string>" + xmlText(label) + "</string>\n")
	b.WriteString("\t<key>ProgramArguments</key>\n\t<array>\n")
	for _, a := range argv {
		b.WriteString("\t\t<string>" + xmlText(a) + "</string>\n")
	}
	b.WriteString("\t</array>\n\t<key>StartInterval</key>\n\t<integer>" + strconv.Itoa(int(Every.Seconds())) + "</integer>\n")
	b.WriteString("\t<key>ProcessType</key>\n\t<string>Background</string>\n</dict>\n</plist>\n")
	return b.String()
}

func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (d *launchd) install(ctx context.Context, job Job, argv []string) (string, error) {
	path, err := d.plistPath(job)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("write the agent: %w", err)
	}
	if err := os.WriteFile(path, []byte(AgentPlist(d.label(job), argv)), 0o644); err != nil {
		return "", fmt.Errorf("write the agent: %w", err)
	}
	domain := "gui/" + strconv.Itoa(d.uid)
	// An agent already loaded under the label must go first, or bootstrap refuses.
	d.run(ctx, "launchctl", "bootout", domain+"/"+d.label(job))
	if out, err := d.run(ctx, "launchctl", "bootstrap", domain, path); err != nil {
		os.Remove(path)
		return "", refused("launchctl bootstrap", out, err)
	}
	return "", nil
}

func (d *launchd) remove(ctx context.Context, job Job) error {
	path, err := d.plistPath(job)
	if err != nil {
		return err
	}
	d.run(ctx, "launchctl", "bootout", "gui/"+strconv.Itoa(d.uid)+"/"+d.label(job))
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the agent: %w", err)
	}
	return nil
}

func (d *launchd) installed(ctx context.Context, job Job) (bool, error) {
	path, err := d.plistPath(job)
	if err != nil {
		return false, nil
	}
	_, err = os.Stat(path)
	return err == nil, nil
}
