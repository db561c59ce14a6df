package analyze

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/words"
)

// A Term is one stemmed word under its hashed id, with a weight (a count in
// documents, a TF-IDF weight in comparisons).
type Term struct {
	ID uint64
	W  float32
}

// A Vector is a sparse term vector sorted by term id. Sorted slices make
// dot products a linear merge and cost far less memory than maps.
type Vector []Term

// TermID hashes a stem. The hash is stable across processes and versions, so
// vectors can be stored and shipped between machines.
func TermID(stem string) uint64 {
	// FNV-1a, written out: hash/fnv's interface costs an allocation per
	// term, and terms are hashed by the million.
	h := uint64(14695981039346656037)
	for i := 0; i < len(stem); i++ {
		h ^= uint64(stem[i])
		h *= 1099511628211
	}
	return h
}

// Tokens splits text into lower-case word tokens, without punctuation.
func Tokens(text string) []string {
	var out []string
	it := words.FromString(text)
	for it.Next() {
		if w, ok := word(it.Value()); ok {
			out = append(out, strings.ToLower(w))
		}
	}
	return out
}

// word reports whether a segment of text is a word, one that starts with a
// letter or digit, and returns it without a possessive "'s".
func word(w string) (string, bool) {
	if w == "" {
		return "", false
	}
	if c := w[0]; c < utf8.RuneSelf {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return "", false
		}
	} else if r, _ := utf8.DecodeRuneInString(w); !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return "", false
	}
	return strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s"), true
}

// Terms returns the stems of the content words of text: stop words, single
// characters and pure punctuation dropped.
func Terms(text string) []string {
	var out []string
	scanTerms(text, func(_ uint64, stem string) { out = append(out, stem) })
	return out
}

// TermIDs returns the ids (see TermID) of Terms(text), in no particular
// order: the cheaper form for callers that only compare words.
func TermIDs(text string) []uint64 { return appendTermIDs(nil, text) }

// appendTermIDs appends the ids of Terms(text) to ids, in no particular
// order. It is what analysis needs, and it spares building the stems and
// lower-case tokens.
func appendTermIDs(ids []uint64, text string) []uint64 {
	t := stems.table.Load()
	// Most words miss the processor's caches in a table of a large
	// vocabulary. Looking them up in batches, in a loop that does nothing
	// else, lets the processor wait for many of them at once.
	var batch [64]stemKey
	n := 0
	it := words.FromString(text)
	for it.Next() {
		w, ok := word(it.Value())
		if !ok {
			continue
		}
		key := &batch[n]
		size, lw, fits := key.set(text, it.Start(), w)
		switch {
		case size < 2:
		case fits:
			if n++; n == len(batch) {
				ids = t.appendIDs(ids, batch[:n])
				n = 0
			}
		default:
			if e := stems.miss(t, lw, key, false); !e.stop {
				ids = append(ids, e.id)
			}
		}
	}
	return t.appendIDs(ids, batch[:n])
}

// appendIDs appends the term ids of the words of keys, but of stop words.
func (t *stemTable) appendIDs(ids []uint64, keys []stemKey) []uint64 {
	for i := range keys {
		if j := t.find(&keys[i]); j >= 0 {
			if id := t.slots[j].id; id != 0 {
				ids = append(ids, id)
			}
		} else if e := stems.miss(t, "", &keys[i], true); !e.stop {
			ids = append(ids, e.id)
		}
	}
	return ids
}

// scanTerms calls fn with the id and stem of each content word of text, the
// slower form of appendTermIDs for callers that want the stems.
func scanTerms(text string, fn func(id uint64, stem string)) {
	t := stems.table.Load()
	var key stemKey
	it := words.FromString(text)
	for it.Next() {
		w, ok := word(it.Value())
		if !ok {
			continue
		}
		n, lw, fits := key.set(text, it.Start(), w)
		if n < 2 {
			continue
		}
		if fits {
			if i := t.find(&key); i >= 0 {
				if id := t.slots[i].id; id != 0 {
					fn(id, t.stems[i])
				}
				continue
			}
		}
		if e := stems.miss(t, lw, &key, fits); !e.stop {
			fn(e.id, e.stem)
		}
	}
}

// Count builds a vector of stem counts.
func Count(stems []string) Vector {
	ids := make([]uint64, len(stems))
	for i, s := range stems {
		ids[i] = TermID(s)
	}
	return countIDs(ids)
}

// countIDs builds the vector of counts of term ids, sorting ids in place.
func countIDs(ids []uint64) Vector {
	slices.Sort(ids)
	n := 0
	for i := range ids {
		if i == 0 || ids[i] != ids[i-1] {
			n++
		}
	}
	v := make(Vector, 0, n)
	for i := 0; i < len(ids); {
		// Counted by adding ones in float32, as a map of float32 counters
		// would: beyond 2^24 a float32 count stops growing.
		j, w := i, float32(0)
		for ; j < len(ids) && ids[j] == ids[i]; j++ {
			w++
		}
		v = append(v, Term{ID: ids[i], W: w})
		i = j
	}
	return v
}
