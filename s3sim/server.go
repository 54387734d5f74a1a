package s3sim

import (
	"encoding/xml"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// ServeHTTP serves one request, without the network shaping.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.stats.begin(r.Method)
	defer s.stats.end()
	id := s.reqSeq.Add(1)
	h := w.Header()
	h.Set("x-amz-request-id", fmt.Sprintf("%016X", genWord(0x7e9, id)))
	h.Set("x-amz-id-2", fmt.Sprintf("s3sim/%d", id))
	h.Set("Server", "AmazonS3")

	bucket, key := s.route(r)
	payloadHash, err := s.authenticate(r, bucket)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.dispatch(w, r, bucket, key, payloadHash); err != nil {
		s.writeError(w, r, err)
	}
}

// dispatch runs the S3 operation named by the method, the path and the query.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, bucket, key, payloadHash string) *s3Error {
	q := r.URL.Query()
	if sub := unsupportedSubresource(q); sub != "" {
		// Answering these as the plain operation (a listing for ?versions, the object's bytes
		// for ?attributes) would hand a client a well-formed answer to the wrong question.
		return errNotImplemented("?" + sub)
	}
	switch {
	case bucket == "":
		if r.Method == http.MethodGet {
			return s.listBuckets(w)
		}
		return errMethodNotAllowed(r.Method, "SERVICE")
	case key == "":
		switch r.Method {
		case http.MethodPut:
			return s.createBucket(w, r, bucket, payloadHash)
		case http.MethodHead:
			return s.headBucket(w, bucket)
		case http.MethodGet:
			if q.Has("location") {
				return s.bucketLocation(w, bucket)
			}
			if q.Has("uploads") {
				return errNotImplemented("?uploads (ListMultipartUploads)")
			}
			return s.listObjects(w, r, bucket)
		case http.MethodDelete:
			return s.deleteBucket(w, bucket)
		}
		return errMethodNotAllowed(r.Method, "BUCKET")
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if q.Has("uploadId") {
			return errNotImplemented("uploadId (ListParts)")
		}
		return s.getObject(w, r, bucket, key)
	case http.MethodPut:
		if q.Has("uploadId") || q.Has("partNumber") {
			return s.uploadPart(w, r, bucket, key, payloadHash)
		}
		return s.putObject(w, r, bucket, key, payloadHash)
	case http.MethodPost:
		if q.Has("uploads") {
			return s.createMultipartUpload(w, r, bucket, key)
		}
		if q.Has("uploadId") {
			return s.completeMultipartUpload(w, r, bucket, key, payloadHash)
		}
	case http.MethodDelete:
		if q.Has("uploadId") {
			return s.abortMultipartUpload(w, r, bucket, key)
		}
		return s.deleteObject(w, r, bucket, key)
	}
	return errMethodNotAllowed(r.Method, "OBJECT")
}

// route splits a request into bucket and key: virtual-host style when the Host's first label
// names an existing bucket (and the host is a name, not an IP address), else path-style.
func (s *Server) route(r *http.Request) (bucket, key string) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if label, _, ok := strings.Cut(host, "."); ok && net.ParseIP(host) == nil {
		s.mu.RLock()
		_, exists := s.buckets[label]
		s.mu.RUnlock()
		if exists {
			return label, path
		}
	}
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key
}

// subresources are the S3 query subresources the simulator does not serve. A request naming
// one is refused with NotImplemented rather than served as the plain operation.
var subresources = []string{"accelerate", "acl", "analytics", "attributes", "cors", "encryption",
	"intelligent-tiering", "inventory", "legal-hold", "lifecycle", "logging", "metrics", "notification",
	"object-lock", "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication",
	"requestPayment", "restore", "retention", "select", "tagging", "torrent", "versioning", "versions", "website"}

// unsupportedSubresource returns the first unsupported subresource q names, or "".
func unsupportedSubresource(q url.Values) string {
	for _, sub := range subresources {
		if q.Has(sub) {
			return sub
		}
	}
	return ""
}

// bucketLocation serves GetBucketLocation. S3 reports us-east-1 as an empty constraint.
func (s *Server) bucketLocation(w http.ResponseWriter, bucket string) *s3Error {
	if !s.bucketExists(bucket) {
		return errNoSuchBucket(bucket)
	}
	res := struct {
		XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LocationConstraint"`
		Region  string   `xml:",chardata"`
	}{}
	if s.region != "us-east-1" {
		res.Region = s.region
	}
	s.writeXML(w, http.StatusOK, res)
	return nil
}
