package store

import (
	"errors"
	"reflect"
	"testing"
)

// addUser inserts a user directly; users have their own queries elsewhere in the package.
func addUser(t *testing.T, db *DB, name string) int64 {
	t.Helper()
	res, err := db.ExecContext(t.Context(), `INSERT INTO users (name, privilege, passphrase_hash, created_at)
		VALUES (?, 'write', '$argon2id$test', 1)`, name)
	if err != nil {
		t.Fatal(err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func insertSource(t *testing.T, db *DB, s Source) int64 {
	t.Helper()
	id, err := InsertSource(t.Context(), db, s)
	if err != nil {
		t.Fatalf("InsertSource(%s): %v", s.Account, err)
	}
	return id
}

func TestSourceRoundTrip(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	putIntegration(t, db, testIntegration("box"))
	alice := addUser(t, db, "alice")
	want := Source{
		IntegrationID: "box", IntegrationName: testIntegration("box").Name, OwnerID: alice, OwnerName: "alice",
		Account: "alice@example.com", AccountSubject: "sub-1", Scopes: []string{"a", "b"},
		Status: StatusConnected, TokenVersion: 1, TokenExpiry: at(10), LastRefreshAt: at(11),
		CreatedAt: at(12), UpdatedAt: at(13), GrantedAt: at(14),
	}
	want.ID = insertSource(t, db, want)
	got, err := SourceByID(ctx, db, want.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Source:\n got %+v\nwant %+v", got, want)
	}
	if _, err := SourceByID(ctx, db, want.ID+1); !errors.Is(err, ErrNotFound) {
		t.Errorf("Source(missing): err = %v, want ErrNotFound", err)
	}
}

func TestInsertSourceRefused(t *testing.T) {
	db := openTemp(t)
	putIntegration(t, db, testIntegration("box"))
	putIntegration(t, db, testIntegration("dropbox"))
	alice, bob := addUser(t, db, "alice"), addUser(t, db, "bob")
	insertSource(t, db, Source{IntegrationID: "box", OwnerID: alice, Account: "a@x", AccountSubject: "1"})

	tests := []struct {
		name string
		s    Source
		want error
	}{
		{"same account, owner and integration", Source{IntegrationID: "box", OwnerID: alice, Account: "renamed", AccountSubject: "1"}, ErrDuplicate},
		{"no such integration", Source{IntegrationID: "nope", OwnerID: alice, Account: "a@x", AccountSubject: "1"}, ErrNotFound},
		{"no such owner", Source{IntegrationID: "box", OwnerID: 99, Account: "a@x", AccountSubject: "1"}, ErrNotFound},
		{"other owner", Source{IntegrationID: "box", OwnerID: bob, Account: "a@x", AccountSubject: "1"}, nil},
		{"other integration", Source{IntegrationID: "dropbox", OwnerID: alice, Account: "a@x", AccountSubject: "1"}, nil},
	}
	bad := Source{IntegrationID: "box", OwnerID: bob, Account: "c@x", AccountSubject: "3", Status: "fine"}
	if _, err := InsertSource(t.Context(), db, bad); err == nil {
		t.Error("InsertSource with status \"fine\": no error")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := InsertSource(t.Context(), db, tt.s); !errors.Is(err, tt.want) {
				t.Errorf("InsertSource: err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSourcesFilter(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	box, dropbox := testIntegration("box"), testIntegration("dropbox")
	dropbox.Name = "Team Dropbox"
	putIntegration(t, db, box)
	putIntegration(t, db, dropbox)
	alice, bob := addUser(t, db, "alice"), addUser(t, db, "Bob")
	for _, s := range []Source{
		{IntegrationID: "box", OwnerID: alice, Account: "zed@example.com", AccountSubject: "1"},
		{IntegrationID: "box", OwnerID: bob, Account: "Bob@example.com", AccountSubject: "2"},
		{IntegrationID: "dropbox", OwnerID: alice, Account: "alice@example.com", AccountSubject: "3"},
		{IntegrationID: "dropbox", OwnerID: bob, Account: "carol_100%@example.com", AccountSubject: "4"},
	} {
		insertSource(t, db, s)
	}
	tests := []struct {
		name string
		f    SourceFilter
		want []string
	}{
		{"all, by account", SourceFilter{}, []string{"alice@example.com", "Bob@example.com", "carol_100%@example.com", "zed@example.com"}},
		{"owner", SourceFilter{OwnerID: alice}, []string{"alice@example.com", "zed@example.com"}},
		{"integration", SourceFilter{IntegrationID: "box"}, []string{"Bob@example.com", "zed@example.com"}},
		{"owner and integration", SourceFilter{OwnerID: bob, IntegrationID: "box"}, []string{"Bob@example.com"}},
		{"text in account", SourceFilter{Text: "ZED"}, []string{"zed@example.com"}},
		{"text in owner name", SourceFilter{Text: "bob"}, []string{"Bob@example.com", "carol_100%@example.com"}},
		{"text in integration name", SourceFilter{Text: "team"}, []string{"alice@example.com", "carol_100%@example.com"}},
		{"text with LIKE characters", SourceFilter{Text: "_100%"}, []string{"carol_100%@example.com"}},
		{"text and owner", SourceFilter{Text: "example", OwnerID: bob}, []string{"Bob@example.com", "carol_100%@example.com"}},
		{"no match", SourceFilter{Text: "nobody"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := Sources(ctx, db, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range list {
				got = append(got, s.Account)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Sources(%+v) = %q, want %q", tt.f, got, tt.want)
			}
		})
	}
}

func TestSourceUpdates(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	putIntegration(t, db, testIntegration("box"))
	alice := addUser(t, db, "alice")
	id := insertSource(t, db, Source{IntegrationID: "box", OwnerID: alice, Account: "a@x", AccountSubject: "1", TokenVersion: 1})

	if err := UpdateSourceStatus(ctx, db, id, StatusNeedsReconnect, "invalid_grant", at(50)); err != nil {
		t.Fatal(err)
	}
	if err := UpdateSourceStatus(ctx, db, id, "fine", "", at(51)); err == nil {
		t.Error("UpdateSourceStatus(fine): no error")
	}
	if err := UpdateSourceStatus(ctx, db, id+1, StatusOffline, "", at(52)); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateSourceStatus(missing): err = %v, want ErrNotFound", err)
	}
	v, err := RecordTokenWrite(ctx, db, id, at(3_600_000), at(60))
	if err != nil || v != 2 {
		t.Errorf("RecordTokenWrite = %d, %v; want 2, nil", v, err)
	}
	if _, err := RecordTokenWrite(ctx, db, id+1, at(0), at(0)); !errors.Is(err, ErrNotFound) {
		t.Errorf("RecordTokenWrite(missing): err = %v, want ErrNotFound", err)
	}
	s, err := SourceByID(ctx, db, id)
	if err != nil {
		t.Fatal(err)
	}
	got := [...]any{s.Status, s.StatusDetail, s.TokenVersion, s.TokenExpiry, s.LastRefreshAt, s.UpdatedAt}
	want := [...]any{StatusNeedsReconnect, "invalid_grant", int64(2), at(3_600_000), at(60), at(60)}
	if got != want {
		t.Errorf("after updates: %v, want %v", got, want)
	}

	if err := DeleteSource(ctx, db, id); err != nil {
		t.Fatal(err)
	}
	if _, err := SourceByID(ctx, db, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("after delete: err = %v, want ErrNotFound", err)
	}
	if err := DeleteSource(ctx, db, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteSource twice: err = %v, want ErrNotFound", err)
	}
}

func TestTransferSources(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	putIntegration(t, db, testIntegration("box"))
	alice, bob, carol := addUser(t, db, "alice"), addUser(t, db, "bob"), addUser(t, db, "carol")
	insertSource(t, db, Source{IntegrationID: "box", OwnerID: alice, Account: "a@x", AccountSubject: "1"})
	insertSource(t, db, Source{IntegrationID: "box", OwnerID: alice, Account: "b@x", AccountSubject: "2"})
	insertSource(t, db, Source{IntegrationID: "box", OwnerID: carol, Account: "b@x", AccountSubject: "2"})

	owners := func() map[string]int {
		list, err := Sources(ctx, db, SourceFilter{})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]int{}
		for _, s := range list {
			m[s.OwnerName]++
		}
		return m
	}
	start := owners()

	if _, err := TransferSources(ctx, db, alice, carol, at(1)); !errors.Is(err, ErrDuplicate) {
		t.Errorf("transfer onto an owner of the same account: err = %v, want ErrDuplicate", err)
	}
	if _, err := TransferSources(ctx, db, alice, 99, at(1)); !errors.Is(err, ErrNotFound) {
		t.Errorf("transfer to a missing user: err = %v, want ErrNotFound", err)
	}
	if got := owners(); !reflect.DeepEqual(got, start) {
		t.Errorf("after refused transfers: owners %v, want %v", got, start)
	}

	n, err := TransferSources(ctx, db, alice, bob, at(2))
	if err != nil || n != 2 {
		t.Fatalf("TransferSources = %d, %v; want 2, nil", n, err)
	}
	if got, want := owners(), map[string]int{"bob": 2, "carol": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("after transfer: owners %v, want %v", got, want)
	}
	list, err := Sources(ctx, db, SourceFilter{OwnerID: bob})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if !s.UpdatedAt.Equal(at(2)) {
			t.Errorf("source %d UpdatedAt = %v, want %v", s.ID, s.UpdatedAt, at(2))
		}
	}
}
