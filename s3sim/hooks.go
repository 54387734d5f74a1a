package s3sim

import "sync"

// hookSet counts GETs per object and holds the callbacks registered with OnGet.
type hookSet struct {
	mu    sync.Mutex
	gets  map[string]int
	onGet map[string]map[int]func()
}

// hookKey names an object in the hook maps.
func hookKey(bucket, key string) string { return bucket + "/" + key }

// OnGet registers f to run before the server serves the n-th GET (counting from 1, HEAD not
// counted) of bucket/key, before the object is looked up. f runs on the request's goroutine, so
// the request waits for it: a test can replace the object (PutBytes) to make that GET and the
// later ones see a new ETag, or block to hold a request mid-download. Registering again for the
// same n replaces f. Only GETs that pass authentication are counted.
func (s *Server) OnGet(bucket, key string, n int, f func()) {
	h := &s.hooks
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.onGet == nil {
		h.onGet = map[string]map[int]func(){}
	}
	k := hookKey(bucket, key)
	if h.onGet[k] == nil {
		h.onGet[k] = map[int]func(){}
	}
	h.onGet[k][n] = f
}

// GetCount returns how many GETs of bucket/key the server has received (as OnGet counts them).
func (s *Server) GetCount(bucket, key string) int {
	h := &s.hooks
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.gets[hookKey(bucket, key)]
}

// countGet counts a GET of bucket/key and returns the hook registered for it, if any.
func (h *hookSet) countGet(bucket, key string) func() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.gets == nil {
		h.gets = map[string]int{}
	}
	k := hookKey(bucket, key)
	h.gets[k]++
	return h.onGet[k][h.gets[k]]
}
