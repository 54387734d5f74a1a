package s3sim

import (
	"encoding/binary"
	"io"
)

// The content of a generated object is a stream of 64-bit little-endian words, word i being
// the SplitMix64 output for state seed+(i+1)*golden. Each word is a few multiplies, so any
// range is produced at several GB/s without a table, and every 8-byte word of every object is
// different, so a range served from the wrong offset is detected by its bytes.
const golden = 0x9E3779B97F4A7C15

// genWord returns word i of the generated object of seed.
func genWord(seed int64, i uint64) uint64 {
	z := uint64(seed) + (i+1)*golden
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// Generate fills p with the bytes at offset of the generated object of seed. Any range can be
// produced independently, so tests check bytes without storing the object.
func Generate(seed, offset int64, p []byte) {
	if len(p) == 0 {
		return
	}
	off := uint64(offset)
	// Unaligned head: bytes of the word that contains offset.
	if r := off % 8; r != 0 {
		var w [8]byte
		binary.LittleEndian.PutUint64(w[:], genWord(seed, off/8))
		n := copy(p, w[r:])
		p = p[n:]
		off += uint64(n)
	}
	i := off / 8
	// Four words per step: the words are independent, so the CPU overlaps their multiplies,
	// and one bounds check covers 32 bytes. This loop is most of a generated GET's CPU time.
	for len(p) >= 32 {
		q := p[:32]
		binary.LittleEndian.PutUint64(q[0:8], genWord(seed, i))
		binary.LittleEndian.PutUint64(q[8:16], genWord(seed, i+1))
		binary.LittleEndian.PutUint64(q[16:24], genWord(seed, i+2))
		binary.LittleEndian.PutUint64(q[24:32], genWord(seed, i+3))
		p = p[32:]
		i += 4
	}
	for len(p) >= 8 {
		binary.LittleEndian.PutUint64(p[:8], genWord(seed, i))
		p = p[8:]
		i++
	}
	// Tail: the first bytes of the next word.
	if len(p) > 0 {
		var w [8]byte
		binary.LittleEndian.PutUint64(w[:], genWord(seed, i))
		copy(p, w[:])
	}
}

// GeneratedReader returns a reader of size bytes of the generated object of seed, starting at
// offset. Tests use it to hash the expected content of a generated object or of one of its
// ranges (e.g. io.Copy(sha256.New(), GeneratedReader(seed, 0, size))).
func GeneratedReader(seed, offset, size int64) io.Reader {
	return &genReader{seed: seed, off: offset, left: size}
}

// genReader is the reader behind GeneratedReader.
type genReader struct {
	seed, off, left int64
}

// Read implements io.Reader.
func (g *genReader) Read(p []byte) (int, error) {
	if g.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > g.left {
		p = p[:g.left]
	}
	Generate(g.seed, g.off, p)
	g.off += int64(len(p))
	g.left -= int64(len(p))
	return len(p), nil
}

// WriteTo implements io.WriterTo with large writes, so io.Copy from a GeneratedReader is fast.
func (g *genReader) WriteTo(w io.Writer) (int64, error) {
	buf := make([]byte, 256<<10)
	var total int64
	for g.left > 0 {
		n, _ := g.Read(buf)
		m, err := w.Write(buf[:n])
		total += int64(m)
		if err != nil {
			return total, err
		}
	}
	return total, nil
}
