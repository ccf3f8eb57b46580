package sandbox

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/sandbox/userinfo"
)

// keys are what the signing key gives: the RSA key that signs ID tokens, and two secrets
// derived from it: fosite's HMAC secret (so tokens issued by one process are valid in the
// next) and the key of the identity proof and the CSRF tokens.
type keys struct {
	private *rsa.PrivateKey
	kid     string
	hmac    []byte
	proof   []byte
}

// NewKey makes a new signing key, an RSA key as PKCS #8 PEM, to keep in the keychain.
func NewKey() (redact.Secret, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return redact.Secret{}, fmt.Errorf("sandbox: make signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return redact.Secret{}, fmt.Errorf("sandbox: encode signing key: %w", err)
	}
	return redact.NewSecret(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))), nil
}

func parseKey(s redact.Secret) (keys, error) {
	block, _ := pem.Decode([]byte(s.Reveal()))
	if block == nil {
		return keys{}, fmt.Errorf("%w: no PEM block", ErrBadKey)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return keys{}, fmt.Errorf("%w: %w", ErrBadKey, err)
	}
	priv, ok := k.(*rsa.PrivateKey)
	if !ok {
		return keys{}, fmt.Errorf("%w: not an RSA key", ErrBadKey)
	}
	pub, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return keys{}, fmt.Errorf("%w: %w", ErrBadKey, err)
	}
	sum := sha256.Sum256(pub)
	return keys{private: priv, kid: hex.EncodeToString(sum[:8]),
		hmac: derive(block.Bytes, "fosite hmac"), proof: derive(block.Bytes, "identity and csrf")}, nil
}

// derive is a 32-byte secret for purpose, from the key's DER bytes.
func derive(der []byte, purpose string) []byte {
	m := hmac.New(sha256.New, der)
	m.Write([]byte("medialake-connect sandbox: " + purpose))
	return m.Sum(nil)
}

func (k keys) mac(parts ...string) string {
	m := hmac.New(sha256.New, k.proof)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return hex.EncodeToString(m.Sum(nil))
}

type identityAnswer struct {
	Workspace string `json:"workspace"`
	Proof     string `json:"proof"`
}

// identity answers which workspace's sandbox this is, with a proof over the caller's nonce
// that only a holder of the signing key can make.
func (s *Server) identity(w http.ResponseWriter, r *http.Request) {
	nonce := r.URL.Query().Get("nonce")
	if len(nonce) < 16 || len(nonce) > 128 {
		http.Error(w, "nonce required", http.StatusBadRequest)
		return
	}
	userinfo.WriteJSON(w, http.StatusOK, identityAnswer{Workspace: s.cfg.WorkspaceID,
		Proof: s.keys.mac("identity", s.cfg.WorkspaceID, nonce)})
}

// Identify asks what listens on 127.0.0.1:port whether it is the sandbox of workspace,
// whose signing key is key: nil if it is, ErrNotOurs (with what answered) if not. client is
// the app's egress client.
func Identify(ctx context.Context, client *http.Client, port int, workspace string, key redact.Secret) error {
	k, err := parseKey(key)
	if err != nil {
		return err
	}
	nonce := rand.Text()
	u := Issuer(port) + catalog.SandboxIdentityPath + "?nonce=" + url.QueryEscape(nonce)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotOurs, err)
	}
	defer resp.Body.Close()
	var a identityAnswer
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&a) != nil {
		return fmt.Errorf("%w: %s answers %s, not as a sandbox", ErrNotOurs, Issuer(port), resp.Status)
	}
	if a.Workspace != workspace || !hmac.Equal([]byte(a.Proof), []byte(k.mac("identity", workspace, nonce))) {
		return fmt.Errorf("%w: %s is the sandbox of another workspace", ErrNotOurs, Issuer(port))
	}
	return nil
}
