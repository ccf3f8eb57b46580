// Package sandboxtest is a browser stand-in for the built-in sandbox provider's sign-in page:
// it opens the authorization URL, reads the HTML form the page shows, fills in the account
// name and presses Allow or Deny, as a person would, then follows the redirect to the app's
// loopback callback. Only tests import it.
package sandboxtest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/net/html"
)

// Browser plays the system browser at the sandbox's sign-in page.
type Browser struct {
	mu sync.Mutex
	// Account is typed into the form's account field.
	Account string
	// Deny presses Deny instead of Allow.
	Deny bool
	// visits counts the sign-in pages opened.
	visits int
}

// New is a browser that signs in as account and presses Allow.
func New(account string) *Browser { return &Browser{Account: account} }

// Set changes what the next sign-in types and presses.
func (b *Browser) Set(account string, deny bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.Account, b.Deny = account, deny
}

// Visits is how many sign-in pages the browser opened.
func (b *Browser) Visits() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.visits
}

// Form is a form as a page shows it: where it goes, its fields, its buttons.
type Form struct {
	Action, Method string
	// Fields are the inputs with their values, in order; Hidden names the hidden ones.
	Fields  url.Values
	Hidden  map[string]bool
	Buttons map[string][2]string // label → name, value
	// Text is the page's visible text.
	Text string
}

// Open is the browser opening authURL: it is what a front end's OpenURL hook calls.
func (b *Browser) Open(authURL string) error {
	b.mu.Lock()
	account, deny := b.Account, b.Deny
	b.visits++
	b.mu.Unlock()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get(authURL)
	if err != nil {
		return fmt.Errorf("open the sign-in page: %w", err)
	}
	f, err := ReadForm(resp)
	if err != nil {
		return err
	}
	button := "Allow"
	if deny {
		button = "Deny"
	}
	values, err := f.Fill(map[string]string{"account": account}, button)
	if err != nil {
		return err
	}
	action, err := resp.Request.URL.Parse(f.Action)
	if err != nil {
		return fmt.Errorf("form action %q: %w", f.Action, err)
	}
	resp, err = client.PostForm(action.String(), values)
	if err != nil {
		return fmt.Errorf("submit the sign-in form: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("after the form the browser shows %s at %s", resp.Status, resp.Request.URL.Redacted())
	}
	return nil
}

// ReadForm reads the one form of the page resp carries, and closes its body.
func ReadForm(resp *http.Response) (Form, error) {
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		return Form{}, fmt.Errorf("the sign-in page answered %s (%s): %s", resp.Status, resp.Header.Get("Content-Type"), b)
	}
	doc, err := html.Parse(resp.Body)
	if err != nil {
		return Form{}, fmt.Errorf("parse the sign-in page: %w", err)
	}
	f := Form{Fields: url.Values{}, Hidden: map[string]bool{}, Buttons: map[string][2]string{}}
	var text strings.Builder
	found := false
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			text.WriteString(n.Data)
		case n.Type == html.ElementNode && n.Data == "form":
			found = true
			f.Action, f.Method = attr(n, "action"), attr(n, "method")
		case n.Type == html.ElementNode && n.Data == "input":
			f.Fields.Add(attr(n, "name"), attr(n, "value"))
			if attr(n, "type") == "hidden" {
				f.Hidden[attr(n, "name")] = true
			}
		case n.Type == html.ElementNode && n.Data == "button":
			f.Buttons[strings.TrimSpace(textOf(n))] = [2]string{attr(n, "name"), attr(n, "value")}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	f.Text = text.String()
	if !found {
		return Form{}, errors.New("the sign-in page has no form")
	}
	return f, nil
}

// Fill is the form's values with typed in the named fields, submitted by the button labelled
// press.
func (f Form) Fill(typed map[string]string, press string) (url.Values, error) {
	v := url.Values{}
	for k, vs := range f.Fields {
		v[k] = append([]string(nil), vs...)
	}
	for k, t := range typed {
		if _, ok := f.Fields[k]; !ok {
			return nil, fmt.Errorf("the form has no field %q", k)
		}
		v.Set(k, t)
	}
	b, ok := f.Buttons[press]
	if !ok {
		return nil, fmt.Errorf("the form has no button %q", press)
	}
	v.Set(b[0], b[1])
	return v, nil
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}
