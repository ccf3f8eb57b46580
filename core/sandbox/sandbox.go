// Package sandbox is the app's own OpenID Connect provider, on 127.0.0.1, so that the whole
// story (an admin enables an integration, a writer connects through the browser, tokens
// refresh and rotate, health changes, disconnect revokes) can be tried on a machine with no
// network and no account anywhere. It is ory/fosite, the maintained authorization-server
// library the tests use, with its storage on the workspace database.
//
// Any process of the workspace may serve it, one at a time, on the port saved in the
// workspace: the grants are in the database and the signing key in the keychain, so each
// serves the same provider. A process that finds the port taken asks Identify whether this
// workspace's sandbox answers there, with a proof only a holder of the signing key can make.
// What an admin changes (access-token lifetime, refuse refreshes, go silent) is read from
// the database at each request, so it reaches whichever process serves.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/token/jwt"
	"golang.org/x/net/netutil"

	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/sandbox/userinfo"
	"github.com/medialake/connect/core/store"
)

// Errors of this package.
var (
	// ErrPortInUse means something already listens on the sandbox's port; Identify tells
	// whether it is this workspace's sandbox.
	ErrPortInUse = errors.New("the port is in use")
	// ErrNotOurs means the program on the sandbox's port is not this workspace's sandbox.
	ErrNotOurs = errors.New("the port is served by another program")
	// ErrBadKey means the signing key from the keychain cannot be read.
	ErrBadKey = errors.New("the sandbox's signing key cannot be read")
)

// Config is what a Server needs.
type Config struct {
	// DB holds the grants and the settings.
	DB *store.DB
	// WorkspaceID names the workspace whose sandbox this is.
	WorkspaceID string
	// Key is the signing key, from NewKey, kept in the keychain.
	Key redact.Secret
	// Logger receives the log; nil discards it.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Server is a running sandbox provider.
type Server struct {
	cfg      Config
	issuer   string
	host     string
	keys     keys
	provider fosite.OAuth2Provider
	srv      *http.Server
	once     sync.Once
}

// bounds are the server's limits. Every user of the computer can reach the sandbox: a peer
// that sent its headers and never finishes its body, or that keeps a connection open and
// silent, would otherwise hold one of the app's open files for ever. Past conns, further
// connections wait in the system's queue until one ends. A variable for the tests.
var bounds = struct {
	read, write, idle time.Duration
	conns             int
}{read: 10 * time.Second, write: 30 * time.Second, idle: time.Minute, conns: 64}

// Issuer is the issuer of a sandbox on port: http://127.0.0.1:PORT.
func Issuer(port int) string { return "http://" + hostPort(port) }

func hostPort(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }

// Listen binds 127.0.0.1:port; a port something else holds is ErrPortInUse.
func Listen(port int) (net.Listener, error) {
	ln, err := net.Listen("tcp", hostPort(port))
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("listen on %s: %w", hostPort(port), ErrPortInUse)
	}
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", hostPort(port), err)
	}
	return ln, nil
}

// Serve serves the sandbox on ln, a listener from Listen, until Close.
func Serve(ln net.Listener, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	k, err := parseKey(cfg.Key)
	if err != nil {
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	s := &Server{cfg: cfg, issuer: Issuer(port), host: hostPort(port), keys: k}
	s.provider = s.compose()
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+catalog.SandboxIdentityPath, s.identity)
	mux.Handle("GET "+catalog.SandboxDiscoveryPath, s.unlessSilent(s.discovery))
	mux.Handle("GET "+catalog.SandboxJWKSPath, s.unlessSilent(s.jwks))
	mux.Handle("GET "+catalog.SandboxAuthPath, s.unlessSilent(s.signInPage))
	mux.Handle("POST "+catalog.SandboxAuthPath, s.unlessSilent(s.signIn))
	mux.Handle("POST "+catalog.SandboxTokenPath, s.unlessSilent(s.token))
	mux.Handle("POST "+catalog.SandboxRevokePath, s.unlessSilent(s.revoke))
	mux.Handle(catalog.SandboxUserinfoPath, s.unlessSilent(userinfo.Handler(s.provider, newSession, claims)))
	b := bounds
	s.srv = &http.Server{Handler: s.hostOnly(mux), ReadHeaderTimeout: b.read, ReadTimeout: b.read,
		WriteTimeout: b.write, IdleTimeout: b.idle,
		ErrorLog: slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelDebug)}
	go func() { _ = s.srv.Serve(netutil.LimitListener(ln, b.conns)) }()
	return s, nil
}

