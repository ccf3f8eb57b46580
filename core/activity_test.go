package core

import (
	"bytes"
	"context"
	"encoding/csv"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/store"
)

func TestActivityPagesAndFilters(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app
	for range access.FreeFailures - 1 {
		a.SignIn(ctx, "rita", secret("wrong passphrase!"))
	}

	var all []ActivityEntry
	f := ActivityFilter{Limit: 4}
	for {
		page, err := a.Activity(ctx, tm.admin, f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if len(page) < f.Limit {
			break
		}
		f.BeforeID = page[len(page)-1].ID
	}
	if want := countActivity(t, a); len(all) != want {
		t.Fatalf("paged through %d entries, want %d", len(all), want)
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID >= all[i-1].ID {
			t.Fatalf("entry %d has id %d after %d: not newest first", i, all[i].ID, all[i-1].ID)
		}
	}

	page, err := a.Activity(ctx, tm.admin, ActivityFilter{Actor: "rita", Action: string(access.SignIn)})
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, e := range page {
		if e.Actor != "rita" || e.Action != "signin" {
			t.Errorf("filtered entry %+v, want rita's signin", e)
		}
		if e.Outcome == store.OutcomeFailed {
			failed++
		}
	}
	if failed != access.FreeFailures-1 {
		t.Errorf("rita's failed sign-ins = %d, want %d", failed, access.FreeFailures-1)
	}
}

func TestExportActivityCSV(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app
	evil := "=HYPERLINK(\"http://evil.example\")"
	if _, err := a.AddUser(ctx, tm.admin, evil, access.Read, secret("formula passphrase"), secret("formula passphrase")); err != nil {
		t.Fatal(err)
	}
	entries := countActivity(t, a)

	var buf bytes.Buffer
	if err := a.ExportActivityCSV(ctx, tm.admin, &buf, ActivityFilter{}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != entries+1 {
		t.Fatalf("%d CSV records, want a header and %d entries", len(recs), entries)
	}
	if got := recs[0]; got[0] != "id" || got[6] != "detail" {
		t.Errorf("header = %q", got)
	}
	if got := recs[1][4]; got != "'"+evil {
		t.Errorf("newest entry's subject = %q, want %q", got, "'"+evil)
	}
	if e := lastEntries(t, a, 1)[0]; e.Action != string(access.ActivityExport) || e.Outcome != store.OutcomeOK || e.Actor != "root" {
		t.Errorf("last entry = %+v, want root's activity.export ok", e)
	}

	buf.Reset()
	if err := a.ExportActivityCSV(ctx, tm.admin, &buf, ActivityFilter{Actor: "wendy"}); err != nil {
		t.Fatal(err)
	}
	recs, _ = csv.NewReader(&buf).ReadAll()
	if len(recs) != 2 || recs[1][2] != "wendy" { // wendy's one sign-in
		t.Errorf("wendy's export = %q, want a header and her sign-in", recs)
	}
}

// Actions must hold every action that package access defines, since core writes each of them
// to the log (a refusal of any of them is a "denied" entry): the test reads access's source
// for its constants of type Action, so a new one that Actions lacks fails here.
func TestActionsListsEveryActionAccessDefines(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), filepath.Join("access", "access.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	listed := Actions()
	defined := 0
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, spec := range gen.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Action" {
				continue
			}
			for i, name := range vs.Names {
				defined++
				lit := vs.Values[i].(*ast.BasicLit)
				code, _ := strconv.Unquote(lit.Value)
				if !slices.Contains(listed, access.Action(code)) {
					t.Errorf("access.%s (%s) is not in core.Actions()", name.Name, code)
				}
			}
		}
	}
	if defined != len(listed) {
		t.Errorf("access defines %d actions, core.Actions() lists %d", defined, len(listed))
	}
}
