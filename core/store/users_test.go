package store

import (
	"errors"
	"testing"
	"time"

	"github.com/medialake/connect/core/access"
)

func insertTestUser(t *testing.T, db *DB, name string, p access.Privilege) int64 {
	t.Helper()
	id, err := InsertUser(t.Context(), db, User{Name: name, Privilege: p, PassphraseHash: "$argon2id$x", CreatedAt: time.UnixMilli(5)})
	if err != nil {
		t.Fatalf("InsertUser(%s): %v", name, err)
	}
	return id
}

func TestUserRoundTrip(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	id := insertTestUser(t, db, "Émile", access.Admin)
	u, err := UserByID(ctx, db, id)
	if err != nil {
		t.Fatal(err)
	}
	want := User{ID: id, Name: "Émile", Privilege: access.Admin, PassphraseHash: "$argon2id$x", CreatedAt: time.UnixMilli(5)}
	if u != want {
		t.Errorf("UserByID = %+v, want %+v", u, want)
	}
	for _, name := range []string{"Émile", "émile", "ÉMILE"} {
		if got, err := UserByName(ctx, db, name); err != nil || got.ID != id {
			t.Errorf("UserByName(%q) = %d, %v; want %d", name, got.ID, err, id)
		}
	}
	if _, err := UserByName(ctx, db, "Emile"); !errors.Is(err, ErrNotFound) {
		t.Errorf("UserByName(Emile) error = %v, want ErrNotFound", err)
	}
	if _, err := UserByID(ctx, db, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("UserByID(999) error = %v, want ErrNotFound", err)
	}
	insertTestUser(t, db, "jane", access.Read)
	if _, err := InsertUser(ctx, db, User{Name: "JANE", Privilege: access.Read}); !errors.Is(err, ErrDuplicate) {
		t.Errorf("InsertUser(JANE) error = %v, want ErrDuplicate", err)
	}
}

func TestSignInCounters(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	id := insertTestUser(t, db, "jane", access.Write)
	for want := 1; want <= 3; want++ {
		if n, err := AddFailedSignIn(ctx, db, id); err != nil || n != want {
			t.Fatalf("AddFailedSignIn = %d, %v; want %d", n, err, want)
		}
	}
	until := time.UnixMilli(1_750_000_030_000)
	if err := SetLockedUntil(ctx, db, id, until); err != nil {
		t.Fatal(err)
	}
	u, _ := UserByID(ctx, db, id)
	if u.FailedSignIns != 3 || !u.LockedUntil.Equal(until) {
		t.Errorf("after failures: %d, %v; want 3, %v", u.FailedSignIns, u.LockedUntil, until)
	}
	signin := time.UnixMilli(1_750_000_100_000)
	if err := RecordSignIn(ctx, db, id, signin); err != nil {
		t.Fatal(err)
	}
	u, _ = UserByID(ctx, db, id)
	if u.FailedSignIns != 0 || !u.LockedUntil.IsZero() || !u.LastSignInAt.Equal(signin) {
		t.Errorf("after sign-in: %d, %v, %v; want 0, zero, %v", u.FailedSignIns, u.LockedUntil, u.LastSignInAt, signin)
	}
	if _, err := AddFailedSignIn(ctx, db, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("AddFailedSignIn(999) error = %v, want ErrNotFound", err)
	}
}

func TestUserChanges(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	a := insertTestUser(t, db, "ada", access.Admin)
	b := insertTestUser(t, db, "bob", access.Admin)
	count := func() int {
		n, err := CountActiveAdmins(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 2 {
		t.Errorf("active admins = %d, want 2", n)
	}
	if err := SetUserDisabled(ctx, db, b, true); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 1 {
		t.Errorf("active admins after disabling one = %d, want 1", n)
	}
	if err := SetUserPrivilege(ctx, db, a, access.Read); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Errorf("active admins after demoting the other = %d, want 0", n)
	}
	if err := SetPassphraseHash(ctx, db, a, "$argon2id$new", false); err != nil {
		t.Fatal(err)
	}
	if u, _ := UserByID(ctx, db, a); u.PassphraseHash != "$argon2id$new" || u.Privilege != access.Read {
		t.Errorf("user = %+v, want the new hash and read", u)
	}
	if err := SetUserPrivilege(ctx, db, 999, access.Read); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetUserPrivilege(999) error = %v, want ErrNotFound", err)
	}

	// A user who owns a source cannot be deleted.
	if err := PutIntegration(ctx, db, Integration{ID: "box", Provider: "box", Name: "Box"}); err != nil {
		t.Fatal(err)
	}
	if _, err := InsertSource(ctx, db, Source{IntegrationID: "box", OwnerID: a, Account: "a@example.com", AccountSubject: "1"}); err != nil {
		t.Fatal(err)
	}
	if counts, err := SourceCounts(ctx, db); err != nil || counts[a] != 1 || counts[b] != 0 {
		t.Errorf("SourceCounts = %v, %v; want %d:1", counts, err, a)
	}
	if err := DeleteUser(ctx, db, a); !errors.Is(err, ErrInUse) {
		t.Errorf("DeleteUser of a source owner error = %v, want ErrInUse", err)
	}
	if err := DeleteUser(ctx, db, b); err != nil {
		t.Errorf("DeleteUser: %v", err)
	}
	if err := DeleteUser(ctx, db, b); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteUser twice error = %v, want ErrNotFound", err)
	}
}
