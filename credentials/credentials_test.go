package credentials

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Distinctive secrets: every test checks that no error or String contains them.
const (
	testSecret = "SECRETwJalrXUtnFEMI/K7MDENG/bPxRfiCY"
	testToken  = "TOKENIQoJb3JpZ2luX2VjEJr//////////"
)

// env is a fake environment.
type env map[string]string

func (e env) get(k string) string { return e[k] }

// fixture is a home directory with optional ~/.aws files.
type fixture struct {
	t    *testing.T
	home string
	env  env
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return &fixture{t: t, home: t.TempDir(), env: env{}}
}

func (f *fixture) write(name, content string) string {
	f.t.Helper()
	p := filepath.Join(f.home, ".aws", name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) chain(o Options) *Chain {
	o.Getenv = f.env.get
	o.HomeDir = f.home
	if o.Stderr == nil {
		o.Stderr = &bytes.Buffer{}
	}
	return NewChain(o)
}

func noSecrets(t *testing.T, s string) {
	t.Helper()
	if strings.Contains(s, testSecret) || strings.Contains(s, testToken) {
		t.Fatalf("text leaks a secret: %s", s)
	}
}

func retrieve(t *testing.T, c *Chain) (Credentials, error) {
	t.Helper()
	creds, err := c.Retrieve(context.Background())
	if err != nil {
		noSecrets(t, err.Error())
	} else {
		noSecrets(t, creds.String())
	}
	return creds, err
}

func mustRetrieve(t *testing.T, c *Chain) Credentials {
	t.Helper()
	creds, err := retrieve(t, c)
	if err != nil {
		t.Fatal(err)
	}
	return creds
}

func wantErr(t *testing.T, c *Chain, want string) {
	t.Helper()
	_, err := retrieve(t, c)
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v\nwant    %s", err, want)
	}
}

func check(t *testing.T, got Credentials, id, secret, token, source string) {
	t.Helper()
	if got.AccessKeyID != id || got.SecretAccessKey != secret || got.SessionToken != token || got.Source != source {
		t.Fatalf("got id=%q secret=%q token=%q source=%q\nwant id=%q secret=%q token=%q source=%q",
			got.AccessKeyID, got.SecretAccessKey, got.SessionToken, got.Source, id, secret, token, source)
	}
}

func TestFlagsWinOverEverything(t *testing.T) {
	f := newFixture(t)
	f.env = env{"AWS_ACCESS_KEY_ID": "ENVID", "AWS_SECRET_ACCESS_KEY": "envsecret"}
	f.write("credentials", "[default]\naws_access_key_id = FILEID\naws_secret_access_key = filesecret\n")
	got := mustRetrieve(t, f.chain(Options{AccessKeyID: "FLAGID", SecretAccessKey: testSecret, SessionToken: testToken}))
	check(t, got, "FLAGID", testSecret, testToken, "flags")
}

func TestFlagsPartial(t *testing.T) {
	f := newFixture(t)
	wantErr(t, f.chain(Options{AccessKeyID: "ID"}), "--access-key-id was given without --secret-access-key; give both")
	wantErr(t, f.chain(Options{SecretAccessKey: testSecret}), "--secret-access-key was given without --access-key-id; give both")
	wantErr(t, f.chain(Options{SessionToken: testToken}), "--session-token was given without --access-key-id and --secret-access-key; give all three")
}

func TestEnvironment(t *testing.T) {
	f := newFixture(t)
	f.env = env{"AWS_ACCESS_KEY_ID": "ENVID", "AWS_SECRET_ACCESS_KEY": testSecret, "AWS_SESSION_TOKEN": testToken}
	f.write("credentials", "[default]\naws_access_key_id = FILEID\naws_secret_access_key = filesecret\n")
	check(t, mustRetrieve(t, f.chain(Options{})), "ENVID", testSecret, testToken, "environment")

	// AWS_PROFILE selects a profile but does not beat keys in the environment.
	f.env["AWS_PROFILE"] = "default"
	check(t, mustRetrieve(t, f.chain(Options{})), "ENVID", testSecret, testToken, "environment")
}

