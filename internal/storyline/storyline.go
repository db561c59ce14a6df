// Package storyline threads events into storylines: events that share their
// salient actors, places and subject, whenever they happened. Two meetings of
// the same leaders years apart are two events of one storyline.
package storyline

import (
	"cmp"
	"math"
	"slices"
)

// Config holds the weights and threshold of storyline linking.
type Config struct {
	// Threshold is the similarity an event needs to join a storyline.
	Threshold float64 `json:"storyline_threshold"`
	// EntityWeight and TermWeight mix the cosine of salient entities and the
	// cosine of salient terms.
	EntityWeight float64 `json:"storyline_entity_weight"`
	TermWeight   float64 `json:"storyline_term_weight"`
	// MaxCandidates bounds the storylines compared with each event.
	MaxCandidates int `json:"storyline_max_candidates"`
}

// DefaultConfig returns the shipped defaults.
func DefaultConfig() Config {
	return Config{Threshold: 0.30, EntityWeight: 0.6, TermWeight: 0.4, MaxCandidates: 30}
}

// A Profile is what an event contributes to a storyline: its salient
// entities and terms, with weights. The linker keeps a compact copy, so the
// maps may be reused once Update returns.
type Profile struct {
	// Event numbers the event. Events are numbered densely from 0, and the
	// linker keeps a slot for every number up to the highest.
	Event    int
	Entities map[string]float64
	Terms    map[uint64]float64
}

// A Storyline is a set of events.
type Storyline struct {
	ID     int
	Events []int // in order of joining

	// The sums of the profiles of its events. Entity names are hashed:
	// nothing reads them back, and a name can cost more than its weight.
	entities, terms vector
	// Squared norms of entities and terms, kept current as profiles come
	// and go: summing a long storyline's vectors for every comparison was
	// the linker's whole cost.
	entityNorm2, termNorm2 float64
}

// A Linker assigns events to storylines, online. It is not safe for
// concurrent use and is deterministic for a given order of updates.
//
// Its memory grows with the storylines, about a kilobyte each for their
// vectors and their share of the index, and with the events still live; the
// work of one update is bounded however long the stream has run.
type Linker struct {
	cfg        Config
	storylines []*Storyline
	of         []int32                // event -> storyline, -1 for none
	last       map[int]compactProfile // event -> the profile last added to its storyline

	// Posting lists: the storylines most recently indexed under each key,
	// oldest first, at most postingCap of them. The maps hold the index of
	// a key's list in lists, or ^id of the one storyline indexed under it.
	byEntity, byTerm map[uint64]int32
	lists            [][]int32

	gone bitset // storylines whose events all moved to others

	// Scratch reused by every update.
	hits    []float64 // by storyline, valid where seen is set
	seen    bitset
	touched []int32
	picked  []int32
	one     [1]int32
	buf     [2]vector
}

// postingCap bounds each posting list to the storylines most recently
// indexed under its key, so that finding candidates costs the same however
// long the stream has run: a frequent name would otherwise list every
// storyline that ever used it. A storyline moves to the end of a list
// whenever one of its events uses the key again, so a long-running one
// stays findable while it goes on.
const postingCap = 256

// NewLinker returns an empty Linker.
func NewLinker(cfg Config) *Linker {
	return &Linker{cfg: cfg, last: map[int]compactProfile{},
		byEntity: map[uint64]int32{}, byTerm: map[uint64]int32{}}
}

