package analyze

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
)

// Stem returns the Snowball (Porter2) stem of a lower-case English word.
func Stem(w string) string {
	var key stemKey
	fits := key.setExact(w)
	t := stems.table.Load()
	if fits {
		if i := t.find(&key); i >= 0 {
			return t.stems[i]
		}
	}
	return stems.miss(t, w, &key, fits).stem
}

// snowball stems w without the cache.
func snowball(w string) string {
	env := snowballstem.NewEnv(w)
	english.Stem(env)
	return env.Current()
}

// stems caches stems and term ids: word frequencies are Zipfian, so a
// bounded cache of the common words saves most of the stemming, which was
// the largest cost of tokenising.
//
// Analysis runs on every core and looks a word up for each token, so the
// cache is built for reads that share nothing writable: readers load an
// immutable table once per text and probe it without locks. Words missing
// from it are stemmed and collected under a mutex, and the table is rebuilt
// with them once they are numerous enough to pay for the copy. Each slot
// holds its word inline and the id of its stem, so a hit touches one cache
// line and hashes nothing but the word.
var stems = newStemCache()

// maxCachedStems bounds the cache; rarer words are stemmed every time.
const maxCachedStems = 1 << 18

// maxStemKey is the longest word, in bytes, that the table holds; longer
// words are rare and kept in a map under the cache's mutex.
const maxStemKey = 23

// A stemKey holds a word of up to maxStemKey bytes, zero-padded, with its
// length in the last byte, so that keys compare as three words.
type stemKey [3]uint64

// set makes k the key of the lower case of w, the token form Terms uses. It
// returns the length of the lower case, the lower case itself unless it has
// to be read back from the key (k.String), and whether it fits a key.
//
// w is text[start:start+len(w)]: reading whole words of text past its end
// and masking them is cheaper than assembling a short word byte by byte.
func (k *stemKey) set(text string, start int, w string) (n int, lw string, fits bool) {
	if n = len(w); n > 0 && n <= maxStemKey {
		c0 := loadAt(text, start, min(n, 8))
		var c1, c2 uint64
		if n > 8 {
			c1 = loadAt(text, start+8, min(n-8, 8))
			if n > 16 {
				c2 = loadAt(text, start+16, n-16)
			}
		}
		if (c0|c1|c2)&(0x80*ones) == 0 {
			// ASCII, the common case: lower-cased in registers.
			l0, l1, l2 := lower64(c0), lower64(c1), lower64(c2)
			*k = stemKey{l0, l1, l2 | uint64(n)<<56}
			if l0 == c0 && l1 == c1 && l2 == c2 {
				return n, w, true
			}
			return n, "", true
		}
	}
	lw = strings.ToLower(w)
	return len(lw), lw, k.setExact(lw)
}

// setExact makes k the key of w as it is, and reports whether it fits.
func (k *stemKey) setExact(w string) bool {
	n := len(w)
	switch {
	case n == 0 || n > maxStemKey:
		return false
	case n < 8:
		*k = stemKey{loadTail(w), 0, uint64(n) << 56}
	case n < 16:
		*k = stemKey{load64(w), loadTail(w[8:]), uint64(n) << 56}
	default:
		*k = stemKey{load64(w), load64(w[8:]), loadTail(w[16:]) | uint64(n)<<56}
	}
	return true
}

const ones = 0x0101010101010101

// lower64 lower-cases the ASCII letters among 8 ASCII bytes.
func lower64(x uint64) uint64 {
	ge := x + (0x80-'A')*ones   // top bit set in bytes >= 'A'
	gt := x + (0x80-'Z'-1)*ones // top bit set in bytes > 'Z'
	return x | (ge&^gt&(0x80*ones))>>2
}

// load64 reads the first 8 bytes of w as a little-endian word; the compiler
// makes it one load.
func load64(w string) uint64 {
	_ = w[7]
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
}

// loadAt reads the n (1 to 8) bytes of s at i as a little-endian word.
func loadAt(s string, i, n int) uint64 {
	if i+8 <= len(s) {
		return load64(s[i:]) & (^uint64(0) >> (64 - 8*n))
	}
	return loadTail(s[i : i+n])
}

// loadTail reads the up to 7 bytes of w as a little-endian word. Assembling
// the word in a register avoids storing bytes to memory and loading them back
// as a word, which stalls the load.
func loadTail(w string) uint64 {
	var x uint64
	for i := len(w) - 1; i >= 0; i-- {
		x = x<<8 | uint64(w[i])
	}
	return x
}

// String returns the word held by k.
func (k *stemKey) String() string {
	var b [24]byte
	binary.LittleEndian.PutUint64(b[0:], k[0])
	binary.LittleEndian.PutUint64(b[8:], k[1])
	binary.LittleEndian.PutUint64(b[16:], k[2])
	return string(b[:b[23]])
}

func (k *stemKey) hash() uint64 {
	return (k[0] ^ bits.RotateLeft64(k[1], 21) ^ bits.RotateLeft64(k[2], 42)) * 0x9e3779b97f4a7c15
}

