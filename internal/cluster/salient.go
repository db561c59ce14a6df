package cluster

// Salient returns an event's heaviest terms (centroid weight times current
// IDF) and entities, at most nTerms and nEntities of them: what the event is
// about, for linking it into a storyline. A cold event has none.
func (p *Placer) Salient(event, nTerms, nEntities int) (map[uint64]float64, map[string]float64) {
	l := p.events[event].live
	if l == nil {
		return map[uint64]float64{}, map[string]float64{}
	}
	// Ties go to the smaller term id and the smaller entity key, so that
	// the choice is the same on every run.
	r := p.ranked[:0]
	for _, t := range l.body {
		r = append(r, ranked{t.key, float64(t.w * p.idf(t.slot))})
	}
	top := best(r, nTerms, func(a, b ranked) bool {
		return a.w > b.w || a.w == b.w && a.key < b.key
	})
	terms := make(map[uint64]float64, len(top))
	for _, r := range top {
		terms[r.key] = r.w
	}
	r = r[:0]
	for i, t := range l.entities {
		r = append(r, ranked{uint64(i), float64(t.w)})
	}
	top = best(r, nEntities, func(a, b ranked) bool {
		return a.w > b.w || a.w == b.w && l.names[a.key] < l.names[b.key]
	})
	names := make(map[string]float64, len(top))
	for _, r := range top {
		names[l.names[r.key]] = r.w
	}
	p.ranked = r
	return terms, names
}

// A ranked entry is a term id, or an index into an event's names, and its
// weight.
type ranked struct {
	key uint64
	w   float64
}
