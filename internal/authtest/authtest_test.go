package authtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/internal/authtest"
)

const redirect = "http://127.0.0.1/callback" // registered: any port matches

func newConfig(s *authtest.Server, id, secret string, style oauth2.AuthStyle, port string) *oauth2.Config {
	auth, token, _, _, _ := s.Endpoints()
	return &oauth2.Config{
		ClientID:     id,
		ClientSecret: secret,
		Endpoint:     oauth2.Endpoint{AuthURL: auth, TokenURL: token, AuthStyle: style},
		RedirectURL:  "http://127.0.0.1:" + port + "/callback",
		Scopes:       []string{"openid", "email"},
	}
}

// login runs the browser step and returns the callback's query.
func login(t *testing.T, s *authtest.Server, cfg *oauth2.Config, opts ...oauth2.AuthCodeOption) url.Values {
	t.Helper()
	loc, err := s.Authorize(t.Context(), cfg.AuthCodeURL("state-0123456789abcdef", opts...))
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	if got, want := loc.Scheme+"://"+loc.Host+loc.Path, cfg.RedirectURL; got != want {
		t.Fatalf("redirected to %s, want %s", got, want)
	}
	return loc.Query()
}

// connect logs in with PKCE and exchanges the code.
func connect(t *testing.T, s *authtest.Server, cfg *oauth2.Config) *oauth2.Token {
	t.Helper()
	v := oauth2.GenerateVerifier()
	q := login(t, s, cfg, oauth2.S256ChallengeOption(v))
	tok, err := cfg.Exchange(t.Context(), q.Get("code"), oauth2.VerifierOption(v))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	return tok
}

func errorCode(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

func refresh(ctx context.Context, cfg *oauth2.Config, rt string) (*oauth2.Token, error) {
	return cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: rt}).Token()
}

func TestCodeFlow(t *testing.T) {
	tests := []struct {
		name   string
		secret string
		style  oauth2.AuthStyle
	}{
		{"public client", "", oauth2.AuthStyleInParams},
		{"client_secret_basic", "s3cret", oauth2.AuthStyleInHeader},
		{"client_secret_post", "s3cret", oauth2.AuthStyleInParams},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := authtest.New(t)
			s.AddClient(authtest.Client{ID: "app", Secret: tt.secret, RedirectURIs: []string{redirect}})
			user := authtest.User{Subject: "u-42", Email: "ann@example.com", Name: "Ann"}
			s.SetUser(user)
			cfg := newConfig(s, "app", tt.secret, tt.style, "49152")

			v := oauth2.GenerateVerifier()
			q := login(t, s, cfg, oauth2.S256ChallengeOption(v))
			if got := q.Get("state"); got != "state-0123456789abcdef" {
				t.Errorf("state = %q, want %q", got, "state-0123456789abcdef")
			}
			if got := q.Get("iss"); got != s.Issuer() {
				t.Errorf("iss = %q, want %q", got, s.Issuer())
			}
			tok, err := cfg.Exchange(t.Context(), q.Get("code"), oauth2.VerifierOption(v))
			if err != nil {
				t.Fatalf("exchange: %v", err)
			}
			if tok.AccessToken == "" || tok.RefreshToken == "" {
				t.Fatalf("token lacks access or refresh token: access %t, refresh %t", tok.AccessToken != "", tok.RefreshToken != "")
			}
			if got := s.TokenRequests(); got != 1 {
				t.Errorf("TokenRequests = %d, want 1", got)
			}

			_, _, _, userinfo, _ := s.Endpoints()
			resp, err := cfg.Client(t.Context(), tok).Get(userinfo)
			if err != nil {
				t.Fatalf("userinfo: %v", err)
			}
			defer resp.Body.Close()
			var got struct{ Sub, Email, Name string }
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				t.Fatalf("userinfo status %d: %v", resp.StatusCode, err)
			}
			if got.Sub != user.Subject || got.Email != user.Email || got.Name != user.Name {
				t.Errorf("userinfo = %+v, want %+v", got, user)
			}
		})
	}
}

