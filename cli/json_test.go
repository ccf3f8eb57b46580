// These tests sign in against a real authorization server (authtest, ory/fosite) and keep
// secrets in a real Secret Service: run them under scripts/with-secret-service.sh.

package cli

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/internal/testkit"
)

// documentedFields reads the field names that README.md's "Output" list documents, by the
// label of each item ("user", "source", ...).
func documentedFields(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, list, ok := strings.Cut(string(b), "**Output**")
	if !ok {
		t.Fatal("README.md has no **Output** paragraph")
	}
	_, list, _ = strings.Cut(list, "\n\n")       // the list follows the paragraph
	list, _, _ = strings.Cut(list, "\n\n")       // and ends with a blank line
	list = strings.ReplaceAll(list, "\n  ", " ") // items go on over indented lines
	name := regexp.MustCompile("`([a-z_]+)`")
	docs := map[string][]string{}
	for item := range strings.Lines(list) {
		head, fields, ok := strings.Cut(strings.TrimPrefix(item, "- "), ": ")
		if !ok {
			t.Fatalf("README.md: %q is not \"- label (commands): fields\"", item)
		}
		label, _, _ := strings.Cut(head, " (")
		for _, m := range name.FindAllStringSubmatch(fields, -1) {
			docs[label] = append(docs[label], m[1])
		}
	}
	return docs
}

// tags returns the JSON names of v's fields, and those never left out.
func tags(v any) (all, always []string) {
	typ := reflect.TypeOf(v)
	for i := range typ.NumField() {
		name, opts, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		all = append(all, name)
		if opts != "omitempty" {
			always = append(always, name)
		}
	}
	return all, always
}

// TestJSONFieldsDocumented runs every command that prints JSON and checks each object it
// prints against README.md: only documented names, and every name that is never left out.
// The types behind them must carry exactly the documented names.
func TestJSONFieldsDocumented(t *testing.T) {
	w, srv, id := withIntegration(t)
	w.openURL = testkit.NewBrowser(t, srv).OpenURL
	docs := documentedFields(t)
	types := map[string]any{
		"user": userJSON{}, "integration": integrationJSON{}, "new integration": addedJSON{},
		"source": sourceJSON{}, "activity entry": entryJSON{}, "test report": testJSON{},
		"test step": testStepJSON{}, "upkeep report": maintainJSON{}, "sandbox settings": sandboxJSON{},
		"export report": exportJSON{}, "import report": importJSON{}, "import item": importItemJSON{},
	}
	for label, v := range types {
		if all, _ := tags(v); !slices.Equal(all, docs[label]) {
			t.Errorf("%s: %T has the fields %q, README.md documents %q", label, v, all, docs[label])
		}
	}
	if len(docs) != len(types) {
		t.Errorf("README.md documents %d kinds of output, want %d: %q", len(docs), len(types), docs)
	}

	// check decodes out, an object or (list) a non-empty list of them, and checks each.
	check := func(label string, list bool, r result) {
		t.Helper()
		if r.code != ExitOK {
			t.Fatalf("%s: %v", label, r)
		}
		var objects []map[string]json.RawMessage
		if list {
			err := json.Unmarshal([]byte(r.stdout), &objects)
			if err != nil || len(objects) == 0 {
				t.Fatalf("%s: want a non-empty JSON list, got %q (%v)", label, r.stdout, err)
			}
		} else {
			var o map[string]json.RawMessage
			if err := json.Unmarshal([]byte(r.stdout), &o); err != nil {
				t.Fatalf("%s: want a JSON object, got %q (%v)", label, r.stdout, err)
			}
			objects = append(objects, o)
		}
		_, always := tags(types[label])
		for _, o := range objects {
			for k := range o {
				if !slices.Contains(docs[label], k) {
					t.Errorf("%s: field %q is not documented (%q)", label, k, docs[label])
				}
			}
			for _, k := range always {
				if _, ok := o[k]; !ok {
					t.Errorf("%s: field %q is missing in %s", label, k, r.stdout)
				}
			}
			if steps, ok := o["steps"]; ok {
				var list []map[string]json.RawMessage
				if err := json.Unmarshal(steps, &list); err != nil || len(list) == 0 {
					t.Errorf("steps: want a non-empty list, got %s", steps)
				}
				for _, st := range list {
					for k := range st {
						if !slices.Contains(docs["test step"], k) {
							t.Errorf("test step: field %q is not documented", k)
						}
					}
				}
			}
		}
	}

	check("user", true, w.as("root", "users", "list", "--json"))
	check("user", false, w.as("root", "users", "add", "eve", "--new-passphrase-file", w.passFile("eve"), "--json"))
	check("integration", true, w.as("root", "integrations", "list", "--json"))
	check("integration", false, w.as("root", "integrations", "show", id, "--json"))
	check("sandbox settings", false, w.as("root", "integrations", "sandbox", "--json"))
	check("new integration", false, w.as("root", "integrations", "add", "Other", "--kind", "oauth2", "--json"))
	check("test report", false, w.as("root", "integrations", "test", id, "--json"))
	r := w.as("wendy", "sources", "connect", id, "--json")
	check("source", false, r)
	var src sourceJSON
	if err := json.Unmarshal([]byte(r.stdout), &src); err != nil {
		t.Fatal(err)
	}
	sid := strconv.FormatInt(src.ID, 10)
	check("source", true, w.as("wendy", "sources", "list", "--json"))
	check("source", false, w.as("wendy", "sources", "reconnect", sid, "--json"))
	check("source", false, w.as("wendy", "sources", "refresh", sid, "--json"))
	check("upkeep report", false, w.as("rita", "sources", "maintain", "--json"))
	check("activity entry", true, w.as("root", "activity", "--json"))
	file, filePass := w.dir+"/ws.age", w.passFile("file")
	check("export report", false, w.as("root", "workspace", "export", file, "--file-passphrase-file", filePass, "--json"))
	check("import report", false, w.as("root", "workspace", "import", file, "--file-passphrase-file", filePass, "--dry-run", "--json"))
}

// Every renewal kind has its words, in the RENEWS column and in --json.
func TestRenewalWords(t *testing.T) {
	by := time.Date(2027, 1, 5, 12, 0, 0, 0, time.Local)
	for _, c := range []struct {
		rn          core.Renewal
		column, js  string
		jsonHasDate bool
	}{
		{core.Renewal{Kind: core.RenewsAutomatically}, "automatically", "automatic", false},
		{core.Renewal{Kind: core.RenewsWhileOpen, By: by}, "while the app runs; idles out 2027-01-05", "while_app_runs", true},
		{core.Renewal{Kind: core.RenewalExpires, By: by}, "expires 2027-01-05 unless refreshed", "expires", true},
		{core.Renewal{Kind: core.RenewalExpired, By: by}, "expired unused: reconnect", "expired", true},
		{core.Renewal{Kind: core.RenewalReconnect}, "reconnect to renew", "reconnect", false},
		{core.Renewal{Kind: core.RenewalNone}, "-", "none", false},
	} {
		out := sourceOut(core.Source{Renewal: c.rn})
		if got := renews(c.rn); got != c.column || out.Renewal != c.js || (out.RenewalBy != nil) != c.jsonHasDate {
			t.Errorf("%+v: column %q, json %q (date %v); want %q, %q", c.rn, got, out.Renewal, out.RenewalBy, c.column, c.js)
		}
	}
}