func TestEnvironmentPartial(t *testing.T) {
	f := newFixture(t)
	f.env = env{"AWS_ACCESS_KEY_ID": "ENVID"}
	wantErr(t, f.chain(Options{}), "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both or unset both")
	f.env = env{"AWS_SECRET_ACCESS_KEY": testSecret}
	wantErr(t, f.chain(Options{}), "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; set both or unset both")
}

func TestExplicitProfileWinsOverEnvironment(t *testing.T) {
	f := newFixture(t)
	f.env = env{"AWS_ACCESS_KEY_ID": "ENVID", "AWS_SECRET_ACCESS_KEY": "envsecret"}
	p := f.write("credentials", "[work]\naws_access_key_id = WORKID\naws_secret_access_key = "+testSecret+"\n")
	check(t, mustRetrieve(t, f.chain(Options{Profile: "work"})), "WORKID", testSecret, "", "profile work ("+p+")")
}

func TestProfileFromCredentialsFile(t *testing.T) {
	f := newFixture(t)
	p := f.write("credentials", `# a comment
; another comment
[default]
  AWS_Access_Key_ID=DEFID
aws_secret_access_key	=	`+testSecret+`   
aws_session_token = `+testToken+`

[other]
aws_access_key_id = OTHERID
aws_secret_access_key = othersecret
`)
	check(t, mustRetrieve(t, f.chain(Options{})), "DEFID", testSecret, testToken, "profile default ("+p+")")
	f.env["AWS_PROFILE"] = "other"
	check(t, mustRetrieve(t, f.chain(Options{})), "OTHERID", "othersecret", "", "profile other ("+p+")")
}

func TestProfileFromConfigFile(t *testing.T) {
	f := newFixture(t)
	p := f.write("config", `[default]
aws_access_key_id = DEFID
aws_secret_access_key = defsecret
[profile dev]
aws_access_key_id = DEVID
aws_secret_access_key = devsecret
[prod]
aws_access_key_id = NOTAPROFILE
aws_secret_access_key = x
`)
	check(t, mustRetrieve(t, f.chain(Options{})), "DEFID", "defsecret", "", "profile default ("+p+")")
	check(t, mustRetrieve(t, f.chain(Options{Profile: "dev"})), "DEVID", "devsecret", "", "profile dev ("+p+")")
	// In the config file "[prod]" is not the profile prod: only "[profile prod]" is.
	wantErr(t, f.chain(Options{Profile: "prod"}), `profile "prod" not found in `+filepath.Join(f.home, ".aws", "credentials")+` or `+p+`; check --profile and AWS_PROFILE, or create it with "aws configure --profile prod"`)
}

func TestCredentialsFileWinsOverConfigFile(t *testing.T) {
	f := newFixture(t)
	f.write("config", "[profile x]\naws_access_key_id = CFGID\naws_secret_access_key = cfgsecret\naws_session_token = cfgtoken\nregion = eu-west-1\n")
	cp := f.write("credentials", "[x]\naws_access_key_id = CREDID\naws_secret_access_key = credsecret\n")
	c := f.chain(Options{Profile: "x"})
	// Merged key by key: the token only in the config file still applies.
	check(t, mustRetrieve(t, c), "CREDID", "credsecret", "cfgtoken", "profile x ("+cp+")")
	if r, err := c.Region(); err != nil || r != "eu-west-1" {
		t.Fatalf("Region() = %q, %v; want eu-west-1", r, err)
	}
	f.write("credentials", "[x]\nregion = ap-south-1\n")
	if r, err := f.chain(Options{Profile: "x"}).Region(); err != nil || r != "ap-south-1" {
		t.Fatalf("Region() = %q, %v; want ap-south-1 from the credentials file", r, err)
	}
}

