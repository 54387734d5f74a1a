// Package credentials finds the AWS credentials pget signs with: command-line flags, then the
// environment, then the shared config and credentials files (a named profile, static keys or a
// credential_process). It knows nothing of requests or signing; it only answers "which keys".
//
// The order follows the AWS CLI:
//
//  1. Options.AccessKeyID / SecretAccessKey / SessionToken (the --access-key-id,
//     --secret-access-key and --session-token flags).
//  2. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, unless a profile was named
//     on the command line (Options.Profile): like `aws --profile x`, an explicit --profile
//     wins over keys exported in the shell. AWS_PROFILE does not skip the environment keys.
//  3. The profile (Options.Profile, else AWS_PROFILE, else "default") in the shared
//     credentials file and the config file. Both files are merged key by key, the credentials
//     file winning, as the AWS CLI merges them. Static keys win over credential_process.
//
// Nothing here ever puts a secret key or session token into an error or a String.
package credentials

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Credentials are one set of keys and where they came from.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// Expires is when the keys stop working; zero means they do not expire.
	Expires time.Time
	// Source says where they were found, for messages: "flags", "environment",
	// "profile default (~/.aws/credentials)", "credential_process (profile x)".
	Source string
}

// String describes the credentials without their secrets: the access key id and the source.
func (c Credentials) String() string {
	s := fmt.Sprintf("access key %s from %s", c.AccessKeyID, c.Source)
	if c.SessionToken != "" {
		s += ", with session token"
	}
	if !c.Expires.IsZero() {
		s += ", expires " + c.Expires.UTC().Format(time.RFC3339)
	}
	return s
}

// GoString keeps %#v from printing the secret fields.
func (c Credentials) GoString() string { return "credentials.Credentials{" + c.String() + "}" }

// Options says where to look. The zero value looks in the process environment and the user's
// home directory.
type Options struct {
	// AccessKeyID, SecretAccessKey and SessionToken come from flags and win over everything.
	AccessKeyID, SecretAccessKey, SessionToken string
	// Profile is --profile; when empty, AWS_PROFILE, then "default". A profile named here
	// also wins over AWS_ACCESS_KEY_ID in the environment, as with the AWS CLI.
	Profile string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// HomeDir is where ~/.aws lives; empty means os.UserHomeDir.
	HomeDir string
	// Now is the clock that decides when credential_process keys are due for renewal; nil
	// means time.Now.
	Now func() time.Time
	// Stderr receives a credential_process's standard error (its prompts and complaints);
	// nil means os.Stderr.
	Stderr io.Writer
}

// String describes where opts look without the flag secrets, so that printing Options (or a
// struct holding them) with %v never shows a secret key or session token.
func (o Options) String() string {
	s := "credentials.Options{Profile: " + o.Profile
	if o.AccessKeyID != "" {
		s += ", AccessKeyID: " + o.AccessKeyID + ", SecretAccessKey: REDACTED"
	}
	if o.SessionToken != "" {
		s += ", SessionToken: REDACTED"
	}
	return s + "}"
}

// GoString keeps %#v from printing the secret fields.
func (o Options) GoString() string { return o.String() }

// refreshWindow is how long before expiry keys from a credential_process are renewed, so that
// a request signed with them does not reach S3 after they died.
const refreshWindow = 5 * time.Minute

// Chain resolves credentials in order and caches them, refreshing keys from a
// credential_process shortly before they expire. It is safe for concurrent use.
type Chain struct {
	opts Options

	mu        sync.Mutex // held while resolving, so one process run serves all callers
	cached    Credentials
	have      bool
	refreshAt time.Time // zero: the cached keys never need renewal
}

// NewChain returns a Chain that looks where opts says.
func NewChain(opts Options) *Chain { return &Chain{opts: opts} }

// String describes the chain without its secrets: fmt prints a *Chain's fields (flag secrets,
// cached keys) otherwise.
func (c *Chain) String() string { return "credentials.Chain{" + c.opts.String() + "}" }

// GoString keeps %#v from printing the chain's secret fields.
func (c *Chain) GoString() string { return c.String() }

