package credentials

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// processFixture is a profile whose credential_process is a shell script that prints the
// contents of answer.json, appends a line to runs.log on every run and writes to stderr.
type processFixture struct {
	*fixture
	dir, cfgPath string
	stderr       bytes.Buffer
	now          time.Time
}

func newProcessFixture(t *testing.T) *processFixture {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the test process is a POSIX shell script")
	}
	pf := &processFixture{fixture: newFixture(t), dir: t.TempDir(),
		now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	script := filepath.Join(pf.dir, "creds helper.sh") // a space: the command goes through sh -c
	body := "#!/bin/sh\necho run >> \"$(dirname \"$0\")/runs.log\"\necho 'helper says hi' >&2\ncat \"$(dirname \"$0\")/answer.json\"\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	pf.cfgPath = pf.write("config", "[profile proc]\ncredential_process = '"+script+"' --ignored-arg\n")
	return pf
}

func (pf *processFixture) answer(json string) {
	pf.t.Helper()
	if err := os.WriteFile(filepath.Join(pf.dir, "answer.json"), []byte(json), 0o600); err != nil {
		pf.t.Fatal(err)
	}
}

func (pf *processFixture) runs() int {
	data, _ := os.ReadFile(filepath.Join(pf.dir, "runs.log"))
	return strings.Count(string(data), "run\n")
}

func (pf *processFixture) chain() *Chain {
	return pf.fixture.chain(Options{Profile: "proc", Stderr: &pf.stderr, Now: func() time.Time { return pf.now }})
}

func TestProcessStatic(t *testing.T) {
	pf := newProcessFixture(t)
	pf.answer(`{"Version": 1, "AccessKeyId": "PROCID", "SecretAccessKey": "` + testSecret + `", "SessionToken": "` + testToken + `"}`)
	c := pf.chain()
	got := mustRetrieve(t, c)
	check(t, got, "PROCID", testSecret, testToken, "credential_process (profile proc)")
	if !got.Expires.IsZero() {
		t.Fatalf("Expires = %v, want zero", got.Expires)
	}
	if pf.stderr.String() != "helper says hi\n" {
		t.Fatalf("stderr = %q: the process's stderr must pass through", pf.stderr.String())
	}
	pf.now = pf.now.Add(1000 * time.Hour)
	mustRetrieve(t, c)
	if pf.runs() != 1 {
		t.Fatalf("process ran %d times; keys without Expiration must be cached", pf.runs())
	}
}

func TestProcessRefreshBeforeExpiry(t *testing.T) {
	pf := newProcessFixture(t)
	exp := pf.now.Add(time.Hour)
	pf.answer(`{"Version":1,"AccessKeyId":"FIRST","SecretAccessKey":"s1","SessionToken":"t1","Expiration":"` + exp.Format(time.RFC3339) + `"}`)
	c := pf.chain()
	got := mustRetrieve(t, c)
	if got.AccessKeyID != "FIRST" || !got.Expires.Equal(exp) {
		t.Fatalf("got %v", got)
	}
	pf.answer(`{"Version":1,"AccessKeyId":"SECOND","SecretAccessKey":"s2","Expiration":"` + exp.Add(time.Hour).Format("2006-01-02T15:04:05+02:00") + `"}`)

	pf.now = exp.Add(-refreshWindow - time.Second) // still fresh: cached
	if got := mustRetrieve(t, c); got.AccessKeyID != "FIRST" || pf.runs() != 1 {
		t.Fatalf("got %s after %d runs; want the cached FIRST after 1 run", got.AccessKeyID, pf.runs())
	}
	pf.now = exp.Add(-refreshWindow) // due: the process runs again
	if got := mustRetrieve(t, c); got.AccessKeyID != "SECOND" || pf.runs() != 2 {
		t.Fatalf("got %s after %d runs; want SECOND after 2 runs", got.AccessKeyID, pf.runs())
	}
}

func TestRefreshTime(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		life, want time.Duration
	}{
		{time.Hour, time.Hour - refreshWindow},
		{4 * time.Minute, 2 * time.Minute}, // shorter than the window: renew at half-life
	} {
		if got := refreshTime(now.Add(tc.life), now); !got.Equal(now.Add(tc.want)) {
			t.Errorf("refreshTime(life %v) = %v, want now+%v", tc.life, got, tc.want)
		}
	}
	if !refreshTime(time.Time{}, now).IsZero() {
		t.Error("keys that never expire need no refresh")
	}
}