// Storylines returns every storyline that holds at least one event.
func (l *Linker) Storylines() []*Storyline {
	var out []*Storyline
	for _, s := range l.storylines {
		if len(s.Events) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// Retire forgets the profile an event last contributed, once the event can
// no longer change: its contribution stays in its storyline, and memory
// stays bounded by the live events.
func (l *Linker) Retire(event int) { delete(l.last, event) }

// Remove takes an event out of its storyline, for good: it merged into
// another event.
func (l *Linker) Remove(event int) {
	if sid, ok := l.Of(event); ok {
		l.remove(l.storylines[sid], event)
	}
}

// Storyline returns the storyline with the given id; it has no events when
// its events have moved to others.
func (l *Linker) Storyline(id int) *Storyline { return l.storylines[id] }

// Of returns the storyline of an event.
func (l *Linker) Of(event int) (int, bool) {
	if event < 0 || event >= len(l.of) || l.of[event] < 0 {
		return 0, false
	}
	return int(l.of[event]), true
}

// A Link is the decision taken for one event.
type Link struct {
	Storyline int     `json:"storyline"`
	Score     float64 `json:"score"` // similarity to the storyline joined; 0 for a new one
	New       bool    `json:"new_storyline"`
}

// Update places an event whose profile changed. An event that shares its
// storyline with others stays there (storylines do not flicker as events
// grow); an event alone in its storyline may move to a better one.
func (l *Linker) Update(p Profile) Link {
	q := compact(p)
	own := -1
	if sid, ok := l.Of(p.Event); ok {
		s := l.storylines[sid]
		if len(s.Events) > 1 {
			l.replace(s, p.Event, q)
			return Link{Storyline: sid, Score: l.similarity(&q, s)}
		}
		// An event alone in its storyline may find a better one as it
		// grows; if not, it keeps its own, so that ids stay stable.
		l.remove(s, p.Event)
		own = sid
	}
	best, bestScore := -1, 0.0
	for _, sid := range l.candidates(&q) {
		if sc := l.similarity(&q, l.storylines[sid]); sc > bestScore {
			best, bestScore = int(sid), sc
		}
	}
	link := Link{Storyline: best, Score: bestScore}
	switch {
	case best >= 0 && bestScore >= l.cfg.Threshold:
	case own >= 0:
		best = own
		link = Link{Storyline: own}
	default:
		best = len(l.storylines)
		l.storylines = append(l.storylines, &Storyline{ID: best})
		l.hits = append(l.hits, 0)
		l.gone.grow(len(l.storylines))
		l.seen.grow(len(l.storylines))
		link = Link{Storyline: best, New: true}
	}
	s := l.storylines[best]
	s.Events = append(s.Events, p.Event)
	l.gone.set(best, false)
	for len(l.of) <= p.Event {
		l.of = append(l.of, -1)
	}
	l.of[p.Event] = int32(best)
	l.replace(s, p.Event, q)
	return link
}

// replace swaps an event's previous contribution to a storyline for q.
func (l *Linker) replace(s *Storyline, event int, q compactProfile) {
	old := l.last[event]
	s.entities, s.entityNorm2 = l.swap(s.entities, s.entityNorm2, old.entities, q.entities)
	s.terms, s.termNorm2 = l.swap(s.terms, s.termNorm2, old.terms, q.terms)
	l.last[event] = q
	sid := int32(s.ID)
	for _, x := range q.entities {
		l.index(l.byEntity, x.key, sid)
	}
	for _, x := range q.terms {
		l.index(l.byTerm, x.key, sid)
	}
}

// remove takes an event and its last profile out of its storyline.
func (l *Linker) remove(s *Storyline, event int) {
	if old, ok := l.last[event]; ok {
		s.entities, s.entityNorm2 = l.swap(s.entities, s.entityNorm2, old.entities, nil)
		s.terms, s.termNorm2 = l.swap(s.terms, s.termNorm2, old.terms, nil)
		delete(l.last, event)
	}
	s.Events = slices.DeleteFunc(s.Events, func(e int) bool { return e == event })
	if len(s.Events) == 0 {
		l.gone.set(s.ID, true)
	}
	l.of[event] = -1
}

// swap returns v with old taken out and add put in, and its squared norm.
// The two steps are taken one after the other, each cut to zero and pruned:
// fused, they would keep other keys when a storyline is pruned.
func (l *Linker) swap(v vector, norm2 float64, old, add vector) (vector, float64) {
	if len(old) == 0 && len(add) == 0 {
		return v, norm2
	}
	cur := v
	if len(old) > 0 {
		var d, r float64
		l.buf[0], d = addScaled(l.buf[0][:0], cur, old, -1)
		l.buf[0], r = prune(l.buf[0], storylineKeys)
		norm2 = max(0, norm2+d-r)
		cur = l.buf[0]
	}
	if len(add) > 0 {
		if len(cur) == 0 && len(add) <= 2*storylineKeys && positive(add) {
			// The storyline holds just this profile, as one of a single
			// event does: share its entries rather than copy them.
			// Vectors are never changed in place.
			var d float64
			for _, x := range add {
				d += x.w * x.w
			}
			return add, max(0, norm2+d)
		}
		var d, r float64
		l.buf[1], d = addScaled(l.buf[1][:0], cur, add, 1)
		l.buf[1], r = prune(l.buf[1], storylineKeys)
		norm2 = max(0, norm2+d-r)
		cur = l.buf[1]
	}
	if len(cur) == 0 {
		return nil, norm2
	}
	return slices.Clone(cur), norm2
}

// positive reports whether every weight of v survives being added to an
// empty vector.
func positive(v vector) bool {
	for _, x := range v {
		if x.w < minWeight {
			return false
		}
	}
	return true
}

// index puts a storyline at the end of a key's posting list, taking out
// storylines left without events on the way.
func (l *Linker) index(m map[uint64]int32, key uint64, sid int32) {
	i, ok := m[key]
	switch {
	case !ok:
		m[key] = ^sid
		return
	case i < 0:
		// Most keys belong to one storyline, which the map holds itself.
		if one := ^i; one != sid && !l.gone.has(int(one)) {
			m[key] = int32(len(l.lists))
			l.lists = append(l.lists, []int32{one, sid})
		} else {
			m[key] = ^sid
		}
		return
	}
	list := l.lists[i]
	if n := len(list); n > 0 && list[n-1] == sid {
		return
	}
	j := 0
	for j < len(list) && list[j] != sid && !l.gone.has(int(list[j])) {
		j++
	}
	if j < len(list) {
		kept := list[:j]
		for _, id := range list[j+1:] {
			if id != sid && !l.gone.has(int(id)) {
				kept = append(kept, id)
			}
		}
		list = kept
	}
	if len(list) >= postingCap {
		list = append(list[:0], list[len(list)-postingCap+1:]...)
	}
	l.lists[i] = append(list, sid)
}

// postings returns the storylines indexed under a key.
func (l *Linker) postings(m map[uint64]int32, key uint64) []int32 {
	i, ok := m[key]
	switch {
	case !ok:
		return nil
	case i < 0:
		l.one[0] = ^i
		return l.one[:]
	}
	return l.lists[i]
}

// candidates returns the storylines that share the most weight with q, at
// most MaxCandidates of them, heaviest first.
func (l *Linker) candidates(q *compactProfile) []int32 {
	l.touched = l.touched[:0]
	l.visit(l.byEntity, q.entities, 1)
	l.visit(l.byTerm, q.terms, 0.5)
	picked := l.picked[:0]
	limit := l.cfg.MaxCandidates
	// better orders candidates by shared weight, then oldest first.
	better := func(a, b int32) bool {
		if ha, hb := l.hits[a], l.hits[b]; ha != hb {
			return ha > hb
		}
		return a < b
	}
	for _, sid := range l.touched {
		l.seen.set(int(sid), false)
		if limit <= 0 || l.gone.has(int(sid)) {
			continue
		}
		// picked is a heap with the worst candidate at its root, so that
		// choosing among thousands costs about one comparison each.
		if len(picked) < limit {
			picked = append(picked, sid)
			for c := len(picked) - 1; c > 0; {
				p := (c - 1) / 2
				if !better(picked[p], picked[c]) {
					break
				}
				picked[p], picked[c] = picked[c], picked[p]
				c = p
			}
			continue
		}
		if !better(sid, picked[0]) {
			continue
		}
		picked[0] = sid
		for p := 0; ; {
			c := 2*p + 1
			if c >= len(picked) {
				break
			}
			if c+1 < len(picked) && better(picked[c], picked[c+1]) {
				c++
			}
			if !better(picked[p], picked[c]) {
				break
			}
			picked[p], picked[c] = picked[c], picked[p]
			p = c
		}
	}
	slices.SortFunc(picked, func(a, b int32) int {
		if better(a, b) {
			return -1
		}
		return 1
	})
	l.picked = picked
	return picked
}

// visit adds f times the weight of each of v's keys to the storylines
// indexed under it.
func (l *Linker) visit(m map[uint64]int32, v vector, f float64) {
	for _, x := range v {
		w := x.w * f
		for _, sid := range l.postings(m, x.key) {
			if l.seen.has(int(sid)) {
				l.hits[sid] += w
			} else {
				l.seen.set(int(sid), true)
				l.touched = append(l.touched, sid)
				l.hits[sid] = w
			}
		}
	}
}

func (l *Linker) similarity(q *compactProfile, s *Storyline) float64 {
	return l.cfg.EntityWeight*cosine(q.entities, q.entityNorm, s.entities, math.Sqrt(s.entityNorm2)) + l.cfg.TermWeight*cosine(q.terms, q.termNorm, s.terms, math.Sqrt(s.termNorm2))
}

// storylineKeys bounds the names and the terms a storyline remembers: a
// storyline that runs for years is about its heaviest ones, and its memory
// must not grow with every event it gathers.
const storylineKeys = 64

// minWeight is the weight below which a storyline forgets a key.
const minWeight = 1e-9

// An entry is a key of a sparse vector and its weight.
type entry struct {
	key uint64
	w   float64
}

// A vector is sparse, its entries in increasing order of key, so that sums
// over it run in the same order on every run: float sums in a different
// order differ in their last bits, which could flip a decision.
type vector []entry

// A compactProfile is a Profile as the linker keeps it.
type compactProfile struct {
	entities, terms      vector
	entityNorm, termNorm float64
}

// compact turns p's maps into vectors, in one allocation.
func compact(p Profile) compactProfile {
	v := make(vector, 0, len(p.Entities)+len(p.Terms))
	for name, w := range p.Entities {
		v = append(v, entry{nameKey(name), w})
	}
	n := len(v)
	for k, w := range p.Terms {
		v = append(v, entry{k, w})
	}
	q := compactProfile{entities: sorted(v[:n:n]), terms: sorted(v[n:])}
	q.entityNorm, q.termNorm = q.entities.norm(), q.terms.norm()
	return q
}

// sorted sorts v by key and sums entries with equal keys, which two names
// hashing alike would give; ordering them by weight too keeps their sum
// independent of map order.
func sorted(v vector) vector {
	if len(v) == 0 {
		return nil
	}
	slices.SortFunc(v, func(a, b entry) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.w, b.w)
	})
	out := v[:1]
	for _, x := range v[1:] {
		if last := &out[len(out)-1]; last.key == x.key {
			last.w += x.w
		} else {
			out = append(out, x)
		}
	}
	return out
}

