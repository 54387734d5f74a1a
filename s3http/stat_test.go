package s3http

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pget/pget/planner"
)

var _ planner.Header = (*Object)(nil)

// TestPlannerStat runs planner.Stat through an Object against a fake S3 HEAD.
func TestPlannerStat(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodHead || r.Header.Get("X-Amz-Checksum-Mode") != "ENABLED" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Length", "1000")
		w.Header().Set("ETag", `"abc-2"`)
		w.Header().Set("X-Amz-Checksum-Crc32c", "yZRlqg==")
		w.Header().Set("X-Amz-Mp-Parts-Count", "2")
	}))
	defer srv.Close()
	c, _ := newClient(srv)
	obj, err := planner.Stat(context.Background(), &Object{Client: c, Loc: s3Loc(t, srv)})
	if err != nil {
		t.Fatal(err)
	}
	if obj.Size != 1000 || obj.ETag != `"abc-2"` || obj.PartsCount != 2 || obj.Checksums["CRC32C"] != "yZRlqg==" {
		t.Errorf("Stat = %+v", obj)
	}
}