func TestProcessErrors(t *testing.T) {
	pf := newProcessFixture(t)
	prefix := `credential_process of profile "proc" (in ` + pf.cfgPath + `) `
	for _, tc := range []struct{ answer, want string }{
		{``, "printed nothing; it must print a JSON object with Version 1"},
		{`{"Version":1,"AccessKeyId":"A","SecretAccessKey":"` + testSecret + `"`, "printed invalid JSON (error at byte 87); it must print a JSON object with Version 1"},
		{`["` + testSecret + `"]`, "printed JSON that is not an object with Version 1"},
		{`{"Version":"1","SecretAccessKey":"` + testSecret + `"}`, `printed JSON whose "Version" has the wrong type (string)`},
		{`{"AccessKeyId":"A","SecretAccessKey":"` + testSecret + `"}`, `printed JSON without "Version"; it must be 1`},
		{`{"Version":2,"AccessKeyId":"A","SecretAccessKey":"` + testSecret + `"}`, "printed Version 2; pget understands only Version 1"},
		{`{"Version":1,"SecretAccessKey":"` + testSecret + `"}`, `printed no "AccessKeyId"`},
		{`{"Version":1,"AccessKeyId":"A","SessionToken":"` + testToken + `"}`, `printed no "SecretAccessKey"`},
		{`{"Version":1,"AccessKeyId":"A","SecretAccessKey":"` + testSecret + `","Expiration":"tomorrow"}`, `printed an Expiration "tomorrow" that is not an RFC 3339 time such as 2026-01-02T15:04:05Z`},
		{`{"Version":1,"AccessKeyId":"A","SecretAccessKey":"` + testSecret + `","Expiration":"2026-05-01T12:00:00Z"}`, "printed keys that expired at 2026-05-01T12:00:00Z; renew them at their source"},
	} {
		pf.answer(tc.answer)
		wantErr(t, pf.chain(), prefix+tc.want)
	}
}

func TestProcessFails(t *testing.T) {
	pf := newProcessFixture(t)
	p := pf.write("config", "[default]\ncredential_process = echo "+testSecret+"; exit 3\n")
	wantErr(t, pf.fixture.chain(Options{}), `credential_process of profile "default" (in `+p+`) failed (exit status 3); run it by hand to see why`)
}

func TestProcessCancelled(t *testing.T) {
	pf := newProcessFixture(t)
	pf.write("config", "[default]\ncredential_process = sleep 30\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := pf.fixture.chain(Options{}).Retrieve(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestProcessRunsOnceForConcurrentCallers(t *testing.T) {
	pf := newProcessFixture(t)
	pf.answer(`{"Version":1,"AccessKeyId":"PROCID","SecretAccessKey":"s"}`)
	c := pf.chain()
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := c.Retrieve(context.Background())
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if pf.runs() != 1 {
		t.Fatalf("process ran %d times for 8 concurrent callers, want 1", pf.runs())
	}
}

func TestProcessRenewalFailureKeepsValidKeys(t *testing.T) {
	pf := newProcessFixture(t)
	exp := pf.now.Add(time.Hour)
	pf.answer(`{"Version":1,"AccessKeyId":"FIRST","SecretAccessKey":"s1","Expiration":"` + exp.Format(time.RFC3339) + `"}`)
	c := pf.chain()
	mustRetrieve(t, c)
	pf.answer(`not json`) // the renewal fails

	pf.now = exp.Add(-2 * time.Minute) // due for renewal, still valid
	if got := mustRetrieve(t, c); got.AccessKeyID != "FIRST" || pf.runs() != 2 {
		t.Fatalf("got %s after %d runs; want the still-valid FIRST after a failed second run", got.AccessKeyID, pf.runs())
	}
	pf.now = exp.Add(-90 * time.Second) // before half the remaining life: no new attempt
	if mustRetrieve(t, c); pf.runs() != 2 {
		t.Fatalf("process ran %d times; a failed renewal is retried after half the remaining life", pf.runs())
	}
	pf.now = exp // expired: the renewal's error is the answer
	wantErr(t, c, `credential_process of profile "proc" (in `+pf.cfgPath+`) printed invalid JSON (error at byte 2); it must print a JSON object with Version 1`)
}