func (v vector) norm() float64 {
	var n2 float64
	for _, x := range v {
		n2 += x.w * x.w
	}
	return math.Sqrt(n2)
}

// nameKey hashes an entity name with 64-bit FNV-1a. Collisions are as
// unlikely as they are harmless: two names would count as one.
func nameKey(name string) uint64 {
	h := uint64(14695981039346656037)
	for i := range len(name) {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	return h
}

// addScaled appends dst plus f times src to out, forgetting keys whose
// weight falls below minWeight, and returns it with the change in squared
// norm.
func addScaled(out, dst, src vector, f float64) (vector, float64) {
	var delta float64
	i := 0
	for _, x := range src {
		for i < len(dst) && dst[i].key < x.key {
			out = append(out, dst[i])
			i++
		}
		var old float64
		if i < len(dst) && dst[i].key == x.key {
			old = dst[i].w
			i++
		}
		v := old + f*x.w
		// Below zero only when pruning forgot a name that an event now
		// takes back: the storyline no longer holds it.
		if v < minWeight {
			v = 0
		} else {
			out = append(out, entry{x.key, v})
		}
		delta += v*v - old*old
	}
	return append(out, dst[i:]...), delta
}

// prune keeps the limit heaviest entries of v once it holds twice as many,
// so that pruning is amortised, and returns the squared norm removed. It
// reorders v in place.
func prune(v vector, limit int) (vector, float64) {
	if len(v) <= 2*limit {
		return v, 0
	}
	// Stable, so that equal weights keep key order.
	slices.SortStableFunc(v, func(a, b entry) int { return cmp.Compare(b.w, a.w) })
	var removed float64
	for _, x := range v[limit:] {
		removed += x.w * x.w
	}
	v = v[:limit]
	slices.SortFunc(v, func(a, b entry) int { return cmp.Compare(a.key, b.key) })
	return v, removed
}

// cosine compares a profile's vector of norm aNorm with a storyline's of
// norm bNorm, summing in key order.
func cosine(a vector, aNorm float64, b vector, bNorm float64) float64 {
	if len(a) == 0 || bNorm == 0 || aNorm == 0 {
		return 0
	}
	var dot float64
	// A long storyline holds several times a profile's keys: look each
	// up by halving rather than walk past the others.
	search := len(b) > 4*len(a)
	i := 0
	for _, x := range a {
		if search {
			i += sortSearch(b[i:], x.key)
		} else {
			for i < len(b) && b[i].key < x.key {
				i++
			}
		}
		if i == len(b) {
			break
		}
		if b[i].key == x.key {
			dot += x.w * b[i].w
			i++
		}
	}
	return dot / aNorm / bNorm
}

// sortSearch returns the index of the first entry of v whose key is at
// least key.
func sortSearch(v vector, key uint64) int {
	lo, hi := 0, len(v)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if v[m].key < key {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// A bitset holds one bit per storyline.
type bitset []uint64

func (b *bitset) grow(n int) {
	for len(*b)*64 < n {
		*b = append(*b, 0)
	}
}

func (b bitset) has(i int) bool { return b[i>>6]&(1<<(i&63)) != 0 }

func (b bitset) set(i int, on bool) {
	if on {
		b[i>>6] |= 1 << (i & 63)
	} else {
		b[i>>6] &^= 1 << (i & 63)
	}
}
