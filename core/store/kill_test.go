package store

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const killDBEnv = "STORE_KILL_TEST_DB"

// TestHelperProcess is the child of TestKillDuringWrites: it commits a stream of writes and
// prints each row's id once its commit has returned.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(killDBEnv)
	if path == "" {
		t.Skip("child process of TestKillDuringWrites")
	}
	ctx := t.Context()
	db, err := Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	rng := rand.New(rand.NewPCG(uint64(os.Getpid()), 0))
	for i := 0; ; i++ {
		// Details of up to 3 pages, so that some rows span overflow pages.
		detail := strings.Repeat("x", rng.IntN(12000))
		res, err := db.ExecContext(ctx, `INSERT INTO activity (at, actor, action, outcome, detail)
			VALUES (?, 'kill-test', 'write', 'ok', ?)`, i, detail)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		id, err := res.LastInsertId()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stdout, id) // os.Stdout is unbuffered: one write per acknowledged id
	}
}

// TestKillDuringWrites kills a writing child process with SIGKILL at a varying moment, again
// and again on one file, and checks that the file is intact and that every write the child
// acknowledged survived.
func TestKillDuringWrites(t *testing.T) {
	rounds := 50
	if testing.Short() {
		rounds = 10
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("STORE_KILL_TEST_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("seed %d (set STORE_KILL_TEST_SEED to repeat)", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	path := filepath.Join(t.TempDir(), "connect.db")
	var acked []int64

	for round := range rounds {
		// 0 kills the child before it acknowledges anything, during Open or even migration.
		kill := rng.IntN(40)
		acked = append(acked, killRound(t, round, kill, path)...)
		checkAfterKill(t, round, kill, path, acked)
	}
	t.Logf("%d rounds, %d acknowledged writes", rounds, len(acked))
}

// killRound starts a writing child, SIGKILLs it once it has acknowledged kill writes, and
// returns every id it acknowledged.
func killRound(t *testing.T, round, kill int, path string) []int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), killDBEnv+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill() // SIGKILL on Unix
		cmd.Wait()
	}()
	out := bufio.NewReader(stdout)
	// next returns the next acknowledged id; only a whole line counts.
	next := func() (int64, bool) {
		line, err := out.ReadString('\n')
		if err != nil {
			return 0, false
		}
		id, err := strconv.ParseInt(strings.TrimSpace(line), 10, 64)
		if err != nil {
			t.Fatalf("round %d: child printed %q", round, line)
		}
		return id, true
	}
	var acked []int64
	for range kill {
		id, ok := next()
		if !ok {
			t.Fatalf("round %d: child stopped before %d writes: %s", round, kill, stderr.String())
		}
		acked = append(acked, id)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	// Ids printed before the signal landed were acknowledged too.
	for {
		id, ok := next()
		if !ok {
			return acked
		}
		acked = append(acked, id)
	}
}

func checkAfterKill(t *testing.T, round, kill int, path string, acked []int64) {
	t.Helper()
	ctx := t.Context()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("round %d (killed after %d writes): Open: %v", round, kill, err)
	}
	defer db.Close()
	var integrity string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&integrity); err != nil {
		t.Fatal(err)
	}
	if integrity != "ok" {
		t.Fatalf("round %d (killed after %d writes): integrity_check = %q, want ok", round, kill, integrity)
	}
	rows, err := db.QueryContext(ctx, "SELECT id FROM activity")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	present := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		present[id] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, id := range acked {
		if !present[id] {
			t.Fatalf("round %d (killed after %d writes): acknowledged row %d is missing", round, kill, id)
		}
	}
}
