package vault

import "strings"

// MaxSecret is the largest secret the vault keeps, split or not: 64 KiB, many times the
// largest token bundle a provider is known to issue.
const MaxSecret = 64 << 10

// Limit tells how many bytes of secret one keychain entry of service and account holds.
type Limit func(service, account string) int

// PlatformLimit is the limit go-keyring's backend enforces on goos, or nil where entries hold
// any size (the Secret Service on Linux and the BSDs).
func PlatformLimit(goos string) Limit {
	switch goos {
	case "windows":
		return WindowsLimit
	case "darwin":
		return MacLimit
	}
	return nil
}

// WindowsLimit is Credential Manager's: a credential's blob holds 2,560 bytes
// (CRED_MAX_CREDENTIAL_BLOB_SIZE), which go-keyring checks before it writes.
func WindowsLimit(string, string) int { return 2560 }

// macCommandMax is the longest line go-keyring sends to `security -i` on macOS.
const macCommandMax = 4096

// MacLimit is what fits go-keyring's macOS backend: it writes one line
// `add-generic-password -U -s SERVICE -a ACCOUNT -w go-keyring-base64:BASE64\n` to
// `/usr/bin/security -i`, each word shell-quoted, and refuses a line over 4,096 characters
// (after it started the command, which it then leaves waiting: so the vault must never ask).
// Quoting is counted at its worst, so the secret's base64 always fits.
func MacLimit(service, account string) int {
	fixed := len("add-generic-password -U -s ") + quotedLen(service) + len(" -a ") + quotedLen(account) +
		len(" -w ") + quotedLen("go-keyring-base64:") + len("\n")
	room := macCommandMax - fixed
	return max(room/4*3, 0)
}

// quotedLen is the longest a shell quoting of s can be: in single quotes, each single quote
// inside written as '"'"'.
func quotedLen(s string) int { return len(s) + 2 + 4*strings.Count(s, "'") }
