package pipeline

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"storyline/internal/analyze"
	"storyline/internal/article"
	"storyline/internal/report"
	"storyline/internal/storyline"
)

func TestTopEntries(t *testing.T) {
	tl := []report.TimelineEntry{
		{Date: "2020-01-01", Event: "e1", Salience: 1},
		{Date: "2020-01-05", Event: "e2", Salience: 3},
		{Date: "2020-01-05", Event: "e3", Salience: 2.5},
		{Date: "2020-02-01", Event: "e4", Salience: 2},
	}
	tests := []struct {
		n    int
		want []string
	}{
		{0, []string{"e1", "e2", "e3", "e4"}},
		{1, []string{"e2"}},
		{2, []string{"e2", "e4"}}, // one a day: e3 shares e2's day
		{3, []string{"e1", "e2", "e4"}},
		{9, []string{"e1", "e2", "e3", "e4"}},
	}
	for _, tt := range tests {
		var got []string
		for _, e := range TopEntries(tl, tt.n) {
			got = append(got, e.Event)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("TopEntries(%d) = %v, want %v", tt.n, got, tt.want)
		}
	}
}

// TestTimelineSalience builds a storyline of three dated events: a summit
// reported by three outlets and recalled later, a minor meeting, and a
// follow-up that mentions the summit's date. Cut to one date, the timeline
// keeps the summit.
func TestTimelineSalience(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2019, 6, d, 0, 0, 0, 0, time.UTC) }
	summit := "Leaders of Ruritania and Freedonia met in Strelsau on Tuesday and signed a border treaty ending a decade-long dispute over the Vales.\nPresident Anna Kovac and Prime Minister Rufus Firefly shook hands at the Old Palace."
	arts := []article.Article{
		{ID: "s1", Title: "Ruritania and Freedonia sign border treaty", Text: summit, Date: day(5), Source: "Wire A"},
		{ID: "s2", Title: "Kovac and Firefly end Vales dispute", Text: "President Anna Kovac of Ruritania and Prime Minister Rufus Firefly of Freedonia signed a border treaty in Strelsau on Tuesday.\nThe deal ends a decade of disputes over the Vales.", Date: day(5), Source: "Wire B"},
		{ID: "s3", Title: "Border treaty signed in Strelsau", Text: "Ruritania and Freedonia signed a treaty on Tuesday settling the Vales border, Kovac and Firefly announced in Strelsau.\nCrowds cheered outside the Old Palace.", Date: day(5), Source: "Wire C"},
		{ID: "m1", Title: "Freedonian trade delegation visits Ruritania", Text: "A Freedonian trade delegation led by minister Chicolini met Ruritanian officials in Zenda on Monday to discuss cheese tariffs.\nNo agreement was reached.", Date: day(17), Source: "Wire A"},
		{ID: "f1", Title: "Vales treaty ratified by Ruritanian parliament", Text: "Ruritania's parliament ratified on Friday the border treaty that Kovac and Firefly signed on June 4 in Strelsau.\nFreedonia's assembly votes next week.", Date: day(28), Source: "Wire B"},
	}
	p := New(DefaultConfig())
	for _, d := range AnalyzeAll(arts) {
		p.Add(d)
	}
	var ids []int
	for id := range p.events {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	all := p.rankTimeline(ids, 0)
	if len(all) < 3 {
		t.Fatalf("timeline %+v: want the three dated events", all)
	}
	top := p.rankTimeline(ids, 1)
	if len(top) != 1 || top[0].date.Format(time.DateOnly) != "2019-06-04" {
		t.Errorf("the one key date is %+v, want the summit of 2019-06-04 (all: %+v)", top, all)
	}
}

// TestTitleIndex holds the prefix-filtered index of picked titles to the
// plain comparison with every title picked, on random titles from a small
// vocabulary, where many share most of their words.
func TestTitleIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var x titleIndex
	var picked [][]uint64
	found := 0
	for range 5000 {
		var words []uint64
		for range rng.IntN(9) {
			words = append(words, uint64(rng.IntN(14))*0x9e3779b97f4a7c15)
		}
		words = slices.Compact(slices.Sorted(slices.Values(words)))
		want := slices.ContainsFunc(picked, func(p []uint64) bool { return repeats(words, p) })
		if got := x.repeated(words); got != want {
			t.Fatalf("repeated(%x) = %v, want %v", words, got, want)
		}
		if want {
			found++
			continue
		}
		x.add(words)
		picked = append(picked, words)
	}
	if found == 0 || len(picked) < 10 {
		t.Errorf("%d repeats among %d picked titles: the test does not exercise the index", found, len(picked))
	}
}

func TestMostSpread(t *testing.T) {
	counts := map[string]int{"a": 1, "b": 5, "c": 5, "d": 2, "e": 9, "f": 2}
	tests := []struct {
		n    int
		want []string
	}{
		{0, nil},
		{1, []string{"e"}},
		{3, []string{"e", "b", "c"}},
		{5, []string{"e", "b", "c", "d", "f"}},
		{9, []string{"e", "b", "c", "d", "f", "a"}},
	}
	for _, tt := range tests {
		if got := mostSpread(counts, tt.n); !slices.Equal(got, tt.want) {
			t.Errorf("mostSpread(%d) = %v, want %v", tt.n, got, tt.want)
		}
	}
}

