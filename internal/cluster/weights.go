package cluster

import (
	"cmp"
	"iter"
	"slices"
)

// weights is a sparse vector that remembers the order its keys arrived in.
// Sums over it then come out bit for bit the same on every run, which Go's
// randomised map order would not give, and same input in the same order
// must give the same events.
type weights[K cmp.Ordered] struct {
	w    map[K]float32
	keys []K
}

func newWeights[K cmp.Ordered](capacity int) weights[K] {
	return weights[K]{w: make(map[K]float32, capacity), keys: make([]K, 0, capacity)}
}

func (v *weights[K]) add(k K, x float32) {
	if _, ok := v.w[k]; !ok {
		v.keys = append(v.keys, k)
	}
	v.w[k] += x
}

func (v *weights[K]) get(k K) (float32, bool) {
	x, ok := v.w[k]
	return x, ok
}

func (v *weights[K]) len() int { return len(v.keys) }

// all yields the entries in arrival order.
func (v *weights[K]) all() iter.Seq2[K, float32] {
	return func(yield func(K, float32) bool) {
		for _, k := range v.keys {
			if !yield(k, v.w[k]) {
				return
			}
		}
	}
}

// prune keeps the heaviest limit entries once there are twice as many, so
// that pruning is amortised.
func (v *weights[K]) prune(limit int) {
	if limit <= 0 || len(v.keys) <= 2*limit {
		return
	}
	byWeight := slices.Clone(v.keys)
	slices.SortFunc(byWeight, func(a, b K) int {
		if c := cmp.Compare(v.w[b], v.w[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for _, k := range byWeight[limit:] {
		delete(v.w, k)
	}
	v.keys = slices.DeleteFunc(v.keys, func(k K) bool {
		_, ok := v.w[k]
		return !ok
	})
}