func TestProfileDefaultSectionInConfig(t *testing.T) {
	f := newFixture(t)
	f.write("config", "[profile default]\nregion = us-west-2\n")
	if r, err := f.chain(Options{}).Region(); err != nil || r != "us-west-2" {
		t.Fatalf("Region() = %q, %v; want us-west-2", r, err)
	}
}

func TestRegion(t *testing.T) {
	f := newFixture(t)
	c := f.chain(Options{})
	if r, err := c.Region(); err != nil || r != "" {
		t.Fatalf("no files: Region() = %q, %v", r, err)
	}
	f.write("config", "[default]\ns3 =\n  region = nested-1\n  addressing_style = path\nregion = eu-central-1\n[profile p]\ns3 =\n    region = nested-2\n")
	if r, err := c.Region(); err != nil || r != "eu-central-1" {
		t.Fatalf("Region() = %q, %v; want eu-central-1", r, err)
	}
	if r, err := f.chain(Options{Profile: "p"}).Region(); err != nil || r != "" {
		t.Fatalf("a nested region must not count: Region() = %q, %v", r, err)
	}
	if _, err := f.chain(Options{Profile: "nope"}).Region(); err == nil || !strings.HasPrefix(err.Error(), `profile "nope" not found in `) {
		t.Fatalf("Region() of a missing profile: err = %v", err)
	}
}

func TestFileLocationsFromEnvironment(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	cp, gp := filepath.Join(dir, "creds.ini"), filepath.Join(f.home, "cfg.ini")
	os.WriteFile(cp, []byte("[default]\naws_access_key_id = ENVFILEID\naws_secret_access_key = s\n"), 0o600)
	os.WriteFile(gp, []byte("[default]\nregion = sa-east-1\n"), 0o600)
	f.write("credentials", "[default]\naws_access_key_id = HOMEID\naws_secret_access_key = s\n")
	f.env = env{"AWS_SHARED_CREDENTIALS_FILE": cp, "AWS_CONFIG_FILE": "~/cfg.ini"}
	c := f.chain(Options{})
	check(t, mustRetrieve(t, c), "ENVFILEID", "s", "", "profile default ("+cp+")")
	if r, err := c.Region(); err != nil || r != "sa-east-1" {
		t.Fatalf("Region() = %q, %v", r, err)
	}
}

func TestNothingFound(t *testing.T) {
	f := newFixture(t)
	cp, gp := filepath.Join(f.home, ".aws", "credentials"), filepath.Join(f.home, ".aws", "config")
	wantErr(t, f.chain(Options{}), `no AWS credentials found: looked in --access-key-id/--secret-access-key flags, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile "default" in `+
		cp+` (missing) and `+gp+` (missing); set one of these or use --no-sign-request for a public bucket`)
	// Files that exist but hold no keys for the profile.
	f.write("config", "[default]\nregion = us-east-1\n")
	f.write("credentials", "[other]\naws_access_key_id = X\naws_secret_access_key = Y\n")
	wantErr(t, f.chain(Options{}), `no AWS credentials found: looked in --access-key-id/--secret-access-key flags, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile "default" in `+
		cp+` and `+gp+`; set one of these or use --no-sign-request for a public bucket`)
	// AWS_PROFILE=default with no files is not "profile not found".
	f.env["AWS_PROFILE"] = "default"
	os.Remove(gp)
	wantErr(t, f.chain(Options{}), `no AWS credentials found: looked in --access-key-id/--secret-access-key flags, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile "default" in `+
		cp+` and `+gp+` (missing); set one of these or use --no-sign-request for a public bucket`)
}

func TestNamedProfileMissing(t *testing.T) {
	f := newFixture(t)
	f.env["AWS_PROFILE"] = "ghost"
	cp, gp := filepath.Join(f.home, ".aws", "credentials"), filepath.Join(f.home, ".aws", "config")
	wantErr(t, f.chain(Options{}), `profile "ghost" not found in `+cp+` or `+gp+`; check --profile and AWS_PROFILE, or create it with "aws configure --profile ghost"`)
}

