package netsim

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"strconv"
)

// writeS3Error answers request k with an S3 error document, as S3 does for SlowDown and
// InternalError: XML body, x-amz-request-id and x-amz-id-2 headers (derived from the seed and k,
// so they repeat with the run).
func (w *shapedWriter) writeS3Error(k uint64, status int, code, message string) {
	id := splitmix64(uint64(w.n.p.Seed) ^ splitmix64(k))
	reqID := fmt.Sprintf("%016X", id)
	host := make([]byte, 0, 24)
	for i := range uint64(3) {
		host = binary.BigEndian.AppendUint64(host, splitmix64(id+i))
	}
	hostID := base64.StdEncoding.EncodeToString(host)
	body := xml.Header + "<Error><Code>" + code + "</Code><Message>" + message + "</Message><RequestId>" +
		reqID + "</RequestId><HostId>" + hostID + "</HostId></Error>"
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("x-amz-request-id", reqID)
	h.Set("x-amz-id-2", hostID)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
