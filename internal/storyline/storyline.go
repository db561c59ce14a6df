// Package storyline threads events into storylines: events that share their
// salient actors, places and subject, whenever they happened. Two meetings of
// the same leaders years apart are two events of one storyline.
package storyline

import (
	"cmp"
	"maps"
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
// entities and terms, with weights.
type Profile struct {
	Event    int
	Entities map[string]float64
	Terms    map[uint64]float64

	// The keys in order, for reproducible sums; set by Update.
	entityKeys []string
	termKeys   []uint64
}

// A Storyline is a set of events.
type Storyline struct {
	ID     int
	Events []int // in order of joining

	entities map[string]float64
	terms    map[uint64]float64
	// Squared norms of entities and terms, kept current as profiles come
	// and go: summing a long storyline's maps for every comparison was the
	// linker's whole cost.
	entityNorm2, termNorm2 float64
}

// A Linker assigns events to storylines, online. It is not safe for
// concurrent use and is deterministic for a given order of updates.
type Linker struct {
	cfg        Config
	storylines []*Storyline
	of         map[int]int     // event -> storyline
	last       map[int]Profile // event -> the profile last added to its storyline
	byEntity   map[string][]int
	byTerm     map[uint64][]int
}

// NewLinker returns an empty Linker.
func NewLinker(cfg Config) *Linker {
	return &Linker{cfg: cfg, of: map[int]int{}, last: map[int]Profile{},
		byEntity: map[string][]int{}, byTerm: map[uint64][]int{}}
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

// Storyline returns the storyline with the given id; it has no events when
// its events have moved to others.
func (l *Linker) Storyline(id int) *Storyline { return l.storylines[id] }

// Of returns the storyline of an event.
func (l *Linker) Of(event int) (int, bool) {
	s, ok := l.of[event]
	return s, ok
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
	p.entityKeys, p.termKeys = slices.Sorted(maps.Keys(p.Entities)), slices.Sorted(maps.Keys(p.Terms))
	own := -1
	if sid, ok := l.of[p.Event]; ok {
		s := l.storylines[sid]
		if len(s.Events) > 1 {
			l.replace(s, p)
			return Link{Storyline: sid, Score: l.similarity(p, s)}
		}
		// An event alone in its storyline may find a better one as it
		// grows; if not, it keeps its own, so that ids stay stable.
		l.remove(s, p.Event)
		own = sid
	}
	best, bestScore := -1, 0.0
	for _, sid := range l.candidates(p) {
		if sc := l.similarity(p, l.storylines[sid]); sc > bestScore {
			best, bestScore = sid, sc
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
		l.storylines = append(l.storylines, &Storyline{ID: best,
			entities: map[string]float64{}, terms: map[uint64]float64{}})
		link = Link{Storyline: best, New: true}
	}
	s := l.storylines[best]
	s.Events = append(s.Events, p.Event)
	l.of[p.Event] = best
	l.replace(s, p)
	return link
}

// replace swaps an event's previous contribution to a storyline for p.
func (l *Linker) replace(s *Storyline, p Profile) {
	if old, ok := l.last[p.Event]; ok {
		s.add(old, -1)
	}
	s.add(p, 1)
	l.last[p.Event] = p
	for k := range p.Entities {
		if !slices.Contains(l.byEntity[k], s.ID) {
			l.byEntity[k] = append(l.byEntity[k], s.ID)
		}
	}
	for k := range p.Terms {
		if !slices.Contains(l.byTerm[k], s.ID) {
			l.byTerm[k] = append(l.byTerm[k], s.ID)
		}
	}
}

func (l *Linker) remove(s *Storyline, event int) {
	if old, ok := l.last[event]; ok {
		s.add(old, -1)
		delete(l.last, event)
	}
	s.Events = slices.DeleteFunc(s.Events, func(e int) bool { return e == event })
	delete(l.of, event)
}

func (l *Linker) candidates(p Profile) []int {
	hits := map[int]float64{}
	for _, k := range p.entityKeys {
		for _, sid := range l.byEntity[k] {
			hits[sid] += p.Entities[k]
		}
	}
	for _, k := range p.termKeys {
		for _, sid := range l.byTerm[k] {
			hits[sid] += p.Terms[k] / 2
		}
	}
	ids := make([]int, 0, len(hits))
	for sid := range hits {
		if len(l.storylines[sid].Events) > 0 {
			ids = append(ids, sid)
		}
	}
	slices.SortFunc(ids, func(a, b int) int {
		if c := cmp.Compare(hits[b], hits[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	if len(ids) > l.cfg.MaxCandidates {
		ids = ids[:l.cfg.MaxCandidates]
	}
	return ids
}

func (l *Linker) similarity(p Profile, s *Storyline) float64 {
	return l.cfg.EntityWeight*cosine(p.entityKeys, p.Entities, s.entities, math.Sqrt(s.entityNorm2)) + l.cfg.TermWeight*cosine(p.termKeys, p.Terms, s.terms, math.Sqrt(s.termNorm2))
}

// addScaled adds f times src to dst and returns the change in dst's squared
// norm. Keys are visited in order, so the float sums are reproducible.
func addScaled[K cmp.Ordered](dst, src map[K]float64, f float64) float64 {
	var delta float64
	for _, k := range slices.Sorted(maps.Keys(src)) {
		old := dst[k]
		v := old + f*src[k]
		// Below zero only when pruning forgot a name that an event now
		// takes back: the storyline no longer holds it.
		if v < 1e-9 {
			v = 0
			delete(dst, k)
		} else {
			dst[k] = v
		}
		delta += v*v - old*old
	}
	return delta
}

// add adds f times a profile to the storyline, keeping its norms current.
func (s *Storyline) add(p Profile, f float64) {
	s.entityNorm2 = max(0, s.entityNorm2+addScaled(s.entities, p.Entities, f)-prune(s.entities, storylineKeys))
	s.termNorm2 = max(0, s.termNorm2+addScaled(s.terms, p.Terms, f)-prune(s.terms, storylineKeys))
}

// storylineKeys bounds the names and the terms a storyline remembers: a
// storyline that runs for years is about its heaviest ones, and its memory
// must not grow with every event it gathers.
const storylineKeys = 64

// prune keeps the limit heaviest entries of m once it holds twice as many,
// so that pruning is amortised, and returns the squared norm removed.
func prune[K cmp.Ordered](m map[K]float64, limit int) float64 {
	if len(m) <= 2*limit {
		return 0
	}
	keys := slices.Sorted(maps.Keys(m))
	slices.SortStableFunc(keys, func(a, b K) int { return cmp.Compare(m[b], m[a]) })
	var removed float64
	for _, k := range keys[limit:] {
		removed += m[k] * m[k]
		delete(m, k)
	}
	return removed
}

// cosine compares a profile with a storyline's map of known norm, summing
// in key order: Go's map order is random, and float sums in a different
// order differ in their last bits, which could flip a decision.
func cosine[K cmp.Ordered](keys []K, a, b map[K]float64, bNorm float64) float64 {
	if len(a) == 0 || bNorm == 0 {
		return 0
	}
	var dot, na float64
	for _, k := range keys {
		w := a[k]
		na += w * w
		dot += w * b[k]
	}
	if na == 0 {
		return 0
	}
	return dot / math.Sqrt(na) / bNorm
}
