package s3sim

import (
	"maps"
	"sync"
	"sync/atomic"
)

// Stats are the server's counters since New (or the last ResetStats).
type Stats struct {
	Requests      map[string]int64 // requests by HTTP method
	Errors        map[string]int64 // error answers by S3 code (e.g. "NoSuchKey", "InvalidRange")
	BytesSent     int64            // object body bytes written by GET
	BytesReceived int64            // body bytes read by PUT and UploadPart
	Active        int64            // requests being served now
	MaxActive     int64            // most requests served at once
}

// statsCounters holds the live counters behind Stats.
type statsCounters struct {
	mu        sync.Mutex
	requests  map[string]int64
	errors    map[string]int64
	sent      atomic.Int64
	received  atomic.Int64
	active    atomic.Int64
	maxActive atomic.Int64
}

// init empties the maps, for New and ResetStats.
func (c *statsCounters) init() {
	c.requests = map[string]int64{}
	c.errors = map[string]int64{}
}

// begin counts a request that starts.
func (c *statsCounters) begin(method string) {
	c.mu.Lock()
	c.requests[method]++
	c.mu.Unlock()
	n := c.active.Add(1)
	for {
		m := c.maxActive.Load()
		if n <= m || c.maxActive.CompareAndSwap(m, n) {
			break
		}
	}
}

// end counts a request that is done.
func (c *statsCounters) end() { c.active.Add(-1) }

// countError counts an error answer.
func (s *Server) countError(code string) {
	s.stats.mu.Lock()
	s.stats.errors[code]++
	s.stats.mu.Unlock()
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	c := &s.stats
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{
		Requests:      maps.Clone(c.requests),
		Errors:        maps.Clone(c.errors),
		BytesSent:     c.sent.Load(),
		BytesReceived: c.received.Load(),
		Active:        c.active.Load(),
		MaxActive:     c.maxActive.Load(),
	}
}

// ResetStats zeroes the counters (Active keeps counting requests in flight).
func (s *Server) ResetStats() {
	c := &s.stats
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	c.sent.Store(0)
	c.received.Store(0)
	c.maxActive.Store(c.active.Load())
}
