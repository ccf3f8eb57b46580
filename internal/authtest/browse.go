package authtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// Authorize plays the browser: it GETs authURL at the server, which approves as the
// current user, and returns the redirect it answers with (the client's redirect URI with
// code, state and iss, or with error) without following it.
func (s *Server) Authorize(ctx context.Context, authURL string) (*url.URL, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return nil, fmt.Errorf("authorize request: %w", err)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	// The app's start address redirects to the authorization address first, as a browser
	// follows it; the redirect that ends at the app's callback is returned, not followed.
	for range 3 {
		resp, err := c.Do(req)
		if err != nil {
			return nil, fmt.Errorf("authorize: %w", err)
		}
		resp.Body.Close()
		loc, err := resp.Location()
		if err != nil {
			return nil, fmt.Errorf("authorize: status %d without redirect: %w", resp.StatusCode, err)
		}
		if req.URL.Path != "/start" {
			return loc, nil
		}
		if req, err = http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil); err != nil {
			return nil, err
		}
	}
	return nil, errors.New("authorize: too many redirects")
}

// SignInAddress is the sign-in address that a browser given the app's start address (see
// loopback.StartURL) reaches by following its redirect; any other address as it is.
func SignInAddress(start string) (string, error) {
	u, err := url.Parse(start)
	if err != nil || u.Path != "/start" {
		return start, err
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(start)
	if err != nil {
		return "", fmt.Errorf("start address: %w", err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		return "", fmt.Errorf("start address: status %d without redirect: %w", resp.StatusCode, err)
	}
	return loc.String(), nil
}

// Deny plays the person who chooses Deny at the provider's page: the provider sends the
// browser to the client's redirect URI with access_denied (RFC 6749 section 4.1.2.1), and iss
// when not empty. It returns that redirect URI.
func Deny(start, iss string) (string, error) {
	authURL, err := SignInAddress(start)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(authURL)
	if err != nil {
		return "", err
	}
	redirect := u.Query().Get("redirect_uri")
	q := url.Values{"state": {u.Query().Get("state")}, "error": {"access_denied"}}
	if iss != "" {
		q.Set("iss", iss)
	}
	resp, err := http.Get(redirect + "?" + q.Encode())
	if err != nil {
		return redirect, err
	}
	return redirect, resp.Body.Close()
}