func TestProfilePartialKeys(t *testing.T) {
	f := newFixture(t)
	p := f.write("credentials", "[a]\naws_access_key_id = AID\n[b]\naws_secret_access_key = "+testSecret+"\n")
	wantErr(t, f.chain(Options{Profile: "a"}), `profile "a" has aws_access_key_id (in `+p+`) but no aws_secret_access_key; add the secret or remove the key id`)
	wantErr(t, f.chain(Options{Profile: "b"}), `profile "b" has aws_secret_access_key (in `+p+`) but no aws_access_key_id; add the key id or remove the secret`)
}

func TestUnsupportedProfile(t *testing.T) {
	f := newFixture(t)
	p := f.write("config", "[profile r]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = default\n")
	wantErr(t, f.chain(Options{Profile: "r"}), `profile "r" uses role_arn (assume role) (in `+p+`), which pget does not support; use static keys or credential_process, or export keys with "aws configure export-credentials --profile r --format env"`)
}

func TestUnreadableAndMalformedFiles(t *testing.T) {
	f := newFixture(t)
	p := f.write("credentials", "[default]\naws_access_key_id = X\naws_secret_access_key "+testSecret+"\n")
	wantErr(t, f.chain(Options{}), p+`: line 3: expected "key = value" or "[section]"; fix the file or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE elsewhere`)

	dir := filepath.Join(f.home, "adir")
	os.Mkdir(dir, 0o700)
	f.env["AWS_CONFIG_FILE"] = dir
	_, err := retrieve(t, f.chain(Options{}))
	if err == nil || !strings.HasPrefix(err.Error(), "cannot read AWS settings file: read "+dir+": ") {
		t.Fatalf("err = %v", err)
	}
}

func TestStringAndGoStringHideSecrets(t *testing.T) {
	c := Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: testSecret, SessionToken: testToken,
		Expires: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Source: "environment"}
	want := "access key AKIDEXAMPLE from environment, with session token, expires 2026-01-02T03:04:05Z"
	if c.String() != want {
		t.Fatalf("String() = %q\nwant       %q", c.String(), want)
	}
	for _, s := range []string{c.GoString(), sprintAll(c)} {
		noSecrets(t, s)
	}
	opts := Options{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: testSecret, SessionToken: testToken}
	chain := newFixture(t).chain(opts)
	mustRetrieve(t, chain) // the cache now holds the keys too
	for _, s := range []string{sprintAll(opts), sprintAll(chain), sprintAll(&opts)} {
		noSecrets(t, s)
		if !strings.Contains(s, "AKIDEXAMPLE") {
			t.Errorf("printing hides the access key ID too: %s", s)
		}
	}
}

func TestExplicitProfileWithoutKeys(t *testing.T) {
	f := newFixture(t)
	f.env = env{"AWS_ACCESS_KEY_ID": "ENVID", "AWS_SECRET_ACCESS_KEY": "envsecret"}
	cp := f.write("credentials", "[work]\nregion = eu-west-1\n")
	gp := filepath.Join(f.home, ".aws", "config")
	// The environment was skipped for the explicit profile, so the message does not claim it.
	wantErr(t, f.chain(Options{Profile: "work"}), `no AWS credentials found: looked in --access-key-id/--secret-access-key flags, profile "work" in `+
		cp+` and `+gp+` (missing); set one of these or use --no-sign-request for a public bucket`)
}

func TestCachedUntilRefresh(t *testing.T) {
	f := newFixture(t)
	f.write("credentials", "[default]\naws_access_key_id = FIRST\naws_secret_access_key = s\n")
	c := f.chain(Options{})
	mustRetrieve(t, c)
	f.write("credentials", "[default]\naws_access_key_id = SECOND\naws_secret_access_key = s\n")
	if got := mustRetrieve(t, c); got.AccessKeyID != "FIRST" {
		t.Fatalf("static keys were re-read: got %s", got.AccessKeyID)
	}
}