// Issuer is the server's issuer, http://127.0.0.1:PORT.
func (s *Server) Issuer() string { return s.issuer }

// Close stops serving and closes every connection.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() { err = s.srv.Close() })
	return err
}

func (s *Server) compose() fosite.OAuth2Provider {
	cfg := &fosite.Config{
		GlobalSecret:          s.keys.hmac,
		AccessTokenLifespan:   catalog.SandboxDefaultTokenTTL, // the settings' lifetime wins: see client
		RefreshTokenLifespan:  -1,
		AuthorizeCodeLifespan: 5 * time.Minute,
		IDTokenLifespan:       time.Hour,
		IDTokenIssuer:         s.issuer,
		AccessTokenIssuer:     s.issuer,
		// A refresh token for every grant: the sandbox exists to show refreshes.
		RefreshTokenScopes: []string{},
		EnforcePKCE:        true,
		ScopeStrategy:      fosite.ExactScopeStrategy,
	}
	keyGetter := func(context.Context) (interface{}, error) { return s.keys.private, nil }
	return compose.Compose(cfg, s.grants(), &compose.CommonStrategy{
		CoreStrategy:               compose.NewOAuth2HMACStrategy(cfg),
		OpenIDConnectTokenStrategy: compose.NewOpenIDConnectStrategy(keyGetter, cfg),
		Signer:                     &jwt.DefaultSigner{GetPrivateKey: keyGetter},
	},
		compose.OAuth2AuthorizeExplicitFactory,
		compose.OAuth2RefreshTokenGrantFactory,
		compose.OpenIDConnectExplicitFactory,
		compose.OpenIDConnectRefreshFactory,
		compose.OAuth2TokenIntrospectionFactory,
		compose.OAuth2TokenRevocationFactory,
		compose.OAuth2PKCEFactory,
	)
}

func (s *Server) grants() *grants {
	return &grants{db: s.cfg.DB, now: s.cfg.Now, client: s.client}
}

// client is the sandbox's one client, the app: public (PKCE is its proof), any loopback
// port (RFC 8252 §7.3), access tokens as long-lived as the settings say.
func (s *Server) client(ctx context.Context) fosite.Client {
	p, _ := catalog.Lookup(catalog.Sandbox)
	return &appClient{DefaultClient: &fosite.DefaultClient{
		ID:            catalog.SandboxClientID,
		Public:        true,
		RedirectURIs:  []string{"http://127.0.0.1" + catalog.CallbackPath},
		GrantTypes:    []string{"authorization_code", "refresh_token"},
		ResponseTypes: []string{"code"},
		Scopes:        p.Scopes,
	}, accessTTL: s.settings(ctx).AccessTokenTTL}
}

type appClient struct {
	*fosite.DefaultClient
	accessTTL time.Duration
}

// GetEffectiveLifespan makes fosite issue access tokens of the settings' lifetime.
func (c *appClient) GetEffectiveLifespan(_ fosite.GrantType, tt fosite.TokenType, fallback time.Duration) time.Duration {
	if tt == fosite.AccessToken {
		return c.accessTTL
	}
	return fallback
}

// Defaults are the settings of a sandbox whose settings were never saved.
func Defaults() store.SandboxSettings {
	return store.SandboxSettings{Port: catalog.SandboxDefaultPort, AccessTokenTTL: catalog.SandboxDefaultTokenTTL}
}

// settings reads the settings now, so that an admin's change reaches the serving process;
// defaults where none are saved, or the database does not answer.
func (s *Server) settings(ctx context.Context) store.SandboxSettings {
	st, err := store.SandboxSettingsOf(ctx, s.cfg.DB)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.cfg.Logger.Error("sandbox: read settings", "err", err)
		}
		return Defaults()
	}
	if st.AccessTokenTTL <= 0 {
		st.AccessTokenTTL = catalog.SandboxDefaultTokenTTL
	}
	return st
}

// hostOnly refuses a request whose Host is not the sandbox's own address, so that a web
// page cannot reach it under another name (DNS rebinding).
func (s *Server) hostOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host != s.host {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// unlessSilent drops the connection without an answer while the admin's "go silent" switch
// is on, as a provider that is down would; the identity endpoint stays up, so that other
// processes of the workspace still recognise the sandbox.
func (s *Server) unlessSilent(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.settings(r.Context()).Silent {
			h(w, r)
			return
		}
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	})
}
