// Package tokens keeps every source's OAuth token alive: it hands out valid access tokens,
// refreshing them when they expire, and saves each refreshed token — above all a rotated
// refresh token — to the keychain before anyone sees it. It records the outcome of every
// refresh as the source's status, keeps unused refresh tokens from idling out, and revokes
// tokens at the provider when a source is disconnected.
//
// # One refresh per source at a time
//
// Two processes (the GUI and a command) may refresh the same source at once; with a provider
// that rotates refresh tokens the loser would send a refresh token the winner already spent,
// and the provider would revoke the whole grant. So a refresh runs under the source's lock:
// a per-source channel within the process, then an exclusive OS file lock (flock, LockFileEx)
// on a small file per source beside the database (core/filelock). Under the lock the keychain is read again,
// and if another process refreshed meanwhile its token is used as it is.
//
// The lock is a file and not a SQLite write transaction on purpose. SQLite has no row locks:
// a BEGIN IMMEDIATE held across the provider call would block every write to the workspace,
// of every source and every process, for as long as the provider takes to answer (and its
// Retry-After waits), and writers would start failing once busy_timeout (10 s) ran out. A file
// lock per source blocks only the refreshes of that one source, and the kernel releases it
// when its process dies, so a killed process never leaves a source locked. The database is
// written in one short transaction after the keychain holds the new token.
//
// # Order of writes
//
// The keychain is the truth about a token: a refresh is always made with the refresh token
// read from the keychain under the lock, and its result is written to the keychain before the
// source's row (token_version, expiry, last refresh, status) and before it is handed out. A
// process killed between the two writes leaves a new token with an old version number, which
// the next refresher reads from the keychain and finds valid. A process killed after the
// provider answered but before the keychain write loses a rotated refresh token; the next
// refresh then gets invalid_grant and the source is marked needs_reconnect, never silently
// broken.
package tokens

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/vault"
)

var (
	// ErrNeedsReconnect means the provider refused the source's refresh token (invalid_grant),
	// or there is none: only connecting the account again can help.
	ErrNeedsReconnect = errors.New("source needs to be reconnected")
	// ErrOffline means the provider could not be reached; nothing was changed but the status.
	ErrOffline = errors.New("provider unreachable")
	// ErrProvider means the provider answered with an error other than invalid_grant, or kept
	// answering 429 or 5xx; the token is kept and a later attempt may succeed.
	ErrProvider = errors.New("provider refused the request")
	// ErrRevocationPending means the source was disconnected but the provider has not yet
	// confirmed the revocation; its token is kept until it does, or until the owner forgets it.
	ErrRevocationPending = errors.New("revocation pending")
)

// Keychain stores secrets by key; *vault.Vault satisfies it. Get and Delete return an error
// wrapping vault.ErrNotFound when there is no entry.
type Keychain interface {
	Get(ctx context.Context, key string) (redact.Secret, error)
	Set(ctx context.Context, key string, s redact.Secret) error
	Delete(ctx context.Context, key string) error
}

// stored is a token as kept in the keychain.
type stored struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	Scope        string    `json:"scope,omitempty"`
}

// Save writes a source's token to the keychain, replacing the one there: the one keychain
// write of a token, which Manager.Write (a sign-in) and a refresh go through.
func Save(ctx context.Context, kc Keychain, sourceID int64, tok *oauth2.Token) error {
	b, err := json.Marshal(stored{
		AccessToken:  tok.AccessToken,
		TokenType:    tok.TokenType,
		RefreshToken: tok.RefreshToken,
		Expiry:       tok.Expiry,
		Scope:        scope(tok),
	})
	if err != nil {
		return fmt.Errorf("save token of source %d: %w", sourceID, err)
	}
	if err := kc.Set(ctx, vault.SourceTokenKey(sourceID), redact.NewSecret(string(b))); err != nil {
		return fmt.Errorf("save token of source %d: %w", sourceID, err)
	}
	return nil
}

// Load reads a source's token from the keychain; no entry is an error wrapping
// vault.ErrNotFound. The granted scope, if the provider sent one, is the token's "scope" extra.
func Load(ctx context.Context, kc Keychain, sourceID int64) (*oauth2.Token, error) {
	sec, err := kc.Get(ctx, vault.SourceTokenKey(sourceID))
	if err != nil {
		return nil, fmt.Errorf("load token of source %d: %w", sourceID, err)
	}
	var s stored
	if err := json.Unmarshal([]byte(sec.Reveal()), &s); err != nil {
		// The error of encoding/json may quote the input: never wrap it.
		return nil, fmt.Errorf("load token of source %d: the keychain entry is not a token", sourceID)
	}
	tok := &oauth2.Token{
		AccessToken:  s.AccessToken,
		TokenType:    s.TokenType,
		RefreshToken: s.RefreshToken,
		Expiry:       s.Expiry,
	}
	if s.Scope != "" {
		tok = tok.WithExtra(map[string]any{"scope": s.Scope})
	}
	return tok, nil
}

// scope is the scope the provider granted with tok, or "".
func scope(tok *oauth2.Token) string {
	s, _ := tok.Extra("scope").(string)
	return s
}
