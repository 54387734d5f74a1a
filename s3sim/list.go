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

// listObjects serves ListObjectsV2 (list-type=2) and ListObjects (V1, with markers).
func (s *Server) listObjects(w http.ResponseWriter, r *http.Request, bucket string) *s3Error {
	q := r.URL.Query()
	v2 := q.Get("list-type") == "2"
	prefix, delim := q.Get("prefix"), q.Get("delimiter")
	maxKeys := 1000
	if q.Has("max-keys") {
		n, err := strconv.Atoi(q.Get("max-keys"))
		if err != nil || n < 0 {
			return errInvalidArgument("Provided max-keys not an integer or within integer range", "max-keys", q.Get("max-keys"))
		}
		maxKeys = min(n, 1000)
	}
	encode := func(v string) string { return v }
	if et := q.Get("encoding-type"); et != "" {
		if et != "url" {
			return errInvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", et)
		}
		encode = func(v string) string { return strings.ReplaceAll(url.QueryEscape(v), "%2F", "/") }
	}
	res := listBucketResult{Name: bucket, Prefix: encode(prefix), Delimiter: encode(delim), MaxKeys: maxKeys, EncodingType: q.Get("encoding-type")}
	after := ""
	resume := false // after is where a previous page stopped, perhaps a common prefix
	if v2 {
		res.StartAfter = encode(q.Get("start-after"))
		after = q.Get("start-after")
		if tok := q.Get("continuation-token"); tok != "" {
			raw, err := base64.RawURLEncoding.DecodeString(tok)
			if err != nil {
				return errInvalidArgument("The continuation token provided is incorrect", "continuation-token", tok)
			}
			res.ContinuationToken = tok
			after, resume = string(raw), true
		}
	} else {
		marker := q.Get("marker")
		res.Marker = &marker
		after, resume = marker, true
	}

	s.mu.RLock()
	b := s.buckets[bucket]
	if b == nil {
		s.mu.RUnlock()
		return errNoSuchBucket(bucket)
	}
	var keys []string
	current := map[string]*object{}
	for k, versions := range b.objects {
		if o := versions[len(versions)-1]; !o.deleteMarker && strings.HasPrefix(k, prefix) && k > after {
			keys = append(keys, k)
			current[k] = o
		}
	}
	s.mu.RUnlock()
	slices.Sort(keys)

	last := ""
	count := 0
	for _, k := range keys {
		if resume && delim != "" && strings.HasSuffix(after, delim) && strings.HasPrefix(k, after) {
			continue // inside a common prefix returned by the previous page
		}
		cp := ""
		if delim != "" {
			if i := strings.Index(k[len(prefix):], delim); i >= 0 {
				cp = k[:len(prefix)+i+len(delim)]
			}
		}
		if cp != "" && cp == last {
			continue
		}
		if count == maxKeys {
			res.IsTruncated = maxKeys > 0
			break
		}
		count++
		if cp != "" {
			res.CommonPrefixes = append(res.CommonPrefixes, commonPrefix{encode(cp)})
			last = cp
			continue
		}
		o := current[k]
		e := listEntry{Key: encode(k), LastModified: o.modified.UTC().Format(isoTime), ETag: o.etag, Size: o.size, StorageClass: "STANDARD"}
		if o.sumAlg != "" {
			e.ChecksumAlgorithm, e.ChecksumType = o.sumAlg, o.sumType
		}
		res.Contents = append(res.Contents, e)
		last = k
	}
	if v2 {
		res.KeyCount = &count
		if res.IsTruncated {
			res.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(last))
		}
	} else if res.IsTruncated && delim != "" {
		res.NextMarker = encode(last)
	}
	s.writeXML(w, http.StatusOK, res)
	return nil
}
