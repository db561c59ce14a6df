package cluster

import (
	"cmp"
	"slices"

	"storyline/internal/entity"
)

// A kind is the type of a named entity, as an index: the model weighs
// people, places and organisations apart, since two events of one kind
// often share their place and organisation and differ in who took part.
type kind uint8

const (
	person kind = iota
	place
	org
	other
	numKinds
)

func kindOf(t entity.Type) kind {
	switch t {
	case entity.Person:
		return person
	case entity.Place:
		return place
	case entity.Org:
		return org
	}
	return other
}

// dotKinds returns the dot product of a document's names with an event's,
// in all and by kind (see dot).
func dotKinds(q []qterm, c centroid, kinds []kind) (all float64, by [numKinds]float64) {
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
			x := q[i].q * float64(c[j].w)
			all += x
			by[kinds[c[j].slot]] += x
			j++
		}
	}
	return all, by
}

// A yearCount is how many of an event's members mention a year.
type yearCount struct {
	year int16
	n    int32
}

// countYears adds a document's years to an event's counts, kept sorted.
func countYears(counts []yearCount, years []int) []yearCount {
	for _, y := range years {
		i, found := slices.BinarySearchFunc(counts, int16(y), func(c yearCount, y int16) int { return cmp.Compare(c.year, y) })
		if found {
			counts[i].n++
		} else {
			counts = slices.Insert(counts, i, yearCount{int16(y), 1})
		}
	}
	return counts
}

// sharedYears is the share of a document's years that an event's members
// mention too.
func sharedYears(years []int, counts []yearCount) float64 {
	shared := 0
	for _, y := range years {
		if _, found := slices.BinarySearchFunc(counts, int16(y), func(c yearCount, y int16) int { return cmp.Compare(c.year, y) }); found {
			shared++
		}
	}
	return float64(shared) / float64(len(years))
}

// maxEventNumbers bounds the figures an event keeps: its first members'
// figures are what later reports repeat.
const maxEventNumbers = 64

// addNumbers adds a document's hashed figures to an event's sorted set.
func addNumbers(set, numbers []uint64) []uint64 {
	for _, n := range numbers {
		if len(set) >= maxEventNumbers {
			break
		}
		if i, found := slices.BinarySearch(set, n); !found {
			set = slices.Insert(set, i, n)
		}
	}
	return set
}

// sharedNumbers is the share of a document's figures an event writes too.
func sharedNumbers(numbers, set []uint64) float64 {
	shared := 0
	for _, n := range numbers {
		if _, found := slices.BinarySearch(set, n); found {
			shared++
		}
	}
	return float64(shared) / float64(len(numbers))
}