// A stemEntry is what the cache knows of a word.
type stemEntry struct {
	stem string
	id   uint64 // TermID(stem)
	stop bool   // a stop word, which Terms drops
}

// A stemSlot is one slot of a stemTable; a zero key marks it empty (a key
// holds a non-zero length).
type stemSlot struct {
	key stemKey
	// id is the TermID of the word's stem, or 0 for a stop word. A word
	// whose stem hashes to 0 is never put in a table.
	id uint64
}

// A stemTable is an immutable open-addressing hash table of words.
type stemTable struct {
	slots []stemSlot
	stems []string // stem of the word in slots[i]
	shift uint     // 64 - log2(len(slots)): hashes keep their top bits
	n     int
}

// find returns the slot index of key, or -1.
func (t *stemTable) find(key *stemKey) int {
	mask := len(t.slots) - 1
	for i := int(key.hash() >> t.shift); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.key == *key {
			return i
		}
		if s.key[2] == 0 {
			return -1
		}
	}
}

// newStemTable builds a table of the words of old and of add, with room for
// them at a load factor of at most one half.
func newStemTable(old *stemTable, add map[stemKey]stemEntry) *stemTable {
	n := len(add)
	if old != nil {
		n += old.n
	}
	size := 1024
	for size < 2*n {
		size *= 2
	}
	t := &stemTable{
		slots: make([]stemSlot, size),
		stems: make([]string, size),
		shift: uint(64 - bits.TrailingZeros(uint(size))),
	}
	if old != nil {
		for i := range old.slots {
			if s := &old.slots[i]; s.key[2] != 0 {
				t.insert(&s.key, s.id, old.stems[i])
			}
		}
	}
	for k, e := range add {
		id := e.id
		if e.stop {
			id = 0
		}
		t.insert(&k, id, e.stem)
	}
	return t
}

func (t *stemTable) insert(key *stemKey, id uint64, stem string) {
	mask := len(t.slots) - 1
	for i := int(key.hash() >> t.shift); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.key == *key {
			return
		}
		if s.key[2] == 0 {
			s.key, s.id = *key, id
			t.stems[i] = stem
			t.n++
			return
		}
	}
}

type stemCache struct {
	table atomic.Pointer[stemTable]
	full  atomic.Bool // no more words are added

	mu      sync.Mutex
	pending map[stemKey]stemEntry // stemmed since the table was built
	long    map[string]stemEntry  // words too long for a key
	count   int                   // words held, in the table, pending or long
}

func newStemCache() *stemCache {
	c := &stemCache{pending: map[stemKey]stemEntry{}, long: map[string]stemEntry{}}
	// Stop words go in first, so that a word missing from any table is
	// known not to be one without asking stopWords.
	for w := range stopWords {
		var key stemKey
		if key.setExact(w) {
			s := snowball(w)
			c.pending[key] = stemEntry{stem: s, id: TermID(s), stop: true}
		}
	}
	c.count = len(c.pending)
	c.table.Store(newStemTable(nil, c.pending))
	clear(c.pending)
	return c
}

// miss looks up a word that t lacks: in a newer table, among the pending
// words, or by stemming it. w is the word, or "" to read it from key.
func (c *stemCache) miss(t *stemTable, w string, key *stemKey, fits bool) stemEntry {
	if c.full.Load() {
		return c.stem(w, key)
	}
	c.mu.Lock()
	if fits {
		if cur := c.table.Load(); cur != t {
			if i := cur.find(key); i >= 0 {
				e := stemEntry{stem: cur.stems[i], id: cur.slots[i].id}
				c.mu.Unlock()
				if e.id == 0 {
					e.id, e.stop = TermID(e.stem), true
				}
				return e
			}
		}
		if e, ok := c.pending[*key]; ok {
			c.mu.Unlock()
			return e
		}
	} else if e, ok := c.long[w]; ok {
		c.mu.Unlock()
		return e
	}
	c.mu.Unlock()

	// Stemming takes a microsecond: not under the lock.
	e := c.stem(w, key)
	if !e.stop && e.id == 0 {
		return e // its id would read as a stop word's
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.count >= maxCachedStems {
		return e
	}
	// Both are copied: either may be a slice of an article's text, which
	// the cache must not keep alive.
	e.stem = strings.Clone(e.stem)
	if !fits {
		if _, ok := c.long[w]; !ok {
			c.long[strings.Clone(w)] = e
			c.count++
		}
	} else if _, ok := c.pending[*key]; !ok {
		c.pending[*key] = e
		c.count++
	}
	// Rebuilding costs a copy of the table, so it waits until the pending
	// words are a good share of it, or until the cache is full.
	if full := c.count >= maxCachedStems; full || len(c.pending) >= max(256, c.table.Load().n/4) {
		c.table.Store(newStemTable(c.table.Load(), c.pending))
		clear(c.pending)
		c.full.Store(full)
	}
	return e
}

// stem stems a word without the cache.
func (c *stemCache) stem(w string, key *stemKey) stemEntry {
	if w == "" {
		w = key.String()
	}
	s := snowball(w)
	return stemEntry{stem: s, id: TermID(s), stop: stopWords[w]}
}
