package main

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/medialake/connect/internal/authtest"
)

func TestParseAccounts(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []authtest.User
		ok   bool
	}{
		{"jane@example.com:Jane Doe", []authtest.User{{Subject: "jane@example.com", Email: "jane@example.com", Name: "Jane Doe"}}, true},
		{"a@x:A, b@x:B", []authtest.User{{Subject: "a@x", Email: "a@x", Name: "A"}, {Subject: "b@x", Email: "b@x", Name: "B"}}, true},
		{"a@x", nil, false},
		{"a@x:A,", nil, false},
		{":A", nil, false},
	} {
		got, err := parseAccounts(c.in)
		if (err == nil) != c.ok || !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseAccounts(%q) = %v, %v; want %v, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}

// TestStandaloneServes runs authtest's server on the stand-in for *testing.T, as the
// program does: it serves, and its clean-ups stop it.
func TestStandaloneServes(t *testing.T) {
	sa := &standalone{}
	srv := authtest.New(sa)
	srv.AddClient(authtest.Client{ID: "c", Secret: "s", RedirectURIs: []string{"http://127.0.0.1/callback"}})
	_, _, _, _, discovery := srv.Endpoints()
	resp, err := http.Get(discovery)
	if err != nil {
		t.Fatalf("discovery while serving: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("discovery while serving: %s, want 200 OK", resp.Status)
	}
	sa.cleanup()
	if resp, err := http.Get(discovery); err == nil {
		resp.Body.Close()
		t.Errorf("discovery after the clean-ups answered %s, want no server", resp.Status)
	}
}
