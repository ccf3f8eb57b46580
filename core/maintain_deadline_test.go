package core

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/medialake/connect/core/store"
)

// silentServer accepts connections on 127.0.0.1 and never answers: a provider that hangs.
type silentServer struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newSilentServer(t *testing.T) *silentServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &silentServer{ln: ln}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, c := range s.conns {
			c.Close()
		}
	})
	return s
}

func (s *silentServer) URL() string { return "http://" + s.ln.Addr().String() }

// accepted counts the connections accepted so far.
func (s *silentServer) accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// A provider that accepts connections and never answers holds up no other source: each
// source's upkeep has its own deadline. Maintain returns, the healthy source after the stuck
// ones is back online, the stuck ones keep their status with the reason, count as the
// provider's silence rather than an error of this computer's, and wait before their next try.
func TestMaintainStuckProviderHoldsUpNoOther(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	silent := newSilentServer(t)
	const deadline = 2 * time.Second // long enough for a healthy refresh under -race
	defer func(d time.Duration) { upkeepTimeout = d }(upkeepTimeout)
	upkeepTimeout = deadline

	// Sources are handled in id order: the stuck ones come first.
	tm.addIntegration(t, integrationSpec{id: "stuckrev", provider: "oauth2"})
	revoking := tm.connect(t, tm.writer, "stuckrev")
	tm.editIntegration(t, "stuckrev", func(in *store.Integration) { in.RevokeURL = silent.URL() + "/revoke" })
	tm.setStatus(t, revoking.ID, StatusRevocationPending)

	tm.addIntegration(t, integrationSpec{id: "stuckoidc", provider: "oidc"})
	discovering := tm.connect(t, tm.writer, "stuckoidc")
	tm.editIntegration(t, "stuckoidc", func(in *store.Integration) { in.Issuer = silent.URL() })
	tm.setStatus(t, discovering.ID, StatusOffline)

	tm.addIntegration(t, integrationSpec{id: "healthy", provider: "oauth2"})
	healthy := tm.connect(t, tm.writer, "healthy")
	tm.setStatus(t, healthy.ID, StatusOffline)

	// A guard, far above the deadlines, so that a hang fails instead of blocking the run.
	guard, cancel := context.WithTimeout(ctx, 10*deadline)
	defer cancel()
	rep, err := tm.app.Maintain(guard)
	if err != nil {
		t.Fatalf("Maintain: %v", err)
	}
	if want := (MaintainReport{BackOnline: 1, StillOffline: 1}); rep != want {
		t.Errorf("report = %+v, want %+v", rep, want)
	}
	if n := silent.accepted(); n != 2 {
		t.Errorf("the silent provider accepted %d connections, want 2 (discovery, revocation)", n)
	}
	if r := tm.row(t, healthy.ID); r.Status != StatusConnected {
		t.Errorf("healthy source: status %s (%q), want connected", r.Status, r.StatusDetail)
	}
	if r := tm.row(t, discovering.ID); r.Status != StatusOffline {
		t.Errorf("source behind a silent discovery: status %s (%q), want offline", r.Status, r.StatusDetail)
	}
	r := tm.row(t, revoking.ID)
	if want := "did not answer within " + deadline.String(); r.Status != StatusRevocationPending || !strings.Contains(r.StatusDetail, want) {
		t.Errorf("source behind a silent revocation: status %s (%q), want revocation pending, %q", r.Status, r.StatusDetail, want)
	}

	// The next run, before their wait is over, leaves both alone.
	if rep := tm.maintain(t, tm.app); rep != (MaintainReport{StillOffline: 1}) {
		t.Errorf("second run = %+v, want StillOffline 1", rep)
	}
	if n := silent.accepted(); n != 2 {
		t.Errorf("the silent provider accepted %d connections after the second run, want still 2", n)
	}
}

// setStatus sets a source's status as an earlier failure would have.
func (tm *connectTeam) setStatus(t *testing.T, id int64, status string) {
	t.Helper()
	if err := store.UpdateSourceStatus(context.Background(), tm.app.db, id, status, "set by the test", tm.clk.Now()); err != nil {
		t.Fatal(err)
	}
}
