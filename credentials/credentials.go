// Package credentials finds the AWS credentials pget signs with: command-line flags, then the
// environment, then the shared config and credentials files (a named profile, static keys or a
// credential_process). It knows nothing of requests or signing; it only answers "which keys".
package credentials

import (
	"context"
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
func (c Credentials) String() string { panic("unimplemented") }

// Options says where to look. The zero value looks in the process environment and the user's
// home directory.
type Options struct {
	// AccessKeyID, SecretAccessKey and SessionToken come from flags and win over everything.
	AccessKeyID, SecretAccessKey, SessionToken string
	// Profile is --profile; when empty, AWS_PROFILE, then "default".
	Profile string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// HomeDir is where ~/.aws lives; empty means os.UserHomeDir.
	HomeDir string
}

// Chain resolves credentials in order and caches them, refreshing keys from a
// credential_process shortly before they expire. It is safe for concurrent use.
type Chain struct {
	opts Options
}

// NewChain returns a Chain that looks where opts says.
func NewChain(opts Options) *Chain { return &Chain{opts: opts} }

// Retrieve returns valid credentials. When none are found the error says, in one line, what
// was looked for and where.
func (c *Chain) Retrieve(ctx context.Context) (Credentials, error) { panic("unimplemented") }

// Region returns the region of the selected profile in the config file, or "" when it has none.
func (c *Chain) Region() (string, error) { panic("unimplemented") }
