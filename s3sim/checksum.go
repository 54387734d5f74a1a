package s3sim

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"strconv"
	"strings"
)

// Checksum algorithms as S3 names them in x-amz-checksum-algorithm and the response headers.
const (
	CRC32     = "CRC32"
	CRC32C    = "CRC32C"
	CRC64NVME = "CRC64NVME"
	SHA1      = "SHA1"
	SHA256    = "SHA256"
)

// Checksum types as S3 names them in x-amz-checksum-type.
const (
	FullObject = "FULL_OBJECT"
	Composite  = "COMPOSITE"
)

// Immutable CRC tables. CRC-64/NVME is the reflected form of polynomial 0xAD93D23594C93659,
// with all-ones init and final xor, which is what hash/crc64 computes with this table.
var (
	castagnoliTable = crc32.MakeTable(crc32.Castagnoli)
	nvmeTable       = crc64.MakeTable(0x9A6C9329AC4BC9B5)
)

// checksumAlgs lists the supported algorithms in a fixed order.
var checksumAlgs = []string{CRC32, CRC32C, CRC64NVME, SHA1, SHA256}

// newChecksum returns a hash for a checksum algorithm, or nil if alg is unknown. Sum returns the
// big-endian digest that S3 base64-encodes.
func newChecksum(alg string) hash.Hash {
	switch alg {
	case CRC32:
		return crc32.NewIEEE()
	case CRC32C:
		return crc32.New(castagnoliTable)
	case CRC64NVME:
		return crc64.New(nvmeTable)
	case SHA1:
		return sha1.New()
	case SHA256:
		return sha256.New()
	}
	return nil
}

// checksumHeader is the response and request header that carries alg's value.
func checksumHeader(alg string) string {
	return "x-amz-checksum-" + strings.ToLower(alg)
}

// ChecksumOf returns S3's base64 full-object checksum of data for alg ("" if alg is unknown).
// Tests use it to compute expected header values.
func ChecksumOf(alg string, data []byte) string {
	h := newChecksum(alg)
	if h == nil {
		return ""
	}
	h.Write(data)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// compositeChecksum returns S3's multipart checksum of the raw part digests:
// base64(alg(concat(parts)))-N.
func compositeChecksum(alg string, parts [][]byte) string {
	h := newChecksum(alg)
	for _, p := range parts {
		h.Write(p)
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(parts))
}

// canCombineFullObject reports whether S3 can give a multipart upload of alg a full-object
// checksum (only the CRCs can be combined from part checksums).
func canCombineFullObject(alg string) bool {
	return alg == CRC32 || alg == CRC32C || alg == CRC64NVME
}

// validChecksumValue reports whether v is a well-formed base64 digest for alg.
func validChecksumValue(alg, v string) bool {
	b, err := base64.StdEncoding.DecodeString(v)
	return err == nil && len(b) == newChecksum(alg).Size()
}
