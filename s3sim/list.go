package s3sim

import (
	"cmp"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// listEntry is one <Contents> of a listing.
type listEntry struct {
	Key               string
	LastModified      string
	ETag              string
	ChecksumAlgorithm string `xml:",omitempty"`
	ChecksumType      string `xml:",omitempty"`
	Size              int64
	StorageClass      string
}

// commonPrefix is one <CommonPrefixes> of a listing.
type commonPrefix struct {
	Prefix string
}

// listBucketResult is the answer of ListObjectsV2 and, with the marker fields, ListObjects.
type listBucketResult struct {
	XMLName               xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
	Name                  string
	Prefix                string
	Marker                *string `xml:",omitempty"`
	NextMarker            string  `xml:",omitempty"`
	ContinuationToken     string  `xml:",omitempty"`
	NextContinuationToken string  `xml:",omitempty"`
	StartAfter            string  `xml:",omitempty"`
	KeyCount              *int    `xml:",omitempty"`
	MaxKeys               int
	Delimiter             string `xml:",omitempty"`
	EncodingType          string `xml:",omitempty"`
	IsTruncated           bool
	Contents              []listEntry
	CommonPrefixes        []commonPrefix
}

// sortBy sorts s by a string key.
func sortBy[T any](s []T, key func(T) string) {
	slices.SortFunc(s, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
}

// listQuery is a parsed ListObjects or ListObjectsV2 request.
type listQuery struct {
	v2            bool
	prefix, delim string
	maxKeys       int
	after         string              // list keys after this one
	resume        bool                // after is where a previous page stopped, perhaps a common prefix
	encode        func(string) string // identity, or S3's encoding-type=url
}

// parseListQuery reads the query of a listing and fills the echoed fields of res.
func parseListQuery(q url.Values, res *listBucketResult) (listQuery, *s3Error) {
	lq := listQuery{v2: q.Get("list-type") == "2", prefix: q.Get("prefix"), delim: q.Get("delimiter"), maxKeys: 1000}
	if q.Has("max-keys") {
		n, err := strconv.Atoi(q.Get("max-keys"))
		if err != nil || n < 0 {
			return lq, errInvalidArgument("Provided max-keys not an integer or within integer range", "max-keys", q.Get("max-keys"))
		}
		lq.maxKeys = min(n, 1000)
	}
	lq.encode = func(v string) string { return v }
	if et := q.Get("encoding-type"); et != "" {
		if et != "url" {
			return lq, errInvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", et)
		}
		// S3 escapes as a query does (space as '+') but leaves the slashes of a key alone.
		lq.encode = func(v string) string { return strings.ReplaceAll(url.QueryEscape(v), "%2F", "/") }
		res.EncodingType = et
	}
	res.Prefix, res.Delimiter, res.MaxKeys = lq.encode(lq.prefix), lq.encode(lq.delim), lq.maxKeys
	if !lq.v2 {
		marker := q.Get("marker")
		res.Marker = &marker
		lq.after, lq.resume = marker, true
		return lq, nil
	}
	res.StartAfter = lq.encode(q.Get("start-after"))
	lq.after = q.Get("start-after")
	if tok := q.Get("continuation-token"); tok != "" {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			return lq, errInvalidArgument("The continuation token provided is incorrect", "continuation-token", tok)
		}
		res.ContinuationToken = tok
		lq.after, lq.resume = string(raw), true
	}
	return lq, nil
}

// currentAfter returns the sorted keys of bucket's current objects under the prefix and past
// lq.after, with those objects.
func (s *Server) currentAfter(bucket string, lq listQuery) ([]string, map[string]*object, *s3Error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b := s.buckets[bucket]
	if b == nil {
		return nil, nil, errNoSuchBucket(bucket)
	}
	var keys []string
	current := map[string]*object{}
	for k, versions := range b.objects {
		if o := versions[len(versions)-1]; !o.deleteMarker && strings.HasPrefix(k, lq.prefix) && k > lq.after {
			keys = append(keys, k)
			current[k] = o
		}
	}
	slices.Sort(keys)
	return keys, current, nil
}

// listObjects serves ListObjectsV2 (list-type=2) and ListObjects (V1, with markers).
func (s *Server) listObjects(w http.ResponseWriter, r *http.Request, bucket string) *s3Error {
	res := listBucketResult{Name: bucket}
	lq, e := parseListQuery(r.URL.Query(), &res)
	if e != nil {
		return e
	}
	keys, current, e := s.currentAfter(bucket, lq)
	if e != nil {
		return e
	}
	last := ""
	count := 0
	for _, k := range keys {
		if lq.resume && lq.delim != "" && strings.HasSuffix(lq.after, lq.delim) && strings.HasPrefix(k, lq.after) {
			continue // inside a common prefix returned by the previous page
		}
		cp := ""
		if lq.delim != "" {
			if i := strings.Index(k[len(lq.prefix):], lq.delim); i >= 0 {
				cp = k[:len(lq.prefix)+i+len(lq.delim)]
			}
		}
		if cp != "" && cp == last {
			continue
		}
		if count == lq.maxKeys {
			res.IsTruncated = lq.maxKeys > 0
			break
		}
		count++
		if cp != "" {
			res.CommonPrefixes = append(res.CommonPrefixes, commonPrefix{lq.encode(cp)})
			last = cp
			continue
		}
		res.Contents = append(res.Contents, listEntryOf(current[k], lq.encode))
		last = k
	}
	if lq.v2 {
		res.KeyCount = &count
		if res.IsTruncated {
			res.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(last))
		}
	} else if res.IsTruncated && lq.delim != "" {
		res.NextMarker = lq.encode(last)
	}
	s.writeXML(w, http.StatusOK, res)
	return nil
}

// listEntryOf is the <Contents> of an object.
func listEntryOf(o *object, encode func(string) string) listEntry {
	e := listEntry{Key: encode(o.key), LastModified: o.modified.UTC().Format(isoTime), ETag: o.etag, Size: o.size, StorageClass: "STANDARD"}
	if o.sumAlg != "" {
		e.ChecksumAlgorithm, e.ChecksumType = o.sumAlg, o.sumType
	}
	return e
}
