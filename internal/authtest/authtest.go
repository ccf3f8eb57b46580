// Package authtest runs a real OAuth 2.0 authorization server (ory/fosite) in-process on
// 127.0.0.1 for tests: authorization code with PKCE S256 enforced, refresh with rotation,
// RFC 7009 revocation, a userinfo endpoint, a discovery document, and knobs to simulate an
// offline server or a failing token endpoint. Only _test.go files import it, and
// cmd/authtest-server, which serves it to scripts.
package authtest

import (
	"context"
	"crypto/rand"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/handler/oauth2"
	"github.com/ory/fosite/storage"

	"github.com/medialake/connect/core/sandbox/userinfo"
)

// Options tune the server; New starts from DefaultOptions.
type Options struct {
	// Rotate makes every refresh issue a new refresh token and retire the one used (as
	// Microsoft and Box do). Without it the refresh response carries no refresh token and
	// the old one stays valid (as Google and Dropbox do). With rotation, presenting a
	// retired refresh token revokes the whole grant, the newest token too (RFC 6819 §5.2.2.3).
	Rotate bool
	// AccessTokenTTL is the lifetime of issued access tokens.
	AccessTokenTTL time.Duration
	// OmitIss leaves iss out of the authorization response, as a server without RFC 9207 does.
	OmitIss bool
	// AdvertiseIss is the discovery document's authorization_response_iss_parameter_supported.
	AdvertiseIss bool
	// DeadTokenIs400 makes the revocation endpoint answer 400 invalid_token for a token that
	// is no longer valid, as Google does, where RFC 7009 (and fosite) answer 200.
	DeadTokenIs400 bool
	// NoRevocation serves no revocation endpoint and leaves it out of the discovery document,
	// as Microsoft has none per token.
	NoRevocation bool
	// AccessTokenSize and RefreshTokenSize pad the issued tokens to that many characters
	// (WithTokenSizes); 0 leaves them as fosite makes them.
	AccessTokenSize, RefreshTokenSize int
}

// DefaultOptions are the options New applies before any Option.
var DefaultOptions = Options{Rotate: true, AccessTokenTTL: time.Hour, AdvertiseIss: true}

// Option changes Options.
type Option func(*Options)

// WithRotation turns refresh-token rotation on or off.
func WithRotation(on bool) Option { return func(o *Options) { o.Rotate = on } }

// WithAccessTokenTTL sets the lifetime of issued access tokens.
func WithAccessTokenTTL(d time.Duration) Option { return func(o *Options) { o.AccessTokenTTL = d } }

// WithoutIss makes the authorization response carry no iss; the discovery document still
// says what WithIssAdvertised set (by default that iss is sent).
func WithoutIss() Option { return func(o *Options) { o.OmitIss = true } }

// WithIssAdvertised sets whether the discovery document says the server sends iss (RFC 9207).
func WithIssAdvertised(on bool) Option { return func(o *Options) { o.AdvertiseIss = on } }

// Client is an OAuth client registered at the server.
type Client struct {
	ID string
	// Secret is the client secret; "" registers a public client, which is refused if it
	// sends a secret anyway (as Microsoft refuses one from a desktop registration).
	Secret string
	// RedirectURIs are compared exactly, except that a registered http loopback IP literal
	// (http://127.0.0.1/callback, http://[::1]/callback) matches any port (RFC 8252 §7.3).
	RedirectURIs []string
	// Scopes the client may request; empty means any.
	Scopes []string
}

// User is the account the authorize endpoint approves as.
type User struct {
	Subject, Email, Name string
}

// DefaultUser is the user a new Server approves as until SetUser.
var DefaultUser = User{Subject: "user-1", Email: "jane@example.com", Name: "Jane Doe"}

// Paths of the endpoints, relative to Issuer.
const (
	AuthPath      = "/authorize"
	TokenPath     = "/token"
	RevokePath    = "/revoke"
	UserinfoPath  = "/userinfo"
	DiscoveryPath = "/.well-known/openid-configuration"
)

// Server is a running authorization server. Its methods are safe for concurrent use,
// except Start, which must be called from the test's goroutine.
type Server struct {
	t        testing.TB
	addr     string
	provider fosite.OAuth2Provider
	store    *memStore
	opts     Options

	mu          sync.Mutex
	srv         *http.Server
	user        User
	tokenCalls  int
	revokeCalls int
	failures    []failure
	withheld    []string // scopes the person unticks at the consent screen
}

type failure struct {
	status int
	body   string
	header http.Header
}