// talks returns n articles on n rounds of talks between the same two
// leaders, 40 days apart, each on its own clauses: n events of one
// storyline.
func talks(n int) []article.Article {
	var arts []article.Article
	topics := []string{"grain", "border", "pipeline", "fisheries", "railway", "visas", "tariffs", "drones", "museums", "vaccines"}
	for i := range n {
		day := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 40*i)
		topic := topics[i%len(topics)] + " " + topics[(i/len(topics))%len(topics)]
		arts = append(arts, article.Article{
			ID: "a" + strconv.Itoa(i), Source: "Wire", Date: day,
			Title: "Kovac and Firefly settle clause q" + strconv.Itoa(i) + "x of annex v" + strconv.Itoa(i) + "k",
			Text: "President Anna Kovac of Ruritania met Prime Minister Rufus Firefly of Freedonia in Strelsau for talks on " + topic +
				".\nKovac and Firefly spoke to reporters at the Old Palace after round " + strconv.Itoa(i) + " of the talks.\n" +
				strings.Repeat("Delegates argued over clause q"+strconv.Itoa(i)+"x, annex v"+strconv.Itoa(i)+"k and protocol z"+strconv.Itoa(i)+"m. ", 3),
		})
	}
	return arts
}

// TestLongStorylineKeepsKeyDates follows one pair of leaders through 150
// rounds of talks: the storyline's report keeps its 100 most salient dates,
// in date order.
func TestLongStorylineKeepsKeyDates(t *testing.T) {
	p := New(DefaultConfig())
	for _, d := range AnalyzeAll(talks(150)) {
		p.Add(d)
	}
	var longest report.Storyline
	for _, s := range p.Result(Options{}).Storylines {
		if len(s.Events) > len(longest.Events) {
			longest = s
		}
	}
	if len(longest.Events) <= maxTimeline {
		t.Fatalf("the longest storyline has %d events of %d in %d storylines: the test needs more than %d", len(longest.Events), len(p.events), len(p.Result(Options{}).Storylines), maxTimeline)
	}
	if n := len(longest.Timeline); n != maxTimeline {
		t.Errorf("timeline of %d events has %d dates, want %d", len(longest.Events), n, maxTimeline)
	}
	if !slices.IsSortedFunc(longest.Timeline, func(a, b report.TimelineEntry) int { return strings.Compare(a.Date, b.Date) }) {
		t.Error("timeline not in date order")
	}
	if len(longest.Entities) > maxStorylineEntities {
		t.Errorf("%d names, want at most %d", len(longest.Entities), maxStorylineEntities)
	}
}

// TestTouchedStorylines follows a long storyline through Changes: its
// head is drawn anew once it has grown by 1/headGrowth since the last one,
// and in between it is only touched; SettleStorylines draws it anew.
func TestTouchedStorylines(t *testing.T) {
	p := New(DefaultConfig())
	docs := AnalyzeAll(talks(150))
	// story returns the storyline of the talks (their first article's).
	story := func() *storyline.Storyline {
		i, _ := p.ids.find("a0")
		sid, _ := p.linker.Of(int(p.records[i].event))
		return p.linker.Storyline(sid)
	}
	// changes adds docs and returns the talks' head, if Changes drew it.
	changes := func(docs []analyze.Document) (head report.Storyline, drawn bool) {
		t.Helper()
		for _, d := range docs {
			p.Add(d)
		}
		ch := p.Changes()
		id := StorylineID(story().ID)
		for _, h := range ch.Storylines {
			if h.ID == id {
				return h, true
			}
		}
		if !slices.Contains(ch.Touched, id) {
			t.Fatalf("the talks' storyline is neither drawn nor touched in %+v", ch)
		}
		return report.Storyline{}, false
	}
	same := func(what string, got, want report.Storyline) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
		}
	}

	n := 96
	first, drawn := changes(docs[:n])
	size := len(story().Events)
	if !drawn || size < 2*headGrowth {
		t.Fatalf("the talks made a storyline of %d events (drawn: %v): the test needs %d", size, drawn, 2*headGrowth)
	}
	for ; len(story().Events) < size+size/headGrowth-1; n++ {
		if _, drawn := changes(docs[n : n+1]); drawn {
			t.Fatalf("head drawn anew at %d events, %d after the last", len(story().Events), len(story().Events)-size)
		}
	}
	if reflect.DeepEqual(first, p.storylineHead(story())) {
		t.Fatal("the head first drawn is current: the test shows nothing")
	}
	settled := p.SettleStorylines()
	if len(settled) != 1 || settled[0].ID != first.ID {
		t.Fatalf("settled %d heads, want the talks' only", len(settled))
	}
	same("settled head", settled[0], p.storylineHead(story()))
	if again := p.SettleStorylines(); len(again) != 0 {
		t.Errorf("settled %d heads again, want none", len(again))
	}
	size = len(story().Events)
	var h report.Storyline
	for drawn = false; !drawn; n++ {
		h, drawn = changes(docs[n : n+1])
	}
	if got := len(story().Events); got != size+size/headGrowth {
		t.Errorf("head drawn anew at %d events, want %d", got, size+size/headGrowth)
	}
	same("head drawn anew", h, p.storylineHead(story()))

	// A pipeline rebuilt from a store doubts every long storyline's head.
	p.DoubtHeads()
	if doubted := p.SettleStorylines(); len(doubted) != 1 || doubted[0].ID != first.ID {
		t.Errorf("settled %d heads after DoubtHeads, want the talks' only", len(doubted))
	}
}
