package cluster

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomDoc returns distinct keys drawn from [0, vocab), sorted, with small
// weights that often tie.
func randomDoc(r *rand.Rand, n, vocab int) []qterm {
	seen := map[uint64]bool{}
	var q []qterm
	for len(q) < n {
		k := uint64(r.IntN(vocab))
		if seen[k] {
			continue
		}
		seen[k] = true
		q = append(q, qterm{key: k, slot: uint32(k), tf: float32(r.IntN(4)+1) / 4, q: float64(r.IntN(8))})
	}
	slices.SortFunc(q, func(a, b qterm) int { return cmp.Compare(a.key, b.key) })
	return q
}

func TestCentroidAdd(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var c centroid
	var names []string
	want := map[uint64]float32{} // summed in arrival order, as the merge must
	for range 200 {
		q := randomDoc(r, r.IntN(30), 100)
		qnames := make([]string, len(q))
		for i, x := range q {
			qnames[i] = fmt.Sprint("name-", x.key)
			want[x.key] += x.tf
		}
		c = c.add(q, &names, qnames)
		if len(c) != len(want) || len(names) != len(c) {
			t.Fatalf("%d entries and %d names, want %d", len(c), len(names), len(want))
		}
		for i, e := range c {
			if i > 0 && c[i-1].key >= e.key {
				t.Fatalf("keys out of order at %d: %d then %d", i, c[i-1].key, e.key)
			}
			if e.w != want[e.key] || uint64(e.slot) != e.key || names[i] != fmt.Sprint("name-", e.key) {
				t.Fatalf("entry %+v named %q, want weight %v", e, names[i], want[e.key])
			}
		}
	}
}

func TestCentroidPrune(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var scratch []entry
	for _, limit := range []int{1, 5, 64} {
		for range 50 {
			var c centroid
			for _, x := range randomDoc(r, r.IntN(4*limit)+1, 8*limit) {
				c = append(c, entry{key: x.key, w: x.tf})
			}
			bySort := slices.Clone(c)
			slices.SortFunc(bySort, func(a, b entry) int {
				if heavier(a, b) {
					return -1
				}
				return 1
			})
			var got centroid
			got, scratch = slices.Clone(c).prune(limit, scratch)
			if len(c) <= 2*limit {
				if !slices.Equal(got, c) {
					t.Fatalf("pruned %d entries, limit %d", len(c), limit)
				}
				continue
			}
			want := bySort[:limit]
			slices.SortFunc(want, func(a, b entry) int { return cmp.Compare(a.key, b.key) })
			if !slices.Equal(got, want) {
				t.Fatalf("kept %v\nwant %v", got, want)
			}
		}
	}
}

func TestBest(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	type item struct{ w, id int }
	less := func(a, b item) bool { return a.w > b.w || a.w == b.w && a.id < b.id }
	for range 500 {
		s := make([]item, r.IntN(60))
		for i := range s {
			s[i] = item{r.IntN(5), i}
		}
		r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		n := r.IntN(len(s)+2) - 1
		sorted := slices.Clone(s)
		slices.SortFunc(sorted, func(a, b item) int { return cmp.Or(cmp.Compare(b.w, a.w), cmp.Compare(a.id, b.id)) })
		got := best(slices.Clone(s), n, less)
		slices.SortFunc(got, func(a, b item) int { return cmp.Or(cmp.Compare(b.w, a.w), cmp.Compare(a.id, b.id)) })
		if want := sorted[:max(0, min(n, len(s)))]; !slices.Equal(got, want) {
			t.Fatalf("best %d of %v:\n got %v\nwant %v", n, s, got, want)
		}
	}
}

func TestDot(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 500 {
		q := randomDoc(r, r.IntN(40), 60)
		var c centroid
		for _, x := range randomDoc(r, r.IntN(40), 60) {
			c = append(c, entry{key: x.key, w: x.tf})
		}
		var want float64 // in key order, the order of the sum
		for _, x := range q {
			if i, ok := slices.BinarySearchFunc(c, x.key, func(e entry, k uint64) int { return cmp.Compare(e.key, k) }); ok {
				want += x.q * float64(c[i].w)
			}
		}
		if got := dot(q, c); got != want {
			t.Fatalf("dot %v, want %v", got, want)
		}
	}
}

// TestPostingsWindow checks that a list from which expired events are taken
// keeps the live events a list keeping every appended event, capped, would.
func TestPostingsWindow(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, limit := range []int{0, 1, 3, 16} {
		var l postings
		var all []int32 // every event appended, capped as before expiry removed any
		cold := map[int32]bool{}
		for step := range 2000 {
			if r.IntN(3) > 0 {
				id := int32(step)
				l.add(id, limit)
				all = append(all, id)
				if len(all) > limit {
					all = all[len(all)-limit:]
				}
			} else if len(all) > 0 {
				id := all[r.IntN(len(all))]
				cold[id] = true
				was := slices.ContainsFunc(l.events, func(p posting) bool { return p.event == id })
				if l.remove(id) != was {
					t.Fatalf("remove(%d) does not report whether it was listed (%v)", id, was)
				}
			}
			var want, got []int32
			for _, id := range all {
				if !cold[id] {
					want = append(want, id)
				}
			}
			for _, p := range l.events {
				got = append(got, p.event)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("limit %d, step %d: list %v, want %v", limit, step, got, want)
			}
		}
	}
}
