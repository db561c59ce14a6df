package store

import (
	"fmt"
	"slices"
	"testing"

	"storyline/internal/report"
)

// testRewrite commits one event again and again with changing entities:
// each time its event_entities rows, and the spellings that find it, must
// be those that committing only that version, to a new event, gives.
func testRewrite(t *testing.T, s Store) {
	germany := entity("Germany", "place", 3, "DE", "Deutschland")
	merkel := entity("Angela Merkel", "person", 2, "Merkel")
	berlin := entity("Berlin", "place", 1)
	noKey := entity("Bonn", "place", 1, "Bundesstadt")
	noKey.Key = "" // stored as place:bonn
	with := func(en report.Entity, f func(*report.Entity)) report.Entity {
		en.Aliases = append([]string{}, en.Aliases...)
		f(&en)
		return en
	}
	// Another event sharing entities must keep its rows throughout.
	commit(t, s, Batch{Events: []report.Event{event("other", "s1", "Other", nil, germany, merkel)}})
	other := storedEntities(t, s, "other")

	steps := []struct {
		name     string
		entities []report.Entity
	}{
		{"first", []report.Entity{germany, merkel, berlin, noKey}},
		{"same", []report.Entity{germany, merkel, berlin, noKey}},
		{"mentions", []report.Entity{
			with(germany, func(en *report.Entity) { en.Mentions = 5 }), merkel,
			with(berlin, func(en *report.Entity) { en.Mentions = 2 }), noKey,
		}},
		{"reordered", []report.Entity{merkel, germany, noKey, berlin}},
		{"alias added", []report.Entity{merkel, with(germany, func(en *report.Entity) { en.Aliases = append(en.Aliases, "BRD") }), noKey, berlin}},
		{"alias removed", []report.Entity{merkel, with(germany, func(en *report.Entity) { en.Aliases = en.Aliases[1:] }), noKey, berlin}},
		{"name changed", []report.Entity{merkel, germany, with(noKey, func(en *report.Entity) { en.Name = "BONN" }), berlin}},
		{"type changed, so the derived key", []report.Entity{merkel, germany, with(noKey, func(en *report.Entity) { en.Type = "org" }), berlin}},
		{"entity dropped", []report.Entity{merkel, noKey, berlin}},
		{"longer", []report.Entity{merkel, noKey, berlin, germany, entity("Paris", "place", 1, "Lutetia"),
			report.Entity{Name: "EU", Type: "org", Mentions: 4}, // no key, nil aliases
		}},
		// Germany's alias "berlin" is also Berlin's name: dropping Germany
		// must keep that spelling of the event.
		{"shared spelling", []report.Entity{merkel, berlin, with(germany, func(en *report.Entity) { en.Aliases = []string{"berlin"} })}},
		{"shared spelling dropped once", []report.Entity{merkel, berlin}},
		{"shorter", []report.Entity{berlin}},
		{"empty", nil},
		{"again after empty", []report.Entity{germany, berlin}},
	}
	for i, step := range steps {
		commit(t, s, Batch{Events: []report.Event{event("e1", "s1", "Event", nil, step.entities...)}})
		fresh := fmt.Sprint("fresh", i)
		commit(t, s, Batch{Events: []report.Event{event(fresh, "s1", "Event", nil, step.entities...)}})
		eq(t, step.name+": rows of the rewritten event", storedEntities(t, s, "e1"), storedEntities(t, s, fresh))
		// Its spellings may grow: a spelling, once stored, finds every
		// event of the entity.
		eq(t, step.name+": rows of another event", storedEntities(t, s, "other").Entities, other.Entities)
		// Every spelling of the event's entities finds it; entity_spellings
		// being shared by key, the rows compared above cannot show that.
		for _, en := range step.entities {
			for _, n := range spellings(en.Name, en.Aliases) {
				evs, err := s.Events(t.Context(), EventQuery{Entity: n})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(eventIDs(evs), "e1") {
					t.Errorf("%s: Events(entity %q) = %v, want e1 among them", step.name, n, eventIDs(evs))
				}
			}
		}
	}
}

// An eventRows holds an event's rows in event_entities and the spellings
// that find it.
type eventRows struct {
	Entities []string // every column but event_id, by pos
	Names    []string // sorted
}

// storedEntities reads an event's entity rows directly.
func storedEntities(t *testing.T, s Store, event string) eventRows {
	t.Helper()
	d := s.(*db)
	var out eventRows
	rows, err := d.QueryContext(t.Context(), d.rebind(`SELECT pos, key, name, type, mentions, aliases, search
		FROM event_entities WHERE event_id = ? ORDER BY pos`), event)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			pos, mentions                      int
			key, name, typ, aliases, searchCol string
		)
		if err := rows.Scan(&pos, &key, &name, &typ, &mentions, &aliases, &searchCol); err != nil {
			t.Fatal(err)
		}
		out.Entities = append(out.Entities, fmt.Sprintf("%d %q %q %q %d %s %q", pos, key, name, typ, mentions, aliases, searchCol))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	names, err := d.QueryContext(t.Context(), d.rebind(`SELECT DISTINCT n.name FROM entity_spellings n
		JOIN event_entities ee ON ee.key = n.key WHERE ee.event_id = ? ORDER BY n.name`), event)
	if err != nil {
		t.Fatal(err)
	}
	defer names.Close()
	for names.Next() {
		var n string
		if err := names.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out.Names = append(out.Names, n)
	}
	if err := names.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