// Retrieve returns valid credentials. When none are found the error says, in one line, what
// was looked for and where. When renewing expiring keys fails while they are still valid,
// Retrieve returns them and tries again later.
func (c *Chain) Retrieve(ctx context.Context) (Credentials, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.have && (c.refreshAt.IsZero() || now.Before(c.refreshAt)) {
		return c.cached, nil
	}
	creds, err := c.resolve(ctx)
	if err != nil {
		if c.have && now.Before(c.cached.Expires) && ctx.Err() == nil {
			// A renewal that fails before the old keys expire must not fail a download that
			// they can still finish; try again after half their remaining life.
			c.refreshAt = refreshTime(c.cached.Expires, now)
			return c.cached, nil
		}
		return Credentials{}, err
	}
	c.cached, c.have, c.refreshAt = creds, true, refreshTime(creds.Expires, now)
	return creds, nil
}

// refreshTime is when keys fetched at now and expiring at expires are renewed: refreshWindow
// before expiry, but never earlier than half their remaining life, so that short-lived keys do
// not make us run the process on every request.
func refreshTime(expires, now time.Time) time.Time {
	if expires.IsZero() {
		return time.Time{}
	}
	at := expires.Add(-refreshWindow)
	if half := now.Add(expires.Sub(now) / 2); at.Before(half) {
		at = half
	}
	return at
}

// Region returns the region of the selected profile in the config file, or "" when it has none.
// A region in the credentials file wins, as every other key there does.
func (c *Chain) Region() (string, error) {
	p, err := c.loadProfile()
	if err != nil {
		return "", err
	}
	return p.get("region").value, nil
}

func (c *Chain) now() time.Time {
	if c.opts.Now != nil {
		return c.opts.Now()
	}
	return time.Now()
}

func (c *Chain) getenv(k string) string {
	if c.opts.Getenv != nil {
		return c.opts.Getenv(k)
	}
	return os.Getenv(k)
}

func (c *Chain) stderr() io.Writer {
	if c.opts.Stderr != nil {
		return c.opts.Stderr
	}
	return os.Stderr
}

// resolve walks the sources in order.
func (c *Chain) resolve(ctx context.Context) (Credentials, error) {
	if creds, ok, err := c.fromFlags(); ok || err != nil {
		return creds, err
	}
	if c.opts.Profile == "" {
		if creds, ok, err := c.fromEnv(); ok || err != nil {
			return creds, err
		}
	}
	p, err := c.loadProfile()
	if err != nil {
		return Credentials{}, err
	}
	if creds, ok, err := c.fromProfile(ctx, p); ok || err != nil {
		return creds, err
	}
	return Credentials{}, c.notFound(p)
}

func (c *Chain) fromFlags() (Credentials, bool, error) {
	o := c.opts
	switch {
	case o.AccessKeyID != "" && o.SecretAccessKey == "":
		return Credentials{}, false, errors.New("--access-key-id was given without --secret-access-key; give both")
	case o.AccessKeyID == "" && o.SecretAccessKey != "":
		return Credentials{}, false, errors.New("--secret-access-key was given without --access-key-id; give both")
	case o.AccessKeyID == "" && o.SessionToken != "":
		return Credentials{}, false, errors.New("--session-token was given without --access-key-id and --secret-access-key; give all three")
	case o.AccessKeyID == "":
		return Credentials{}, false, nil
	}
	return Credentials{AccessKeyID: o.AccessKeyID, SecretAccessKey: o.SecretAccessKey,
		SessionToken: o.SessionToken, Source: "flags"}, true, nil
}

func (c *Chain) fromEnv() (Credentials, bool, error) {
	id, secret := c.getenv("AWS_ACCESS_KEY_ID"), c.getenv("AWS_SECRET_ACCESS_KEY")
	switch {
	case id != "" && secret == "":
		return Credentials{}, false, errors.New("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both or unset both")
	case id == "" && secret != "":
		return Credentials{}, false, errors.New("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; set both or unset both")
	case id == "":
		return Credentials{}, false, nil
	}
	return Credentials{AccessKeyID: id, SecretAccessKey: secret,
		SessionToken: c.getenv("AWS_SESSION_TOKEN"), Source: "environment"}, true, nil
}

// notFound is the one-line error for a search that found nothing.
func (c *Chain) notFound(p profile) error {
	where := func(f fileInfo) string {
		if f.missing {
			return f.path + " (missing)"
		}
		return f.path
	}
	env := "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
	if c.opts.Profile != "" {
		env = "" // skipped: an explicit --profile wins over the environment
	}
	return fmt.Errorf("no AWS credentials found: looked in --access-key-id/--secret-access-key flags, %sprofile %q in %s and %s; set one of these or use --no-sign-request for a public bucket",
		env, p.name, where(p.creds), where(p.config))
}
