package store

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestUpdateSourceAccount(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	putIntegration(t, db, testIntegration("box"))
	alice := addUser(t, db, "alice")
	id := insertSource(t, db, Source{IntegrationID: "box", OwnerID: alice, Account: "alice@example.com",
		AccountSubject: "sub-1", Scopes: []string{"a"}, CreatedAt: time.UnixMilli(1), UpdatedAt: time.UnixMilli(1)})

	at := time.UnixMilli(5000)
	if err := UpdateSourceAccount(ctx, db, id, "alice@new.example", []string{"a", "b"}, at); err != nil {
		t.Fatalf("UpdateSourceAccount: %v", err)
	}
	got, err := SourceByID(ctx, db, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Account != "alice@new.example" || !slices.Equal(got.Scopes, []string{"a", "b"}) ||
		!got.UpdatedAt.Equal(at) || got.AccountSubject != "sub-1" {
		t.Errorf("source = %+v, want account alice@new.example, scopes [a b], updated %v, subject kept", got, at)
	}
	if err := UpdateSourceAccount(ctx, db, id+1, "x", nil, at); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown source: got %v, want ErrNotFound", err)
	}
}