// New starts a server on 127.0.0.1 on a free port; t.Cleanup stops it.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	o := DefaultOptions
	for _, opt := range opts {
		opt(&o)
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		t.Fatalf("authtest: global secret: %v", err)
	}
	cfg := &fosite.Config{
		GlobalSecret:         secret,
		AccessTokenLifespan:  o.AccessTokenTTL,
		RefreshTokenLifespan: -1,
		// Always issue a refresh token: the provider-specific conditions (offline_access,
		// access_type=offline) are the client's business, not what these tests exercise.
		RefreshTokenScopes: []string{},
		EnforcePKCE:        true,
		ScopeStrategy:      anyOrExactScope,
		// bcrypt's minimum cost keeps client authentication fast under -race.
		HashCost:                   4,
		ClientSecretsHasher:        secretHasher{&fosite.BCrypt{Config: &fosite.Config{HashCost: 4}}},
		SendDebugMessagesToClients: true,
	}
	st := &memStore{MemoryStore: storage.NewMemoryStore(), clients: map[string]fosite.Client{}, rotate: o.Rotate, refreshed: map[string]bool{}}
	var strategy oauth2.CoreStrategy = compose.NewOAuth2HMACStrategy(cfg)
	if o.AccessTokenSize > 0 || o.RefreshTokenSize > 0 {
		strategy = &paddedStrategy{CoreStrategy: strategy, access: o.AccessTokenSize, refresh: o.RefreshTokenSize}
	}
	s := &Server{
		t:     t,
		store: st,
		opts:  o,
		user:  DefaultUser,
		provider: compose.Compose(cfg, st, strategy,
			compose.OAuth2AuthorizeExplicitFactory,
			compose.OAuth2RefreshTokenGrantFactory,
			compose.OAuth2PKCEFactory,
			compose.OAuth2TokenIntrospectionFactory,
			compose.OAuth2TokenRevocationFactory,
		),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("authtest: listen: %v", err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(s.Stop)
	return s
}

// anyOrExactScope lets a client that lists no scopes request any scope.
func anyOrExactScope(haystack []string, needle string) bool {
	return len(haystack) == 0 || fosite.ExactScopeStrategy(haystack, needle)
}

// Issuer is the server's issuer identifier, http://127.0.0.1:PORT; it survives Stop and Start.
func (s *Server) Issuer() string { return "http://" + s.addr }

// URL is the server's base URL, the same as Issuer.
func (s *Server) URL() string { return s.Issuer() }

// Endpoints returns the absolute URLs of the server's endpoints.
func (s *Server) Endpoints() (auth, token, revoke, userinfo, discovery string) {
	i := s.Issuer()
	return i + AuthPath, i + TokenPath, i + RevokePath, i + UserinfoPath, i + DiscoveryPath
}

// AddClient registers c, replacing any client with the same ID.
func (s *Server) AddClient(c Client) {
	s.t.Helper()
	dc := &fosite.DefaultClient{
		ID:            c.ID,
		RedirectURIs:  c.RedirectURIs,
		GrantTypes:    []string{"authorization_code", "refresh_token"},
		ResponseTypes: []string{"code"},
		Scopes:        c.Scopes,
		Public:        c.Secret == "",
	}
	var fc fosite.Client = dc
	if c.Secret == "" {
		// An OpenID Connect client with auth method "none" makes fosite refuse a secret.
		fc = &fosite.DefaultOpenIDConnectClient{DefaultClient: dc, TokenEndpointAuthMethod: "none"}
	} else {
		h, err := secretHasher{&fosite.BCrypt{Config: &fosite.Config{HashCost: 4}}}.Hash(context.Background(), []byte(c.Secret))
		if err != nil {
			s.t.Fatalf("authtest: hash client secret: %v", err)
		}
		dc.Secret = h
	}
	s.store.setClient(fc)
}

// SetUser sets the account that later authorizations approve as.
func (s *Server) SetUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user = u
}

// TokenRequests counts the calls to the token endpoint, whatever their grant or outcome.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenCalls
}

// RevokeRequests counts the calls to the revocation endpoint, whatever their outcome.
func (s *Server) RevokeRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.revokeCalls
}

// FailNextToken makes the next call to the token endpoint answer with status, header and
// body instead of running the grant (e.g. 500; 429 with Retry-After; 400 with an
// invalid_grant body). Calls queue up: each failure is served once, in order.
func (s *Server) FailNextToken(status int, body string, header http.Header) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{status: status, body: body, header: header.Clone()})
}

// Stop closes the listener and every open connection, so clients see the server as offline.
// Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// Start serves again on the same port after Stop; it fails the test if the port is taken.
func (s *Server) Start() {
	s.t.Helper()
	s.mu.Lock()
	running := s.srv != nil
	s.mu.Unlock()
	if running {
		return
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatalf("authtest: listen again on %s: %v", s.addr, err)
	}
	s.serve(ln)
}

