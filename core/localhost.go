package core

// localhost.go: the one hook through which general code meets a provider that the app
// serves itself on loopback. Sign-in, saving, enabling, removing and the port checks ask
// "is this provider served by a local host?" here, and never name one.

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"

	"github.com/medialake/connect/core/catalog"
)

// localHost is a provider that a process of the workspace serves itself, on loopback: its
// issuer is known only once it answers, it keeps settings and grants of its own, and it
// listens on a port that no integration may pin. The App holds one per provider that has
// one (localHosts), for as long as it is open.
type localHost interface {
	// issuer makes sure the provider answers and returns its issuer, which the sign-in's
	// endpoints are under.
	issuer(ctx context.Context) (string, error)
	// begin records a sign-in by its authorization URL before the browser opens; end
	// forgets it once the flow has ended, however it ended.
	begin(ctx context.Context, authURL string) error
	end(authURL string)
	// enabled saves in tx what the host needs from its integration's first enabling on
	// (its default settings), where it is missing.
	enabled(ctx context.Context, tx *sql.Tx) error
	// removed deletes in tx what the host keeps in the database; forget deletes the rest
	// (and stops serving) once tx has committed.
	removed(ctx context.Context, tx *sql.Tx) error
	forget(ctx context.Context) error
	// keys are the keychain entries the host may keep, which removing the workspace deletes.
	keys() []string
	// port is the port the host listens on.
	port(ctx context.Context) (int, error)
	// close stops serving, as the App closes.
	close() error
}

// localHosts makes, for an App, the hosts of the providers it serves itself, by provider.
// Each host registers its maker in its own file.
var localHosts = map[catalog.ID]func(*App) localHost{}

// openHosts makes a's local hosts; none serves before a sign-in asks it.
func (a *App) openHosts() {
	a.hosts = map[catalog.ID]localHost{}
	for id, makeHost := range localHosts {
		a.hosts[id] = makeHost(a)
	}
}

// host returns the local host of provider id, if the app serves it.
func (a *App) host(id catalog.ID) (localHost, bool) {
	h, ok := a.hosts[id]
	return h, ok
}

// hostPorts maps the ports that local hosts listen on, but the one of provider except, to
// their providers' names: no integration may pin one, whether or not its provider is set up
// yet (it may be, later, and then any process of the workspace needs the port).
func (a *App) hostPorts(ctx context.Context, except catalog.ID) (map[int]string, error) {
	ports := map[int]string{}
	for _, id := range slices.Sorted(maps.Keys(a.hosts)) {
		if id == except {
			continue
		}
		port, err := a.hosts[id].port(ctx)
		if err != nil {
			return nil, err
		}
		p, err := catalog.Lookup(id)
		if err != nil {
			return nil, err
		}
		ports[port] = p.Name
	}
	return ports, nil
}

// closeHosts stops every local host this process serves.
func (a *App) closeHosts() error {
	var errs []error
	for _, h := range a.hosts {
		errs = append(errs, h.close())
	}
	return errors.Join(errs...)
}
