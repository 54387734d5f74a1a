package credentials

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"time"
)

// maxProcessOutput bounds what we read from a credential_process: real answers are well under
// a kilobyte, and a runaway process must not exhaust memory.
const maxProcessOutput = 1 << 20

// processOutput is the JSON a credential_process prints, as the AWS CLI defines it.
type processOutput struct {
	Version         *int   `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken"`
	Expiration      string `json:"Expiration"`
}

// runProcess runs the profile's credential_process through the shell, as the AWS CLI does, and
// parses what it prints. The command line is kept out of errors: it may carry secrets.
func (c *Chain) runProcess(ctx context.Context, profileName string, proc setting) (Credentials, error) {
	what := fmt.Sprintf("credential_process of profile %q (in %s)", profileName, proc.from)
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		cmd = exec.CommandContext(ctx, "cmd.exe", "/C", proc.value)
	} else {
		cmd = exec.CommandContext(ctx, "sh", "-c", proc.value)
	}
	// After cancellation, stop waiting for output a grandchild may still hold open.
	cmd.WaitDelay = 2 * time.Second
	var out bytes.Buffer
	cmd.Stdout = &limitedWriter{w: &out, n: maxProcessOutput}
	cmd.Stderr = c.stderr() // the process's own messages (prompts, errors) reach the user
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return Credentials{}, fmt.Errorf("%s: %w", what, ctx.Err())
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return Credentials{}, fmt.Errorf("%s failed (%s); run it by hand to see why", what, ee.ProcessState)
		}
		return Credentials{}, fmt.Errorf("%s failed: %w", what, err)
	}
	creds, err := parseProcessOutput(out.Bytes(), c.now())
	if err != nil {
		return Credentials{}, fmt.Errorf("%s %w", what, err)
	}
	creds.Source = fmt.Sprintf("credential_process (profile %s)", profileName)
	return creds, nil
}

// parseProcessOutput checks and converts a credential_process answer. Its errors complete the
// sentence "credential_process of profile x ..." and never quote the output, which holds secrets.
func parseProcessOutput(data []byte, now time.Time) (Credentials, error) {
	var po processOutput
	if err := json.Unmarshal(data, &po); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case len(bytes.TrimSpace(data)) == 0:
			return Credentials{}, errors.New("printed nothing; it must print a JSON object with Version 1")
		case errors.As(err, &se):
			return Credentials{}, fmt.Errorf("printed invalid JSON (error at byte %d); it must print a JSON object with Version 1", se.Offset)
		case errors.As(err, &te) && te.Field != "":
			return Credentials{}, fmt.Errorf("printed JSON whose %q has the wrong type (%s)", te.Field, te.Value)
		}
		return Credentials{}, errors.New("printed JSON that is not an object with Version 1")
	}
	switch {
	case po.Version == nil:
		return Credentials{}, errors.New("printed JSON without \"Version\"; it must be 1")
	case *po.Version != 1:
		return Credentials{}, fmt.Errorf("printed Version %d; pget understands only Version 1", *po.Version)
	case po.AccessKeyID == "":
		return Credentials{}, errors.New("printed no \"AccessKeyId\"")
	case po.SecretAccessKey == "":
		return Credentials{}, errors.New("printed no \"SecretAccessKey\"")
	}
	creds := Credentials{AccessKeyID: po.AccessKeyID, SecretAccessKey: po.SecretAccessKey,
		SessionToken: po.SessionToken}
	if po.Expiration != "" {
		t, err := time.Parse(time.RFC3339, po.Expiration)
		if err != nil {
			return Credentials{}, fmt.Errorf("printed an Expiration %q that is not an RFC 3339 time such as 2026-01-02T15:04:05Z", po.Expiration)
		}
		if !t.After(now) {
			return Credentials{}, fmt.Errorf("printed keys that expired at %s; renew them at their source", t.UTC().Format(time.RFC3339))
		}
		creds.Expires = t
	}
	return creds, nil
}

// limitedWriter keeps the first n bytes and fails after, which stops a runaway process.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if len(p) > l.n {
		return 0, errors.New("credential_process printed more than 1 MiB")
	}
	l.n -= len(p)
	return l.w.Write(p)
}
