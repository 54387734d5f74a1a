package credentials

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// fileInfo is one of the two shared files as this search saw it.
type fileInfo struct {
	path    string
	missing bool
}

// setting is one key's value and the file it came from, so messages can say where.
type setting struct {
	value string
	from  string // file path; "" when the key is not set
}

// profile is the selected profile after merging the config and credentials files.
type profile struct {
	name          string
	creds, config fileInfo
	found         bool // a section for it exists in either file
	keys          map[string]setting
}

func (p profile) get(key string) setting { return p.keys[key] }

// profileName is the profile to use and whether the user chose it (flag or AWS_PROFILE).
func (c *Chain) profileName() (string, bool) {
	if c.opts.Profile != "" {
		return c.opts.Profile, true
	}
	if p := c.getenv("AWS_PROFILE"); p != "" {
		return p, true
	}
	return "default", false
}

// filePaths returns where the credentials and config files are, honouring
// AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE and expanding a leading "~".
func (c *Chain) filePaths() (creds, config string) {
	home := c.opts.HomeDir
	if home == "" {
		if h, err := os.UserHomeDir(); err == nil {
			home = h
		} else {
			home = "~" // no home: the default files cannot exist, and messages still read well
		}
	}
	pick := func(env, def string) string {
		p := c.getenv(env)
		switch {
		case p == "":
			return filepath.Join(home, ".aws", def)
		case p == "~":
			return home
		case strings.HasPrefix(p, "~/"):
			return filepath.Join(home, p[2:])
		}
		return p
	}
	return pick("AWS_SHARED_CREDENTIALS_FILE", "credentials"), pick("AWS_CONFIG_FILE", "config")
}

// readINI parses the file at path; a file that does not exist is empty, not an error.
func readINI(path string) (iniFile, bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("cannot read AWS settings file: %w", err)
	}
	f, err := parseINI(data)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w; fix the file or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE elsewhere", path, err)
	}
	return f, false, nil
}

// loadProfile reads both files and merges the selected profile, credentials file winning.
func (c *Chain) loadProfile() (profile, error) {
	name, chosen := c.profileName()
	credPath, cfgPath := c.filePaths()
	p := profile{name: name, creds: fileInfo{path: credPath}, config: fileInfo{path: cfgPath},
		keys: map[string]setting{}}

	cfg, missing, err := readINI(cfgPath)
	if err != nil {
		return p, err
	}
	p.config.missing = missing
	// In the config file a profile is "[profile name]"; the default one is "[default]" (or,
	// also accepted by the AWS tools, "[profile default]", which wins here when both exist).
	sections := []string{"profile " + name}
	if name == "default" {
		sections = []string{"default", "profile default"}
	}
	for _, s := range sections {
		p.merge(cfg, s, cfgPath)
	}

	creds, missing, err := readINI(credPath)
	if err != nil {
		return p, err
	}
	p.creds.missing = missing
	p.merge(creds, name, credPath) // "[name]" there, even for default

	if !p.found && chosen && name != "default" {
		return p, fmt.Errorf("profile %q not found in %s or %s; check --profile and AWS_PROFILE, or create it with \"aws configure --profile %s\"",
			name, credPath, cfgPath, name)
	}
	return p, nil
}

func (p *profile) merge(f iniFile, section, path string) {
	sec, ok := f[section]
	if !ok {
		return
	}
	p.found = true
	for k, v := range sec {
		p.keys[k] = setting{value: v, from: path}
	}
}

// unsupported lists profile keys that name a way of getting keys pget does not implement, so
// that such a profile gets a precise error instead of "no credentials found".
var unsupported = []struct{ key, what string }{
	{"role_arn", "role_arn (assume role)"},
	{"sso_session", "sso_session (IAM Identity Center)"},
	{"sso_start_url", "sso_start_url (IAM Identity Center)"},
	{"web_identity_token_file", "web_identity_token_file"},
	{"credential_source", "credential_source"},
}

// fromProfile takes static keys from p, else runs its credential_process.
func (c *Chain) fromProfile(ctx context.Context, p profile) (Credentials, bool, error) {
	id, secret := p.get("aws_access_key_id"), p.get("aws_secret_access_key")
	switch {
	case id.value != "" && secret.value == "":
		return Credentials{}, false, fmt.Errorf("profile %q has aws_access_key_id (in %s) but no aws_secret_access_key; add the secret or remove the key id", p.name, id.from)
	case id.value == "" && secret.value != "":
		return Credentials{}, false, fmt.Errorf("profile %q has aws_secret_access_key (in %s) but no aws_access_key_id; add the key id or remove the secret", p.name, secret.from)
	case id.value != "":
		return Credentials{AccessKeyID: id.value, SecretAccessKey: secret.value,
			SessionToken: p.get("aws_session_token").value,
			Source:       fmt.Sprintf("profile %s (%s)", p.name, id.from)}, true, nil
	}
	if proc := p.get("credential_process"); proc.value != "" {
		creds, err := c.runProcess(ctx, p.name, proc)
		return creds, err == nil, err
	}
	for _, u := range unsupported {
		if s := p.get(u.key); s.value != "" {
			return Credentials{}, false, fmt.Errorf("profile %q uses %s (in %s), which pget does not support; use static keys or credential_process, or export keys with \"aws configure export-credentials --profile %s --format env\"",
				p.name, u.what, s.from, p.name)
		}
	}
	return Credentials{}, false, nil
}
