// Package s3sim is an in-process S3-compatible server for pget's tests, benchmarks and
// `pget demo`. It serves HEAD, GET (ranges, conditionals, partNumber, versionId), PUT, multipart
// upload and ListObjectsV2, stores checksums as S3 does, verifies SigV4 signatures and presigned
// URLs, and can hold objects generated from a seed so a 100 GiB object costs no memory. Its
// network (latency, bandwidth, faults) is shaped by package netsim. Production code never
// imports it, except the CLI for demo and bench.
package s3sim

import (
	"net/http"
	"time"

	"github.com/pget/pget/s3sim/netsim"
)

// Default root keys, used when Options.Credentials is empty.
const (
	DefaultAccessKeyID     = "PGETSIMACCESSKEY"
	DefaultSecretAccessKey = "pgetSimSecretKey/DoNotUseAnywhereElse0"
	DefaultRegion          = "us-east-1"
)

// Options configure a Server. The zero value is a usable server with the default keys, region
// and an unshaped network.
type Options struct {
	Region      string            // DefaultRegion when empty
	Credentials map[string]string // access key id -> secret; default keys when empty
	Network     netsim.Profile    // the zero Profile is an unshaped, fault-free network
	Now         func() time.Time  // nil means time.Now
}

// Server is the simulator. Create it with New, add buckets and objects, then Start it (or use
// it as an http.Handler).
type Server struct{}

// New returns a stopped server.
func New(opts Options) *Server { panic("unimplemented") }

// Start listens on addr ("127.0.0.1:0" for any free port) and serves in the background.
func (s *Server) Start(addr string) error { panic("unimplemented") }

// URL is the base URL, e.g. "http://127.0.0.1:41234" (path-style addressing).
func (s *Server) URL() string { panic("unimplemented") }

// Close stops serving and closes every connection.
func (s *Server) Close() error { panic("unimplemented") }

// ServeHTTP serves one request, without the network shaping.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { panic("unimplemented") }

// CreateBucket adds an empty bucket (no-op if it exists).
func (s *Server) CreateBucket(name string) { panic("unimplemented") }

// SetPublic allows (or stops) anonymous reads of a bucket.
func (s *Server) SetPublic(bucket string, public bool) { panic("unimplemented") }

// ObjectInfo is what the simulator stored.
type ObjectInfo struct {
	Size      int64
	ETag      string // quoted
	VersionID string
}

// PutBytes stores data under bucket/key (creating the bucket), replacing any object there.
func (s *Server) PutBytes(bucket, key string, data []byte) ObjectInfo { panic("unimplemented") }

// PutGenerated stores a generated object of size bytes whose content is Generate(seed, ...).
func (s *Server) PutGenerated(bucket, key string, size, seed int64) ObjectInfo {
	panic("unimplemented")
}

// Generate fills p with the bytes at offset of the generated object of seed. Any range can be
// produced independently, so tests check bytes without storing the object.
func Generate(seed, offset int64, p []byte) { panic("unimplemented") }
