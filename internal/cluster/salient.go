package cluster

import (
	"cmp"
	"slices"
)

// Salient returns an event's heaviest terms (centroid weight times current
// IDF) and entities, at most nTerms and nEntities of them: what the event is
// about, for linking it into a storyline.
func (p *Placer) Salient(event, nTerms, nEntities int) (map[uint64]float64, map[string]float64) {
	e := p.events[event]
	terms := top(e.body, nTerms, func(id uint64, w float32) float64 { return float64(w * p.idf(id)) }, cmp.Compare[uint64])
	names := top(e.entities, nEntities, func(_ string, w float32) float64 { return float64(w) }, cmp.Compare[string])
	return terms, names
}

func top[K cmp.Ordered](m weights[K], n int, weight func(K, float32) float64, tie func(a, b K) int) map[K]float64 {
	type kw struct {
		k K
		w float64
	}
	all := make([]kw, 0, m.len())
	for k, w := range m.all() {
		all = append(all, kw{k, weight(k, w)})
	}
	slices.SortFunc(all, func(a, b kw) int {
		if c := cmp.Compare(b.w, a.w); c != 0 {
			return c
		}
		return tie(a.k, b.k)
	})
	out := make(map[K]float64, min(n, len(all)))
	for _, x := range all[:min(n, len(all))] {
		out[x.k] = x.w
	}
	return out
}