func (s *Server) serve(ln net.Listener) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+DiscoveryPath, s.discovery)
	mux.HandleFunc(AuthPath, s.authorize)
	mux.HandleFunc(TokenPath, s.token)
	mux.HandleFunc(RevokePath, s.revoke)
	mux.HandleFunc(UserinfoPath, userinfo.Handler(s.provider, func() fosite.Session { return &fosite.DefaultSession{} }, claims))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	auth, token, revoke, whoAmI, _ := s.Endpoints()
	doc := map[string]any{
		"issuer":                                         s.Issuer(),
		"authorization_endpoint":                         auth,
		"token_endpoint":                                 token,
		"revocation_endpoint":                            revoke,
		"userinfo_endpoint":                              whoAmI,
		"response_types_supported":                       []string{"code"},
		"grant_types_supported":                          []string{"authorization_code", "refresh_token"},
		"subject_types_supported":                        []string{"public"},
		"code_challenge_methods_supported":               []string{"S256"},
		"token_endpoint_auth_methods_supported":          []string{"client_secret_basic", "client_secret_post", "none"},
		"authorization_response_iss_parameter_supported": s.opts.AdvertiseIss,
	}
	if s.opts.NoRevocation {
		delete(doc, "revocation_endpoint")
	}
	userinfo.WriteJSON(w, http.StatusOK, doc)
}

// authorize approves every valid request as the current user, granting the scopes asked.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ar, err := s.provider.NewAuthorizeRequest(ctx, r)
	if err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	s.mu.Lock()
	u, withheld := s.user, s.withheld
	s.mu.Unlock()
	for _, scope := range ar.GetRequestedScopes() {
		if !slices.Contains(withheld, scope) {
			ar.GrantScope(scope)
		}
	}
	session := &fosite.DefaultSession{
		Subject:  u.Subject,
		Username: u.Email,
		Extra:    map[string]any{"email": u.Email, "name": u.Name},
	}
	resp, err := s.provider.NewAuthorizeResponse(ctx, ar, session)
	if err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	if !s.opts.OmitIss {
		resp.AddParameter("iss", s.Issuer()) // RFC 9207
	}
	s.provider.WriteAuthorizeResponse(ctx, w, ar, resp)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.tokenCalls++
	var f *failure
	if len(s.failures) > 0 {
		f = &s.failures[0]
		s.failures = s.failures[1:]
	}
	s.mu.Unlock()
	if f != nil {
		for k, v := range f.header {
			w.Header()[k] = v
		}
		w.WriteHeader(f.status)
		_, _ = w.Write([]byte(f.body))
		return
	}

	ctx := r.Context()
	ar, err := s.provider.NewAccessRequest(ctx, r, &fosite.DefaultSession{})
	if err != nil {
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	resp, err := s.provider.NewAccessResponse(ctx, ar)
	if err != nil {
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	if !s.opts.Rotate && ar.GetGrantTypes().ExactOne("refresh_token") {
		if r, ok := resp.(*fosite.AccessResponse); ok {
			delete(r.Extra, "refresh_token")
		}
	}
	s.provider.WriteAccessResponse(ctx, w, ar, resp)
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.revokeCalls++
	s.mu.Unlock()
	ctx := r.Context()
	if s.revocationAnswered(w, r) {
		return
	}
	s.provider.WriteRevocationResponse(ctx, w, s.provider.NewRevocationRequest(ctx, r))
}

// claims are what the userinfo endpoint answers: the signed-in user's subject, e-mail
// address and name.
func claims(s fosite.Session) map[string]any {
	sess, ok := s.(*fosite.DefaultSession)
	if !ok {
		return map[string]any{"sub": s.GetSubject()}
	}
	return map[string]any{"sub": sess.Subject, "email": sess.Extra["email"], "name": sess.Extra["name"]}
}

// memStore is fosite's memory store with clients that can be added while serving and with
// rotation that can be turned off.
type memStore struct {
	*storage.MemoryStore
	rotate bool

	mu        sync.Mutex
	clients   map[string]fosite.Client
	refreshed map[string]bool // request IDs that already hold a refresh token
}

func (m *memStore) setClient(c fosite.Client) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clients[c.GetID()] = c
}

func (m *memStore) GetClient(_ context.Context, id string) (fosite.Client, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.clients[id]
	if !ok {
		return nil, fosite.ErrNotFound
	}
	return c, nil
}

func (m *memStore) RotateRefreshToken(ctx context.Context, requestID, signature string) error {
	if !m.rotate {
		return nil
	}
	return m.MemoryStore.RotateRefreshToken(ctx, requestID, signature)
}

// CreateRefreshTokenSession keeps, without rotation, the first refresh token as the only
// one of its grant, so that revoking it really revokes the grant.
func (m *memStore) CreateRefreshTokenSession(ctx context.Context, signature, accessSignature string, req fosite.Requester) error {
	m.mu.Lock()
	if !m.rotate && m.refreshed[req.GetID()] {
		m.mu.Unlock()
		return nil
	}
	m.refreshed[req.GetID()] = true
	m.mu.Unlock()
	return m.MemoryStore.CreateRefreshTokenSession(ctx, signature, accessSignature, req)
}
