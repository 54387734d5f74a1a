package s3sim

import (
	"encoding/base64"
	"encoding/binary"
	"testing"
)

func TestChecksumKnownValues(t *testing.T) {
	check := []byte("123456789")
	be := func(v uint64, n int) string {
		b := make([]byte, 8)
		binary.BigEndian.PutUint64(b, v)
		return base64.StdEncoding.EncodeToString(b[8-n:])
	}
	for _, c := range []struct{ alg, want string }{
		{CRC32, be(0xCBF43926, 4)},
		{CRC32C, be(0xE3069283, 4)},
		{CRC64NVME, be(0xAE8B14860A799888, 8)},
		{SHA1, "98O8HYCOBHMq32eZZczDTKeuNEE="},
		{SHA256, "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU="},
	} {
		if got := ChecksumOf(c.alg, check); got != c.want {
			t.Errorf("%s(123456789) = %s, want %s", c.alg, got, c.want)
		}
	}
}

func TestCompositeChecksum(t *testing.T) {
	// The composite checksum hashes the raw part digests: check against a hand computation.
	p1, p2 := []byte("hello "), []byte("world")
	raw := func(b []byte) []byte { d, _ := base64.StdEncoding.DecodeString(ChecksumOf(CRC32C, b)); return d }
	want := ChecksumOf(CRC32C, append(raw(p1), raw(p2)...)) + "-2"
	if got := compositeChecksum(CRC32C, [][]byte{raw(p1), raw(p2)}); got != want {
		t.Fatalf("composite = %s, want %s", got, want)
	}
}
