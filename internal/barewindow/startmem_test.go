package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/medialake/connect/gui"
)

// startRuns is how many times each program starts per measurement: the median of five
// stands for it, as RSS moves by a few MB from one start to the next on a busy machine.
const startRuns = 5

// settle is how long after its start a program's resident memory is read.
const settle = 3 * time.Second

// BenchmarkStartMemory reports the app's resident memory 3 s after it starts next to this
// bare two-tab window's, each started under its own private X server (scripts/with-xvfb.sh),
// in turns so that all see the same machine: on an empty workspace (the first-start screen)
// and on one with an administrator and two enabled integrations (the sign-in screen). The
// bare window is measured twice: at its least size (bare-MB) and at the app's first size
// (bare-sized-MB), since X's shared image and the graphics buffers grow with a window's area
// (about 5 MB between the two). The metrics are medians of five starts in MB, and the app's
// as a multiple of the bare window's at the same size (…-x) and at its least (…-x-least).
//
//	make bench, or: LANG=en_US.UTF-8 scripts/with-secret-service.sh go test -run '^$' -bench StartMemory ./internal/barewindow
func BenchmarkStartMemory(b *testing.B) {
	if _, err := exec.LookPath("Xvfb"); err != nil {
		b.Skip("Xvfb is missing (apt-get install xvfb): the windows need an X server")
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		b.Skip("no D-Bus session: run under scripts/with-secret-service.sh (make bench does), which gives the app a keychain")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	bare, app := filepath.Join(dir, "barewindow"), filepath.Join(dir, "medialake-connect")
	build(b, root, "./internal/barewindow", bare)
	build(b, root, ".", app)
	signIn := adminWorkspace(b, app, filepath.Join(dir, "signin"))

	width, height := gui.DefaultSize()
	var bareMB, sizedMB, firstMB, signInMB []float64
	for b.Loop() {
		for i := range startRuns {
			bareMB = append(bareMB, startRSS(b, root, bare, ""))
			sizedMB = append(sizedMB, startRSS(b, root, bare, "", strconv.Itoa(width), strconv.Itoa(height)))
			firstMB = append(firstMB, startRSS(b, root, app, filepath.Join(dir, "first"+strconv.Itoa(i))))
			signInMB = append(signInMB, startRSS(b, root, app, signIn))
		}
	}
	least, sized := median(bareMB), median(sizedMB)
	b.ReportMetric(least, "bare-MB")
	b.ReportMetric(sized, "bare-sized-MB")
	b.ReportMetric(median(firstMB), "first-start-MB")
	b.ReportMetric(median(signInMB), "sign-in-MB")
	b.ReportMetric(median(firstMB)/sized, "first-start-x")
	b.ReportMetric(median(signInMB)/sized, "sign-in-x")
	b.ReportMetric(median(firstMB)/least, "first-start-x-least")
	b.ReportMetric(median(signInMB)/least, "sign-in-x-least")
}

// build compiles pkg of the module at root into out.
func build(b *testing.B, root, pkg, out string) {
	b.Helper()
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
}

// adminWorkspace makes a workspace in dir with an administrator and two enabled integrations,
// through the app's commands, as a person would, and returns dir.
func adminWorkspace(b *testing.B, app, dir string) string {
	b.Helper()
	const pass = "bench passphrase 1\n"
	secret := filepath.Join(b.TempDir(), "client-secret")
	if err := os.WriteFile(secret, []byte("not a real secret\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	as := []string{"--home", dir, "--user", "root", "--passphrase-file", "-"}
	steps := [][]string{
		{"--home", dir, "init", "root", "--passphrase-file", "-"},
		append(slices.Clone(as), "integrations", "set", "dropbox", "--client-id", "bench", "--client-secret-file", secret),
		append(slices.Clone(as), "integrations", "enable", "dropbox"),
		append(slices.Clone(as), "integrations", "set", "google", "--client-id", "bench.apps.googleusercontent.com", "--client-secret-file", secret),
		append(slices.Clone(as), "integrations", "enable", "google"),
	}
	for _, args := range steps {
		cmd := exec.Command(app, args...)
		cmd.Stdin = strings.NewReader(pass)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("medialake-connect %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return dir
}

// startRSS starts program with args under scripts/with-xvfb.sh, with home as its workspace
// folder when not empty and preferences of its own (so the app opens at its first size),
// and returns its resident memory in MB once it has run for settle. The program is then
// stopped, and with it its X server.
func startRSS(b *testing.B, root, program, home string, args ...string) float64 {
	b.Helper()
	cmd := exec.Command(filepath.Join(root, "scripts", "with-xvfb.sh"), append([]string{program}, args...)...)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+b.TempDir())
	if home != "" {
		cmd.Env = append(cmd.Env, "MEDIALAKE_CONNECT_HOME="+home)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { // the program, else (it did not start) whatever with-xvfb.sh started
		for _, p := range descendants(cmd.Process.Pid) {
			_ = syscall.Kill(p, syscall.SIGTERM)
		}
		_ = cmd.Wait()
	}()
	pid, err := childRunning(cmd.Process.Pid, program, 10*time.Second)
	if err != nil {
		b.Fatalf("%s: %v\n%s", filepath.Base(program), err, stderr.Bytes())
	}
	time.Sleep(settle)
	kb, err := residentKB(pid)
	if err != nil {
		b.Fatalf("%s ended before it was measured: %v\n%s", filepath.Base(program), err, stderr.Bytes())
	}
	return float64(kb) / 1024
}

// childRunning waits until a descendant of pid runs program and returns its process id.
func childRunning(pid int, program string, limit time.Duration) (int, error) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		for _, child := range descendants(pid) {
			if exe, err := os.Readlink("/proc/" + strconv.Itoa(child) + "/exe"); err == nil && exe == program {
				return child, nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return 0, errors.New("did not start within " + limit.String())
}

// descendants are the processes below pid, from the parent each /proc/N/stat names.
func descendants(pid int) []int {
	children := map[int][]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, st := range stats {
		data, err := os.ReadFile(st)
		if err != nil {
			continue // ended meanwhile
		}
		// "N (name) S PPID …": the name may hold spaces and parentheses, the last ")" ends it.
		rest := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
		child, err1 := strconv.Atoi(filepath.Base(filepath.Dir(st)))
		if len(rest) < 2 || err1 != nil {
			continue
		}
		if parent, err := strconv.Atoi(rest[1]); err == nil {
			children[parent] = append(children[parent], child)
		}
	}
	var all []int
	for next := []int{pid}; len(next) > 0; {
		p := next[0]
		next = append(next[1:], children[p]...)
		all = append(all, children[p]...)
	}
	return all
}

// residentKB is VmRSS of pid, in kB.
func residentKB(pid int) (int, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
		}
	}
	return 0, errors.New("no VmRSS in /proc/" + strconv.Itoa(pid) + "/status")
}

// median is the middle of values (the mean of the two middle ones for an even count).
func median(values []float64) float64 {
	s := slices.Sorted(slices.Values(values))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