func TestUserinfoRefusesBadToken(t *testing.T) {
	s := authtest.New(t)
	_, _, _, userinfo, _ := s.Endpoints()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, userinfo, nil)
	req.Header.Set("Authorization", "Bearer not-a-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status = %d, want %d", resp.StatusCode, http.StatusUnauthorized)
	}
}

func TestLoopbackRedirectAnyPort(t *testing.T) {
	s := authtest.New(t)
	s.AddClient(authtest.Client{ID: "app", RedirectURIs: []string{redirect}})
	for _, port := range []string{"49152", "61000"} {
		q := login(t, s, newConfig(s, "app", "", 0, port), oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
		if q.Get("code") == "" {
			t.Errorf("port %s: no code in callback %v", port, q)
		}
	}
	cfg := newConfig(s, "app", "", 0, "49152")
	cfg.RedirectURL = "http://127.0.0.1:49152/other"
	if loc, err := s.Authorize(t.Context(), cfg.AuthCodeURL("state-0123456789abcdef", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))); err == nil {
		t.Errorf("unregistered path redirected to %s, want refusal", loc)
	}
}

func TestPKCEEnforced(t *testing.T) {
	s := authtest.New(t)
	s.AddClient(authtest.Client{ID: "app", Secret: "s3cret", RedirectURIs: []string{redirect}})
	cfg := newConfig(s, "app", "s3cret", 0, "49152")

	t.Run("wrong verifier", func(t *testing.T) {
		q := login(t, s, cfg, oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
		_, err := cfg.Exchange(t.Context(), q.Get("code"), oauth2.VerifierOption(oauth2.GenerateVerifier()))
		if got := errorCode(err); got != "invalid_grant" {
			t.Errorf("error code = %q (%v), want invalid_grant", got, err)
		}
	})
	t.Run("no challenge", func(t *testing.T) {
		q := login(t, s, cfg)
		if got := q.Get("error"); got != "invalid_request" {
			t.Errorf("error = %q, want invalid_request", got)
		}
	})
	t.Run("plain", func(t *testing.T) {
		q := login(t, s, cfg,
			oauth2.SetAuthURLParam("code_challenge", strings.Repeat("a", 43)),
			oauth2.SetAuthURLParam("code_challenge_method", "plain"))
		if got := q.Get("error"); got != "invalid_request" {
			t.Errorf("error = %q, want invalid_request", got)
		}
	})
}

func TestRefresh(t *testing.T) {
	t.Run("rotation", func(t *testing.T) {
		s := authtest.New(t)
		s.AddClient(authtest.Client{ID: "app", RedirectURIs: []string{redirect}})
		cfg := newConfig(s, "app", "", 0, "49152")
		tok := connect(t, s, cfg)

		next, err := refresh(t.Context(), cfg, tok.RefreshToken)
		if err != nil {
			t.Fatalf("refresh: %v", err)
		}
		if next.RefreshToken == "" || next.RefreshToken == tok.RefreshToken {
			t.Fatalf("refresh token not rotated: changed %t", next.RefreshToken != tok.RefreshToken)
		}
		if _, err := refresh(t.Context(), cfg, tok.RefreshToken); errorCode(err) != "invalid_grant" {
			t.Errorf("old refresh token: error code %q (%v), want invalid_grant", errorCode(err), err)
		}
		if _, err := refresh(t.Context(), cfg, next.RefreshToken); errorCode(err) != "invalid_grant" {
			t.Errorf("newest refresh token after reuse: error code %q (%v), want invalid_grant", errorCode(err), err)
		}
		if got := s.TokenRequests(); got != 4 {
			t.Errorf("TokenRequests = %d, want 4", got)
		}
	})
	t.Run("no rotation", func(t *testing.T) {
		s := authtest.New(t, authtest.WithRotation(false))
		s.AddClient(authtest.Client{ID: "app", RedirectURIs: []string{redirect}})
		cfg := newConfig(s, "app", "", 0, "49152")
		tok := connect(t, s, cfg)
		for i := range 2 {
			next, err := refresh(t.Context(), cfg, tok.RefreshToken)
			if err != nil {
				t.Fatalf("refresh %d: %v", i, err)
			}
			if next.RefreshToken != tok.RefreshToken {
				t.Errorf("refresh %d: refresh token changed", i)
			}
		}
	})
}

func TestRevoke(t *testing.T) {
	for _, rotate := range []bool{true, false} {
		s := authtest.New(t, authtest.WithRotation(rotate))
		s.AddClient(authtest.Client{ID: "app", Secret: "s3cret", RedirectURIs: []string{redirect}})
		cfg := newConfig(s, "app", "s3cret", 0, "49152")
		tok := connect(t, s, cfg)

		_, _, revoke, _, _ := s.Endpoints()
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, revoke,
			strings.NewReader(url.Values{"token": {tok.RefreshToken}, "token_type_hint": {"refresh_token"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth("app", "s3cret")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("rotate %t: revoke status = %d, want 200", rotate, resp.StatusCode)
		}
		if got := s.RevokeRequests(); got != 1 {
			t.Errorf("rotate %t: RevokeRequests = %d, want 1", rotate, got)
		}
		if _, err := refresh(t.Context(), cfg, tok.RefreshToken); errorCode(err) != "invalid_grant" {
			t.Errorf("rotate %t: revoked refresh token: error code %q (%v), want invalid_grant", rotate, errorCode(err), err)
		}
	}
}

func TestClientAuthentication(t *testing.T) {
	s := authtest.New(t)
	s.AddClient(authtest.Client{ID: "conf", Secret: "s3cret", RedirectURIs: []string{redirect}})
	s.AddClient(authtest.Client{ID: "pub", RedirectURIs: []string{redirect}})
	tests := []struct{ name, id, secret string }{
		{"wrong secret", "conf", "wrong"},
		{"missing secret", "conf", ""},
		{"secret sent by public client", "pub", "anything"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := newConfig(s, tt.id, tt.secret, oauth2.AuthStyleInParams, "49152")
			v := oauth2.GenerateVerifier()
			q := login(t, s, cfg, oauth2.S256ChallengeOption(v))
			_, err := cfg.Exchange(t.Context(), q.Get("code"), oauth2.VerifierOption(v))
			if got := errorCode(err); got != "invalid_client" {
				t.Errorf("error code = %q (%v), want invalid_client", got, err)
			}
		})
	}
}

func TestFailNextToken(t *testing.T) {
	s := authtest.New(t)
	s.AddClient(authtest.Client{ID: "app", RedirectURIs: []string{redirect}})
	cfg := newConfig(s, "app", "", 0, "49152")
	tok := connect(t, s, cfg)

	s.FailNextToken(http.StatusTooManyRequests, `{"error":"slow_down"}`, http.Header{"Retry-After": {"7"}})
	_, err := refresh(t.Context(), cfg, tok.RefreshToken)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("refresh error = %v, want *oauth2.RetrieveError", err)
	}
	if re.Response.StatusCode != http.StatusTooManyRequests || re.Response.Header.Get("Retry-After") != "7" {
		t.Errorf("got status %d Retry-After %q, want 429 and 7", re.Response.StatusCode, re.Response.Header.Get("Retry-After"))
	}
	if _, err := refresh(t.Context(), cfg, tok.RefreshToken); err != nil {
		t.Errorf("refresh after the failure: %v", err)
	}
	if got := s.TokenRequests(); got != 3 {
		t.Errorf("TokenRequests = %d, want 3", got)
	}
}

func TestStopStart(t *testing.T) {
	s := authtest.New(t)
	issuer := s.Issuer()
	_, _, _, _, discovery := s.Endpoints()
	get := func() (map[string]any, error) {
		resp, err := http.Get(discovery)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var doc map[string]any
		return doc, json.NewDecoder(resp.Body).Decode(&doc)
	}

	s.Stop()
	if _, err := get(); err == nil {
		t.Fatal("discovery answered while stopped")
	}
	s.Start()
	doc, err := get()
	if err != nil {
		t.Fatalf("discovery after Start: %v", err)
	}
	if s.Issuer() != issuer || doc["issuer"] != issuer {
		t.Errorf("issuer after restart = %v (document %v), want %s", s.Issuer(), doc["issuer"], issuer)
	}
	if doc["authorization_response_iss_parameter_supported"] != true {
		t.Errorf("authorization_response_iss_parameter_supported = %v, want true", doc["authorization_response_iss_parameter_supported"])
	}
	if got := doc["code_challenge_methods_supported"]; len(got.([]any)) != 1 || got.([]any)[0] != "S256" {
		t.Errorf("code_challenge_methods_supported = %v, want [S256]", got)
	}
}

// The iss options: WithoutIss leaves iss out of the callback, WithIssAdvertised sets what the
// discovery document promises; the code works either way.
func TestIssOptions(t *testing.T) {
	cases := []struct {
		name          string
		opts          []authtest.Option
		wantIss       bool
		wantAdvertise bool
	}{
		{"default", nil, true, true},
		{"without iss", []authtest.Option{authtest.WithoutIss()}, false, true},
		{"without iss, not advertised", []authtest.Option{authtest.WithoutIss(), authtest.WithIssAdvertised(false)}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := authtest.New(t, c.opts...)
			s.AddClient(authtest.Client{ID: "pub", RedirectURIs: []string{redirect}})
			cfg := newConfig(s, "pub", "", oauth2.AuthStyleInParams, "5000")
			v := oauth2.GenerateVerifier()
			q := login(t, s, cfg, oauth2.S256ChallengeOption(v))
			if got := q.Has("iss"); got != c.wantIss {
				t.Errorf("callback has iss: %t, want %t", got, c.wantIss)
			}
			if _, err := cfg.Exchange(t.Context(), q.Get("code"), oauth2.VerifierOption(v)); err != nil {
				t.Errorf("exchange: %v", err)
			}
			_, _, _, _, discovery := s.Endpoints()
			resp, err := http.Get(discovery)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var doc map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
				t.Fatal(err)
			}
			if got := doc["authorization_response_iss_parameter_supported"]; got != c.wantAdvertise {
				t.Errorf("authorization_response_iss_parameter_supported = %v, want %t", got, c.wantAdvertise)
			}
		})
	}
}

