package transfer

// bounds.go: the bounds a decrypted document is checked against, token by token, before
// any record is built.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// checkCounts refuses a document whose lists are longer than their bounds, counting the
// elements one at a time without keeping them.
func checkCounts(text []byte) error {
	limits := map[string]int{"integrations": MaxIntegrations, "users": MaxUsers, "activity": MaxActivity}
	dec := json.NewDecoder(bytes.NewReader(text))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("%w: not a JSON object inside", ErrNotExport)
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%w: %v", ErrNotExport, err)
		}
		limit, listed := limits[fmt.Sprint(key)]
		// encoding/json matches a field's name in any case (and folds ſ to s): a list under
		// "Activity" or "Uſers" would be read unbounded, so such a key is refused.
		for name := range limits {
			if !listed && strings.EqualFold(fmt.Sprint(key), name) {
				return fmt.Errorf("%w: a key spelt like %q but not %q", ErrNotExport, name, name)
			}
		}
		if !listed {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fmt.Errorf("%w: %v", ErrNotExport, err)
			}
			continue
		}
		if err := countList(dec, fmt.Sprint(key), limit); err != nil {
			return err
		}
	}
	return nil
}

// countList reads the list (or null) that dec is at, refusing it past limit elements.
func countList(dec *json.Decoder, name string, limit int) error {
	t, err := dec.Token()
	if err != nil || t == nil {
		return err
	}
	if t != json.Delim('[') {
		return fmt.Errorf("%w: %s is not a list", ErrNotExport, name)
	}
	for n := 1; dec.More(); n++ {
		if n > limit {
			return fmt.Errorf("%w: more than %d %s", ErrNotExport, limit, name)
		}
		if err := walkValue(dec, fmt.Sprintf("%s[%d]", name, n-1), 1); err != nil {
			return err
		}
	}
	_, err = dec.Token() // ]
	return err
}

// Bounds on what one record of a list may hold, checked before any record is built.
const (
	maxRecordKeys  = 64  // keys of any object inside a record, the record included
	maxRecordItems = 256 // elements of any list inside a record
	maxRecordDepth = 8   // objects and lists inside one another, the record the first
)

// walkValue reads the value dec is at (at depth) token by token, refusing it past the bounds.
func walkValue(dec *json.Decoder, path string, depth int) error {
	t, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNotExport, err)
	}
	open, ok := t.(json.Delim)
	if !ok {
		return nil
	}
	if depth > maxRecordDepth {
		return fmt.Errorf("%w: %s is nested more than %d levels deep", ErrNotExport, path, maxRecordDepth)
	}
	limit, what := maxRecordItems, "elements"
	if open == '{' {
		limit, what = maxRecordKeys, "keys"
	}
	for n := 0; dec.More(); n++ {
		if n == limit {
			return fmt.Errorf("%w: %s holds more than %d %s", ErrNotExport, path, limit, what)
		}
		inner := fmt.Sprintf("%s[%d]", path, n)
		if open == '{' {
			key, err := dec.Token()
			if err != nil {
				return fmt.Errorf("%w: %v", ErrNotExport, err)
			}
			inner = path + "." + keyName(fmt.Sprint(key))
		}
		if err := walkValue(dec, inner, depth+1); err != nil {
			return err
		}
	}
	_, err = dec.Token() // ] or }
	return err
}

// keyName is key for a message: itself when it is a plain field name, "?" otherwise.
func keyName(key string) string {
	if !fieldName.MatchString(key) {
		return "?"
	}
	return key
}

var fieldName = regexp.MustCompile(`^[A-Za-z0-9_]{1,40}$`)
