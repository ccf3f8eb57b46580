package catalog

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Account names a connected account: Subject is stable and tells two accounts apart, Label
// is what a person reads (an e-mail address), possibly empty.
type Account struct {
	Subject string
	Label   string
}

// Identify makes the "who am I" request with client, which must add the access token (as the
// client from oauth2.Config.Client does), and reads the account from the JSON answer.
func Identify(ctx context.Context, client *http.Client, w WhoAmI) (Account, error) {
	if w.URL == "" {
		return Account{}, fmt.Errorf("identify: no who-am-i url: %w", ErrMissingEndpoint)
	}
	req, err := http.NewRequestWithContext(ctx, w.Method, w.URL, nil)
	if err != nil {
		return Account{}, fmt.Errorf("identify: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return Account{}, fmt.Errorf("identify: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	if err != nil {
		return Account{}, fmt.Errorf("identify %s: %w", w.URL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return Account{}, fmt.Errorf("identify %s: status %d: %w", w.URL, resp.StatusCode, ErrNoAccount)
	}
	if len(body) > maxDocument {
		return Account{}, fmt.Errorf("identify %s: larger than %d bytes: %w", w.URL, maxDocument, ErrNoAccount)
	}
	return w.Account(body)
}

// Account reads the account from a "who am I" JSON answer: the Subject field, and the first
// non-empty Labels field. Numeric identifiers are kept as written.
func (w WhoAmI) Account(body []byte) (Account, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var fields map[string]any
	if err := dec.Decode(&fields); err != nil {
		return Account{}, fmt.Errorf("identify: not a JSON object: %w", ErrNoAccount)
	}
	a := Account{Subject: scalar(fields[w.Subject])}
	if a.Subject == "" {
		return Account{}, fmt.Errorf("identify: no %q field: %w", w.Subject, ErrNoAccount)
	}
	for _, f := range w.Labels {
		if a.Label = scalar(fields[f]); a.Label != "" {
			break
		}
	}
	return a, nil
}

func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	}
	return ""
}
