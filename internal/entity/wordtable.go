package entity

import "math/bits"

// A wordTable is a read-only map from words to flags, for the lookups made
// on every token. Most words fit in 23 bytes and are held in their slot, so
// a probe hashes three machine words, compares three and touches one cache
// line, where a map[string] hashes the bytes and follows the key's pointer.
// The rare longer words live in an ordinary map.
type wordTable struct {
	slots []wordSlot
	shift uint // 64 - log2(len(slots)): hashes keep their top bits
	long  map[string]wordFlag
}

// maxWordKey is the longest word, in bytes, held in a slot.
const maxWordKey = 23

// A wordKey holds a word of 1 to maxWordKey bytes, zero-padded, with its
// length in the last byte; the zero key marks an empty slot.
type wordKey [3]uint64

type wordSlot struct {
	key wordKey
	val wordFlag
}

// makeWordKey returns the key of w, and false if w does not fit in one.
func makeWordKey[T string | []byte](w T) (wordKey, bool) {
	n := len(w)
	switch {
	case n == 0 || n > maxWordKey:
		return wordKey{}, false
	case n < 8:
		return wordKey{loadTail(w), 0, uint64(n) << 56}, true
	case n < 16:
		return wordKey{load64(w), loadTail(w[8:]), uint64(n) << 56}, true
	}
	return wordKey{load64(w), load64(w[8:]), loadTail(w[16:]) | uint64(n)<<56}, true
}

// load64 reads the first 8 bytes of w as a little-endian word; the compiler
// makes it one load.
func load64[T string | []byte](w T) uint64 {
	_ = w[7]
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
}

// loadTail reads the up to 7 bytes of w as a little-endian word. Assembling
// the word in a register avoids storing bytes to memory and loading them back
// as a word, which stalls the load.
func loadTail[T string | []byte](w T) uint64 {
	var x uint64
	for i := len(w) - 1; i >= 0; i-- {
		x = x<<8 | uint64(w[i])
	}
	return x
}

func (k *wordKey) hash() uint64 {
	return (k[0] ^ bits.RotateLeft64(k[1], 21) ^ bits.RotateLeft64(k[2], 42)) * 0x9e3779b97f4a7c15
}

// newWordTable builds the table of m, which it does not keep.
func newWordTable(m map[string]wordFlag) *wordTable {
	size := 64
	// A load factor of at most 2/3 keeps linear probes short.
	for size*2 < len(m)*3 {
		size *= 2
	}
	t := &wordTable{
		slots: make([]wordSlot, size),
		shift: uint(64 - bits.TrailingZeros(uint(size))),
		long:  map[string]wordFlag{},
	}
	mask := len(t.slots) - 1
	for w, v := range m {
		k, ok := makeWordKey(w)
		if !ok {
			t.long[w] = v
			continue
		}
		i := int(k.hash() >> t.shift)
		for t.slots[i].key[2] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = wordSlot{key: k, val: v}
	}
	return t
}

// get returns the flags of w, 0 for a word not in the table.
func (t *wordTable) get(w string) wordFlag {
	k, ok := makeWordKey(w)
	if !ok {
		return t.long[w]
	}
	return t.find(&k)
}

// getBytes is get for a word held in a byte slice.
func (t *wordTable) getBytes(w []byte) wordFlag {
	k, ok := makeWordKey(w)
	if !ok {
		return t.long[string(w)]
	}
	return t.find(&k)
}

func (t *wordTable) find(k *wordKey) wordFlag {
	mask := len(t.slots) - 1
	for i := int(k.hash() >> t.shift); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.key == *k {
			return s.val
		}
		if s.key[2] == 0 {
			return 0
		}
	}
}

// wordKeyAt returns the key of s[start:end]. Reading whole words of s past
// end and masking them is cheaper than assembling a short word byte by byte.
func wordKeyAt(s string, start, end int) (wordKey, bool) {
	n := end - start
	if n == 0 || n > maxWordKey {
		return wordKey{}, false
	}
	if start+24 <= len(s) {
		// Shifts of 64 bits or more leave 0 in Go, making the masks of
		// the words past the end of short words 0 and of whole words ^0.
		b := uint(8 * n)
		return wordKey{
			load64(s[start:]) & (1<<b - 1),
			load64(s[start+8:]) & (1<<(max(b, 64)-64) - 1),
			load64(s[start+16:])&(1<<(max(b, 128)-128)-1) | uint64(n)<<56,
		}, true
	}
	k := wordKey{0, 0, uint64(n) << 56}
	for i := range k {
		m := min(n-8*i, 8)
		if m <= 0 {
			break
		}
		p := start + 8*i
		if p+8 <= len(s) {
			k[i] |= load64(s[p:]) & (^uint64(0) >> (64 - 8*m))
		} else {
			k[i] |= loadTail(s[p : p+m])
		}
	}
	return k, true
}
