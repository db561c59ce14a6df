package cluster

import "slices"

// An entry is one term or entity name of a centroid.
type entry struct {
	key  uint64  // term id, or hashed entity key
	slot uint32  // where the vocabulary keeps its document frequency
	w    float32 // sum of the members' weights
}

// A centroid is a sparse vector sorted by key. Sorted, it is compared with
// a document by one merge of the two, and sums over it come out bit for bit
// the same on every run, which Go's randomised map order would not give:
// same input in the same order must give the same events.
type centroid []entry

// A qterm is one term or entity name of a document, prepared for
// comparison under the current IDF.
type qterm struct {
	key  uint64
	slot uint32
	tf   float32 // what a centroid gains from the document
	q    float64 // the comparison weight: tf times IDF squared
}

// add adds a document's terms, sorted by key, to c. When names is not nil
// it is kept parallel to c, new keys taking their names from qnames, which
// is parallel to q.
func (c centroid) add(q []qterm, names *[]string, qnames []string) centroid {
	fresh, i := 0, 0
	for _, t := range q {
		for i < len(c) && c[i].key < t.key {
			i++
		}
		if i == len(c) || c[i].key != t.key {
			fresh++
		}
	}
	n := len(c)
	c = slices.Grow(c, fresh)[:n+fresh]
	var ns []string
	if names != nil {
		ns = slices.Grow(*names, fresh)[:n+fresh]
		*names = ns
	}
	// Merge from the back, so that nothing moves twice and no scratch is
	// needed; once the document's terms are placed, the rest is in place.
	i, j := n-1, len(q)-1
	for k := len(c) - 1; j >= 0; k-- {
		t := &q[j]
		switch {
		case i >= 0 && c[i].key > t.key:
			c[k] = c[i]
			if ns != nil {
				ns[k] = ns[i]
			}
			i--
		case i >= 0 && c[i].key == t.key:
			c[k] = c[i]
			c[k].w += t.tf
			if ns != nil {
				ns[k] = ns[i]
			}
			i, j = i-1, j-1
		default:
			c[k] = entry{key: t.key, slot: t.slot, w: t.tf}
			if ns != nil {
				ns[k] = qnames[j]
			}
			j--
		}
	}
	return c
}

// heavier orders entries by weight, then key: the order in which pruning
// keeps them, total so that the kept set is the same on every run.
func heavier(a, b entry) bool {
	return a.w > b.w || a.w == b.w && a.key < b.key
}

// prune keeps the heaviest limit entries once there are twice as many, so
// that pruning is amortised. scratch is reused and returned.
func (c centroid) prune(limit int, scratch []entry) (centroid, []entry) {
	if limit <= 0 || len(c) <= 2*limit {
		return c, scratch
	}
	scratch = append(scratch[:0], c...)
	nth(scratch, limit-1, heavier)
	last := scratch[limit-1]
	c = slices.DeleteFunc(c, func(x entry) bool { return heavier(last, x) })
	return c, scratch
}

// nth reorders s so that s[k] is the element sorting by less would put
// there, none before it ordered after it and none after it before: a
// selection costs linear time, where choosing the heaviest few of many by
// sorting cost more than the rest of a placement.
func nth[T any](s []T, k int, less func(a, b T) bool) {
	lo, hi := 0, len(s)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if less(s[mid], s[lo]) {
			s[mid], s[lo] = s[lo], s[mid]
		}
		if less(s[hi], s[lo]) {
			s[hi], s[lo] = s[lo], s[hi]
		}
		if less(s[hi], s[mid]) {
			s[hi], s[mid] = s[mid], s[hi]
		}
		pivot := s[mid]
		i, j := lo, hi
		for i <= j {
			for less(s[i], pivot) {
				i++
			}
			for less(pivot, s[j]) {
				j--
			}
			if i <= j {
				s[i], s[j] = s[j], s[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
}

// best reorders s so that its first n elements are the first n of s sorted
// by less, in no particular order, and returns them.
func best[T any](s []T, n int, less func(a, b T) bool) []T {
	if n <= 0 {
		return s[:0]
	}
	if n < len(s) {
		nth(s, n-1, less)
		return s[:n]
	}
	return s
}

// dot returns the dot product of a document's comparison weights with a
// centroid, summed in key order. It walks the longer of the two in an inner
// loop: a merge that steps one side or the other at each key mispredicts
// more.
func dot(q []qterm, c centroid) float64 {
	var s float64
	if len(q) <= len(c) {
		j := 0
		for i := range q {
			k := q[i].key
			for j < len(c) && c[j].key < k {
				j++
			}
			if j == len(c) {
				break
			}
			if c[j].key == k {
				s += q[i].q * float64(c[j].w)
				j++
			}
		}
		return s
	}
	i := 0
	for j := range c {
		k := c[j].key
		for i < len(q) && q[i].key < k {
			i++
		}
		if i == len(q) {
			break
		}
		if q[i].key == k {
			s += q[i].q * float64(c[j].w)
			i++
		}
	}
	return s
}

// A vocab numbers the keys it has seen densely, in order of first sight, so
// that their document frequencies are an array: comparing with centroids
// reads an IDF for each of their terms, and map lookups of those cost more
// than the rest of placement.
type vocab struct {
	slots map[uint64]uint32
	df    []int32 // by slot
}

func newVocab() vocab { return vocab{slots: map[uint64]uint32{}} }

// slot returns the slot of a key, giving it one if it has none.
func (v *vocab) slot(k uint64) uint32 {
	s, ok := v.slots[k]
	if !ok {
		s = uint32(len(v.df))
		v.slots[k] = s
		v.df = append(v.df, 0)
	}
	return s
}

// nameKey hashes an entity key (FNV-1a, 64 bits): names are compared and
// counted by the hash, and among a few million names a collision is
// unlikely enough not to matter.
func nameKey(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// postings lists the hot events indexed under one term or name, oldest
// first, each with its position among all the events ever appended to the
// list. PostingCap bounds the list to the most recent appends, counting
// events that have since expired: cold events leave the list at once, and
// positions keep the window the same as if they had stayed.
type postings struct {
	n      int32 // appends so far
	events []posting
}

type posting struct {
	event int32
	at    int32 // the value of n after it was appended
}

func (l *postings) add(event int32, limit int) {
	l.n++
	l.events = append(l.events, posting{event, l.n})
	drop := 0
	for drop < len(l.events) && int(l.events[drop].at) <= int(l.n)-limit {
		drop++
	}
	if drop > 0 {
		l.events = l.events[drop:]
	}
}

// remove takes an event out of the list, and reports whether it was there.
func (l *postings) remove(event int32) bool {
	for i, p := range l.events {
		if p.event == event {
			l.events = slices.Delete(l.events, i, i+1)
			return true
		}
	}
	return false
}
