package pipeline

import (
	"reflect"
	"slices"
	"testing"

	"storyline/internal/report"
)

// TestLeanEntities checks that a retired event's names, kept as numbers,
// come back as they were, and that a name shared by events is kept once.
func TestLeanEntities(t *testing.T) {
	assad := report.Entity{Key: "person:asad", Name: "Bashar al-Assad", Type: "person", Aliases: []string{"Assad"}, Mentions: 7}
	syria := report.Entity{Key: "place:siria", Name: "Syria", Type: "place", Aliases: []string{}, Mentions: 3}
	events := [][]report.Entity{
		{assad, syria},
		{syria, {Key: "person:asad", Name: "Assad", Type: "person", Aliases: []string{}, Mentions: 2}},
		{{Key: "place:siria", Name: "Syria", Type: "place", Aliases: []string{}, Mentions: 11}},
		{},
	}
	p := New(DefaultConfig())
	for _, want := range events {
		c := card{lean: p.names.compact(want)}
		got := slices.Collect(p.cardEntities(&c))
		if len(want) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("kept %+v, got back %+v", want, got)
		}
	}
	if n := len(p.names.names); n != 3 {
		t.Errorf("the table holds %d names, want 3 (Syria once)", n)
	}
}
