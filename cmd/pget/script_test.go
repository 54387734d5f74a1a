package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pget/pget/s3sim"
)

// TestMain lets the test binary act as the pget command inside scripts, so the scripts drive
// the real binary: flags, exit codes, stdout and stderr.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"pget": func() { os.Exit(run(os.Args, os.Stdout, os.Stderr)) },
	})
}

// simKey is where a script's simulator is kept in its Env.Values.
type simKey struct{}

// TestScripts runs testdata/script/*.txtar. Each script gets its own S3 simulator, with its
// URL in $SIM and AWS_ENDPOINT_URL, its keys in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY and an
// empty $HOME, so nothing of the machine's own AWS setup leaks in.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			sim := s3sim.New(s3sim.Options{})
			if err := sim.Start("127.0.0.1:0"); err != nil {
				return err
			}
			env.Defer(func() { sim.Close() })
			env.Values[simKey{}] = sim
			home := filepath.Join(env.WorkDir, "home")
			env.Setenv("HOME", home)
			env.Setenv("SIM", sim.URL())
			env.Setenv("SIMHOST", strings.TrimPrefix(sim.URL(), "http://"))
			env.Setenv("AWS_ENDPOINT_URL", sim.URL())
			env.Setenv("AWS_ACCESS_KEY_ID", s3sim.DefaultAccessKeyID)
			env.Setenv("AWS_SECRET_ACCESS_KEY", s3sim.DefaultSecretAccessKey)
			env.Setenv("AWS_REGION", s3sim.DefaultRegion)
			return os.MkdirAll(home, 0o755)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"simput": cmdSimPut,
			"cmpgen": cmdCmpGen,
			"exits":  cmdExits,
		},
	})
}

// simput BUCKET KEY SIZE SEED puts a generated object into the script's simulator.
// simput BUCKET KEY -file FILE puts a file's bytes.
func cmdSimPut(ts *testscript.TestScript, neg bool, args []string) {
	sim := ts.Value(simKey{}).(*s3sim.Server)
	if len(args) == 4 && args[2] == "-file" {
		sim.PutBytes(args[0], args[1], []byte(ts.ReadFile(args[3])))
		return
	}
	if len(args) != 4 {
		ts.Fatalf("usage: simput BUCKET KEY SIZE SEED | simput BUCKET KEY -file FILE")
	}
	size, err1 := strconv.ParseInt(args[2], 10, 64)
	seed, err2 := strconv.ParseInt(args[3], 10, 64)
	ts.Check(errors.Join(err1, err2))
	sim.PutGenerated(args[0], args[1], size, seed)
}

// cmpgen FILE SEED FIRST LAST checks that FILE holds exactly bytes FIRST..LAST (inclusive) of
// the generated object of SEED, by SHA-256. cmpgen FILE SEED SIZE checks the whole object.
func cmdCmpGen(ts *testscript.TestScript, neg bool, args []string) {
	var first, last int64
	var err error
	switch len(args) {
	case 3:
		var size int64
		size, err = strconv.ParseInt(args[2], 10, 64)
		last = size - 1
	case 4:
		first, _ = strconv.ParseInt(args[2], 10, 64)
		last, err = strconv.ParseInt(args[3], 10, 64)
	default:
		ts.Fatalf("usage: cmpgen FILE SEED SIZE | cmpgen FILE SEED FIRST LAST")
	}
	ts.Check(err)
	seed, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	want := make([]byte, last-first+1)
	s3sim.Generate(seed, first, want)
	got, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	g, w := sha256.Sum256(got), sha256.Sum256(want)
	if (g == w) == neg {
		ts.Fatalf("%s: SHA-256 %s (%d bytes), want %s (%d bytes)", args[0],
			hex.EncodeToString(g[:8]), len(got), hex.EncodeToString(w[:8]), len(want))
	}
}

// exits CODE PROGRAM ARGS... runs the program like exec and requires that exit code.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		got = ee.ExitCode()
	case err != nil:
		ts.Fatalf("%v", err)
	}
	if got != want {
		ts.Fatalf("exit code %d, want %d", got, want)
	}
}
