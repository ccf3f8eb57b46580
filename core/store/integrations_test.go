package store

import (
	"database/sql"
	"errors"
	"reflect"
	"testing"
	"time"
)

// at returns a time the store keeps exactly: whole milliseconds.
func at(ms int64) time.Time { return time.UnixMilli(1_750_000_000_000 + ms) }

func testIntegration(id string) Integration {
	return Integration{
		ID: id, Provider: "box", Name: "Box " + id, ClientID: "client-" + id,
		SecretSetAt: at(1), SecretSetBy: "alice", Enabled: true, RedirectPort: 53682,
		Scopes: []string{"root_readonly", "manage_webhook"}, Tenant: "t", PublishingStatus: "testing", Issuer: "https://issuer.example",
		AuthURL: "https://a.example/auth", TokenURL: "https://a.example/token",
		RevokeURL: "https://a.example/revoke", UserinfoURL: "https://a.example/me",
		CreatedAt: at(2), UpdatedAt: at(3),
	}
}

func putIntegration(t *testing.T, db *DB, in Integration) {
	t.Helper()
	if err := PutIntegration(t.Context(), db, in); err != nil {
		t.Fatal(err)
	}
}

func TestIntegrationRoundTrip(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	box := testIntegration("box")
	putIntegration(t, db, box)
	got, err := IntegrationByID(ctx, db, "box")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, box) {
		t.Errorf("Integration:\n got %+v\nwant %+v", got, box)
	}

	// An update keeps CreatedAt and changes the rest, down to clearing fields.
	upd := Integration{ID: "box", Provider: "box", Name: "Box (team)", CreatedAt: at(100), UpdatedAt: at(101)}
	putIntegration(t, db, upd)
	got, err = IntegrationByID(ctx, db, "box")
	if err != nil {
		t.Fatal(err)
	}
	want := upd
	want.CreatedAt = box.CreatedAt
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after update:\n got %+v\nwant %+v", got, want)
	}

	putIntegration(t, db, testIntegration("aaa"))
	list, err := Integrations(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, in := range list {
		names = append(names, in.Name)
	}
	if want := []string{"Box (team)", "Box aaa"}; !reflect.DeepEqual(names, want) {
		t.Errorf("Integrations names = %q, want %q", names, want)
	}
}

func TestIntegrationNotFound(t *testing.T) {
	db := openTemp(t)
	if _, err := IntegrationByID(t.Context(), db, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Integration(nope): err = %v, want ErrNotFound", err)
	}
	if err := DeleteIntegration(t.Context(), db, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteIntegration(nope): err = %v, want ErrNotFound", err)
	}
}

func TestDeleteIntegrationInUse(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	putIntegration(t, db, testIntegration("box"))
	putIntegration(t, db, testIntegration("dropbox"))
	alice := addUser(t, db, "alice")
	insertSource(t, db, Source{IntegrationID: "box", OwnerID: alice, Account: "a@x", AccountSubject: "1"})
	insertSource(t, db, Source{IntegrationID: "box", OwnerID: alice, Account: "b@x", AccountSubject: "2"})

	counts, err := IntegrationSourceCounts(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"box": 2}; !reflect.DeepEqual(counts, want) {
		t.Errorf("IntegrationSourceCounts = %v, want %v", counts, want)
	}
	if err := DeleteIntegration(ctx, db, "box"); !errors.Is(err, ErrInUse) {
		t.Errorf("DeleteIntegration(box) with sources: err = %v, want ErrInUse", err)
	}
	if err := DeleteIntegration(ctx, db, "dropbox"); err != nil {
		t.Errorf("DeleteIntegration(dropbox): %v", err)
	}
	if _, err := IntegrationByID(ctx, db, "dropbox"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after delete: err = %v, want ErrNotFound", err)
	}
}

func TestTxRollsBack(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	boom := errors.New("boom")
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if err := PutIntegration(ctx, tx, testIntegration("box")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("Tx: err = %v, want %v", err, boom)
	}
	if _, err := IntegrationByID(ctx, db, "box"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after rollback: err = %v, want ErrNotFound", err)
	}

	err = db.Tx(ctx, func(tx *sql.Tx) error {
		if err := PutIntegration(ctx, tx, testIntegration("box")); err != nil {
			return err
		}
		return PutIntegration(ctx, tx, testIntegration("dropbox"))
	})
	if err != nil {
		t.Fatalf("Tx: %v", err)
	}
	if list, err := Integrations(ctx, db); err != nil || len(list) != 2 {
		t.Errorf("after commit: %d integrations (err %v), want 2", len(list), err)
	}

	func() {
		defer func() { recover() }()
		db.Tx(ctx, func(tx *sql.Tx) error {
			PutIntegration(ctx, tx, testIntegration("gdrive"))
			panic("boom")
		})
	}()
	if _, err := IntegrationByID(ctx, db, "gdrive"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after panic: err = %v, want ErrNotFound", err)
	}
}
