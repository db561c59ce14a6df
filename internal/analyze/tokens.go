package analyze

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
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
		w := it.Value()
		r, _ := utf8.DecodeRuneInString(w)
		if w == "" || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			continue
		}
		w = strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s"))
		out = append(out, w)
	}
	return out
}

// Stem returns the Snowball (Porter2) stem of a lower-case English word.
func Stem(w string) string {
	if s, ok := stems.get(w); ok {
		return s
	}
	env := snowballstem.NewEnv(w)
	english.Stem(env)
	s := env.Current()
	stems.put(w, s)
	return s
}

// stems caches stems: word frequencies are Zipfian, so a bounded cache of
// the common words saves most of the stemming, which was the largest cost
// of tokenising.
var stems = stemCache{m: make(map[string]string, 1<<14)}

// maxCachedStems bounds the cache; rarer words are stemmed every time.
const maxCachedStems = 1 << 18

type stemCache struct {
	mu sync.RWMutex
	m  map[string]string
}

func (c *stemCache) get(w string) (string, bool) {
	c.mu.RLock()
	s, ok := c.m[w]
	c.mu.RUnlock()
	return s, ok
}

func (c *stemCache) put(w, s string) {
	c.mu.Lock()
	if len(c.m) < maxCachedStems {
		// Both are copied: either may be a slice of an article's text,
		// which the cache must not keep alive.
		c.m[strings.Clone(w)] = strings.Clone(s)
	}
	c.mu.Unlock()
}

// Terms returns the stems of the content words of text: stop words, single
// characters and pure punctuation dropped.
func Terms(text string) []string {
	toks := Tokens(text)
	out := toks[:0]
	for _, t := range toks {
		if len(t) < 2 || stopWords[t] {
			continue
		}
		out = append(out, Stem(t))
	}
	return out
}

// Count builds a vector of stem counts.
func Count(stems []string) Vector {
	counts := make(map[uint64]float32, len(stems))
	for _, s := range stems {
		counts[TermID(s)]++
	}
	v := make(Vector, 0, len(counts))
	for id, n := range counts {
		v = append(v, Term{ID: id, W: n})
	}
	slices.SortFunc(v, func(a, b Term) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return v
}
