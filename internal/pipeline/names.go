package pipeline

import (
	"hash/maphash"
	"iter"
	"slices"

	"storyline/internal/report"
)

// A leanEntity is one of a retired event's main names: its number in a
// nameTable and its mentions in the event.
type leanEntity struct{ name, mentions int32 }

// A nameTable keeps one copy of each distinct name (an entity without its
// mentions) of retired events. A storyline's report merges the main names
// of all its events, retired ones included, and the same actors and places
// come back event after event: as full entities they were, at a million
// articles, the largest part of what retired events keep.
type nameTable struct {
	// index numbers names by a hash of their fields, a collision moving on
	// to the next value: keys without pointers are a map the garbage
	// collector need not scan, where a string key per name was.
	index map[uint64]int32
	names []report.Entity // Mentions unset
	seed  maphash.Seed
}

// compact numbers entities in the table.
func (t *nameTable) compact(entities []report.Entity) []leanEntity {
	if t.index == nil {
		t.index = map[uint64]int32{}
		t.seed = maphash.MakeSeed()
	}
	out := make([]leanEntity, len(entities))
	for i, e := range entities {
		name := e
		name.Mentions = 0
		out[i] = leanEntity{name: t.number(name), mentions: int32(e.Mentions)}
	}
	return out
}

// number returns the number of name, adding it if new.
func (t *nameTable) number(name report.Entity) int32 {
	var h maphash.Hash
	h.SetSeed(t.seed)
	for _, f := range [][]string{{name.Key, name.Name, name.Type}, name.Aliases} {
		for _, s := range f {
			h.WriteString(s)
			h.WriteByte(0)
		}
	}
	for k := h.Sum64(); ; k++ {
		n, ok := t.index[k]
		if !ok {
			n = int32(len(t.names))
			t.index[k] = n
			t.names = append(t.names, name)
			return n
		}
		if sameName(t.names[n], name) {
			return n
		}
	}
}

// sameName reports whether two names without mentions are equal.
func sameName(a, b report.Entity) bool {
	return a.Key == b.Key && a.Name == b.Name && a.Type == b.Type && slices.Equal(a.Aliases, b.Aliases)
}

// cardEntities yields the entities of an event's card, whether it keeps
// them whole or, retired in a Lean pipeline, as numbers.
func (p *Pipeline) cardEntities(c *card) iter.Seq[report.Entity] {
	return func(yield func(report.Entity) bool) {
		for _, e := range c.entities {
			if !yield(e) {
				return
			}
		}
		for _, l := range c.lean {
			e := p.names.names[l.name]
			e.Mentions = int(l.mentions)
			if !yield(e) {
				return
			}
		}
	}
}
