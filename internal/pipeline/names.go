package pipeline

import (
	"iter"
	"strings"

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
	index map[string]int32
	names []report.Entity // Mentions unset
}

// compact numbers entities in the table.
func (t *nameTable) compact(entities []report.Entity) []leanEntity {
	if t.index == nil {
		t.index = map[string]int32{}
	}
	out := make([]leanEntity, len(entities))
	for i, e := range entities {
		key := e.Key + "\x00" + e.Name + "\x00" + e.Type + "\x00" + strings.Join(e.Aliases, "\x00")
		n, ok := t.index[key]
		if !ok {
			n = int32(len(t.names))
			t.index[key] = n
			name := e
			name.Mentions = 0
			t.names = append(t.names, name)
		}
		out[i] = leanEntity{name: n, mentions: int32(e.Mentions)}
	}
	return out
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