// Entra-sized tokens: issued at the size asked, accepted back whole at userinfo and at the
// token endpoint, and still rotated.
func TestTokenSizes(t *testing.T) {
	s := authtest.New(t, authtest.WithTokenSizes(authtest.EntraAccessTokenSize, authtest.EntraRefreshTokenSize))
	s.AddClient(authtest.Client{ID: "app", RedirectURIs: []string{redirect}})
	cfg := newConfig(s, "app", "", 0, "49152")
	tok := connect(t, s, cfg)
	if len(tok.AccessToken) != authtest.EntraAccessTokenSize || len(tok.RefreshToken) != authtest.EntraRefreshTokenSize {
		t.Fatalf("tokens of %d and %d characters, want %d and %d", len(tok.AccessToken), len(tok.RefreshToken),
			authtest.EntraAccessTokenSize, authtest.EntraRefreshTokenSize)
	}
	_, _, _, userinfo, _ := s.Endpoints()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, userinfo, nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("userinfo with the large access token: %s, want 200", resp.Status)
	}
	next, err := refresh(t.Context(), cfg, tok.RefreshToken)
	if err != nil {
		t.Fatalf("refresh with the large refresh token: %v", err)
	}
	if len(next.RefreshToken) != authtest.EntraRefreshTokenSize || next.RefreshToken == tok.RefreshToken {
		t.Errorf("refreshed: a %d-character refresh token, changed %t; want a new one of %d",
			len(next.RefreshToken), next.RefreshToken != tok.RefreshToken, authtest.EntraRefreshTokenSize)
	}
}
