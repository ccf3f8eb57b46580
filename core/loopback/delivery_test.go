package loopback

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"
	"testing"
)

// The browser gets the whole success page even when Wait is already waiting and closes the
// listener as soon as the flow ends: the page is written before the flow completes. Many
// flows run at once, so that the goroutine that closes the listener often runs before the
// handler's; a page lost that way is an empty answer (EOF) in the browser.
func TestSuccessPageReachesBrowserWhileWaiting(t *testing.T) {
	checkLeaks(t)
	// More Ps than cores let the operating system interleave the handler and the waiter at
	// any instruction, which is how a real browser met the defect.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(8, runtime.GOMAXPROCS(0))))
	const workers, rounds = 20, 20
	ts := newTokenServer(t)
	client := noKeepAlive(t)
	var (
		mu       sync.Mutex
		problems []string
		wg       sync.WaitGroup
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				if err := browseWhileWaiting(t, ts, client); err != nil {
					fail("worker %d round %d: %v", w, r, err)
				}
			}
		}()
	}
	wg.Wait()
	if len(problems) > 0 {
		t.Errorf("%d of %d callbacks did not get the whole success page; first: %s", len(problems), workers*rounds, problems[0])
	}
}

// browseWhileWaiting runs one flow: Wait starts first, then the browser sends the callback and
// reads the whole answer. It returns what went wrong, if anything.
func browseWhileWaiting(t *testing.T, ts *tokenServer, client *http.Client) error {
	f, err := Start(context.Background(), testConfig(t, ts))
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	defer f.Close()
	waited := make(chan error, 1)
	go func() {
		_, err := f.Wait(context.Background())
		waited <- err
	}()
	got, err := getPage(client, f.RedirectURL()+"?"+validQuery(f))
	if werr := <-waited; werr != nil {
		return fmt.Errorf("wait: %w", werr)
	}
	switch {
	case err != nil:
		return err
	case got != successPage:
		return fmt.Errorf("page %q, want the success page", got)
	}
	return nil
}

// getPage GETs u and returns the body of a 200 answer.
func getPage(client *http.Client, u string) (string, error) {
	resp, err := client.Get(u)
	if err != nil {
		return "", fmt.Errorf("callback: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", fmt.Errorf("read page: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d, want 200", resp.StatusCode)
	}
	return string(body), nil
}

// validQuery is the provider's answer with the flow's state and a code, for goroutines that
// may not call t.Fatal.
func validQuery(f *Flow) string {
	return "state=" + f.state + "&code=code-1"
}
