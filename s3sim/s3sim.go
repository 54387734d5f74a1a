// Package s3sim is an in-process S3-compatible server for pget's tests, benchmarks and
// `pget demo`. It serves HEAD, GET (ranges, conditionals, partNumber, versionId), PUT, multipart
// upload and ListObjectsV2, stores checksums as S3 does, verifies SigV4 signatures and presigned
// URLs, and can hold objects generated from a seed so a 100 GiB object costs no memory. Its
// network (latency, bandwidth, faults) is shaped by package netsim. Production code never
// imports it, except the CLI for demo and bench.
//
// Addressing is path-style (/bucket/key). Virtual-host style (Host "bucket.anything") is also
// accepted when the first label of a non-IP host names an existing bucket.
//
// Every bucket is versioned: replacing an object keeps the old version, reachable by versionId.
//
// Generated objects (PutGenerated) have a synthetic ETag (GeneratedETag: not an MD5 of the
// content) and get checksums only up to Options.GeneratedChecksumLimit, computed on the first
// request that asks for them. Tests steer a download with OnGet (run code before the n-th GET
// of a key, e.g. replace the object) and read counters with Stats.
package s3sim

import (
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pget/pget/s3sim/netsim"
)

// Default root keys, used when Options.Credentials is empty.
const (
	DefaultAccessKeyID     = "PGETSIMACCESSKEY"
	DefaultSecretAccessKey = "pgetSimSecretKey/DoNotUseAnywhereElse0"
	DefaultRegion          = "us-east-1"
)

// DefaultMinPartSize is S3's smallest multipart part (all parts but the last).
const DefaultMinPartSize = 5 << 20

// DefaultGeneratedChecksumLimit is the largest generated object whose checksums are computed
// (lazily, on the first request with x-amz-checksum-mode: ENABLED).
const DefaultGeneratedChecksumLimit = 64 << 20

// Options configure a Server. The zero value is a usable server with the default keys, region
// and an unshaped network.
type Options struct {
	Region      string            // DefaultRegion when empty
	Credentials map[string]string // access key id -> secret; default keys when empty
	Network     netsim.Profile    // the zero Profile is an unshaped, fault-free network
	Now         func() time.Time  // nil means time.Now

	// TemporaryCredentials are accepted in addition to Credentials; requests signed with one
	// must carry its session token in X-Amz-Security-Token.
	TemporaryCredentials []TemporaryCredential
	// MinPartSize is the smallest part CompleteMultipartUpload accepts (all parts but the
	// last); 0 means DefaultMinPartSize. Tests set it small to build multipart objects cheaply.
	MinPartSize int64
	// GeneratedChecksumLimit is the largest generated object that gets checksums: they are
	// computed on the first request that asks for them (x-amz-checksum-mode: ENABLED), never at
	// PutGenerated. Larger generated objects report no checksum. 0 means
	// DefaultGeneratedChecksumLimit; negative means never.
	GeneratedChecksumLimit int64
}

// TemporaryCredential is a session credential (as STS would issue).
type TemporaryCredential struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expires         time.Time // zero means never
}

// Server is the simulator. Create it with New, add buckets and objects, then Start it (or use
// it as an http.Handler). All methods are safe for concurrent use.
type Server struct {
	region      string
	creds       map[string]string
	temp        map[string]TemporaryCredential
	now         func() time.Time
	network     netsim.Profile
	minPart     int64
	genSumLimit int64

	mu      sync.RWMutex
	buckets map[string]*bucket
	seq     uint64 // source of version and upload ids; guarded by mu

	reqSeq atomic.Uint64
	stats  statsCounters
	hooks  hookSet
	bufs   sync.Pool // *[]byte of bodyChunk bytes, for generated GET bodies

	life   sync.Mutex // guards the fields below
	net    *netsim.Network
	hs     *http.Server
	url    string
	closed bool
}

// New returns a stopped server.
func New(opts Options) *Server {
	s := &Server{
		region:      opts.Region,
		creds:       map[string]string{},
		temp:        map[string]TemporaryCredential{},
		now:         opts.Now,
		network:     opts.Network,
		minPart:     opts.MinPartSize,
		genSumLimit: opts.GeneratedChecksumLimit,
		buckets:     map[string]*bucket{},
	}
	if s.region == "" {
		s.region = DefaultRegion
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.minPart <= 0 {
		s.minPart = DefaultMinPartSize
	}
	if s.genSumLimit == 0 {
		s.genSumLimit = DefaultGeneratedChecksumLimit
	}
	for k, v := range opts.Credentials {
		s.creds[k] = v
	}
	if len(s.creds) == 0 {
		s.creds[DefaultAccessKeyID] = DefaultSecretAccessKey
	}
	for _, c := range opts.TemporaryCredentials {
		s.temp[c.AccessKeyID] = c
	}
	s.stats.init()
	return s
}

// Start listens on addr ("127.0.0.1:0" for any free port) and serves in the background, through
// the netsim network of Options.Network.
func (s *Server) Start(addr string) error {
	s.life.Lock()
	defer s.life.Unlock()
	if s.hs != nil || s.closed {
		return errors.New("s3sim: server already started or closed; create a new one with s3sim.New")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	n := netsim.New(s.network)
	s.net = n
	s.hs = &http.Server{Handler: n.Handler(s), ConnContext: n.ConnContext}
	s.url = "http://" + ln.Addr().String()
	go s.hs.Serve(n.Listener(ln))
	return nil
}

// NetworkStats counts what the simulated network did since Start: connections, slow
// connections and each fault that fired. It is zero before Start.
func (s *Server) NetworkStats() netsim.Stats {
	s.life.Lock()
	defer s.life.Unlock()
	if s.net == nil {
		return netsim.Stats{}
	}
	return s.net.Stats()
}

// URL is the base URL, e.g. "http://127.0.0.1:41234" (path-style addressing). It is empty
// before Start.
func (s *Server) URL() string {
	s.life.Lock()
	defer s.life.Unlock()
	return s.url
}

// closeWait bounds how long Close waits for running handlers: a handler held by an OnGet
// callback that never returns must not hang Close forever.
const closeWait = 5 * time.Second

// Close stops serving, closes every connection, and waits (up to closeWait) for the handlers
// still running to notice and return, so no simulator goroutine outlives it. It is idempotent.
func (s *Server) Close() error {
	s.life.Lock()
	defer s.life.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.hs == nil {
		return nil
	}
	err := s.hs.Close()
	// Handlers see their connection gone at their next write or sleep; that is quick, but
	// http.Server.Close does not wait for it. Poll: a channel would need every handler to
	// register, and this runs once per server.
	for deadline := time.Now().Add(closeWait); s.stats.active.Load() > 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	return err
}
