package core

import (
	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/schedule"
	"github.com/medialake/connect/core/store"
)

// The words of core's sub-packages that the front ends need, re-exported so that gui/ and
// the command line import core alone (and core/access for privileges).

type (
	// Provider is a provider preset: endpoints, scopes, redirect policy, setup guide.
	Provider = catalog.Provider
	// ProviderID names a provider preset, or the kind of a custom integration.
	ProviderID = catalog.ID
	// ClientType is how an app is registered at a provider that offers the choice.
	ClientType = catalog.ClientType
	// PublishingStatus is an app's publishing status where the provider has one (Google).
	PublishingStatus = catalog.PublishingStatus
	// SecretPolicy says whether an integration needs, may have or must not have a secret.
	SecretPolicy = catalog.SecretPolicy
	// ScheduleJob is the upkeep's schedule that a Scheduler installs.
	ScheduleJob = schedule.Job
)

// Provider presets and custom kinds that the front ends treat apart.
const (
	Microsoft = catalog.Microsoft
	OIDC      = catalog.OIDC
	OAuth2    = catalog.OAuth2
)

// Client types, secret policies and the redirect policy the integration form shows.
const (
	ClientPublic       = catalog.ClientPublic
	ClientConfidential = catalog.ClientConfidential
	SecretForbidden    = catalog.SecretForbidden
	SecretOptional     = catalog.SecretOptional
	SecretRequired     = catalog.SecretRequired
	// The publishing statuses of a Google app, as the console's Audience page shows them.
	PublishingTesting      = catalog.PublishingTesting
	PublishingInProduction = catalog.PublishingInProduction
	// ExactMatch: the provider compares the redirect URI's port too, so it is fixed.
	ExactMatch = catalog.ExactMatch
)

var (
	// ErrNotOurs means the workspace's database file belongs to another program.
	ErrNotOurs = store.ErrNotOurs
	// ErrTooNew means the workspace's database was written by a newer version of the app.
	ErrTooNew = store.ErrTooNew
)

// CustomKinds are the kinds of integration an administrator adds (AddCustomIntegration).
var CustomKinds = []ProviderID{OIDC, OAuth2}

// IsCustomKind reports whether kind is one of CustomKinds.
func IsCustomKind(kind ProviderID) bool { return kind == OIDC || kind == OAuth2 }
