package storyline

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"storyline/internal/analyze"
	"storyline/internal/article"
	"storyline/internal/cluster"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// A report is an article written for these tests. Its story labels the
// storyline it belongs to.
type report struct {
	id, story, title, text string
	date                   time.Time
}

var (
	hanoi1 = report{"hanoi-ap", "korea", "Trump and Kim cut short Hanoi summit without a deal",
		"President Donald Trump and North Korean leader Kim Jong Un cut short their summit in Hanoi on Thursday without reaching a nuclear deal.\n" +
			"Trump said Kim wanted all sanctions lifted in exchange for closing the Yongbyon nuclear complex.\n" +
			"The two leaders skipped a planned lunch and a signing ceremony.",
		day(2019, 2, 28)}
	hanoi2 = report{"hanoi-reuters", "korea", "Trump walks away from Kim talks in Hanoi",
		"U.S. President Donald Trump walked away from his second summit with North Korea's Kim Jong Un in Hanoi on Thursday after the talks collapsed over sanctions.\n" +
			"Trump told reporters that Kim had offered to dismantle the Yongbyon nuclear site but demanded that sanctions be lifted entirely.",
		day(2019, 2, 28)}
	dmz = report{"dmz-ap", "korea", "Trump meets Kim at the DMZ and steps into North Korea",
		"President Donald Trump met North Korean leader Kim Jong Un at the Demilitarized Zone on Sunday and stepped briefly into North Korea, the first sitting U.S. president to do so.\n" +
			"Trump and Kim agreed to restart nuclear talks that stalled after their Hanoi summit, and discussed sanctions.",
		day(2019, 6, 30)}
	fire = report{"fire-ap", "fire", "Wildfire forces thousands to flee in California",
		"A fast-moving wildfire in Northern California forced thousands of residents to evacuate on Thursday as strong winds pushed flames toward the town of Paradise.\n" +
			"Firefighters struggled to contain the blaze, which has burned more than 20,000 acres of forest and destroyed dozens of homes.",
		day(2019, 7, 4)}
	rates = report{"rates-ft", "fed", "Fed holds interest rates steady",
		"The Federal Reserve left its benchmark interest rate unchanged on Wednesday and signaled patience on future moves as inflation stayed below target.\n" +
			"Chair Jerome Powell told reporters the economy was in a good place.",
		day(2019, 7, 31)}
)

// run places the reports into events and links the events, as the
// pipeline does. It returns the linker and each report's event.
func run(t *testing.T, reports []report) (*Linker, map[string]int) {
	t.Helper()
	p := cluster.NewPlacer(cluster.DefaultConfig())
	l := NewLinker(DefaultConfig())
	events := map[string]int{}
	for _, r := range reports {
		d := analyze.Analyze(article.Article{ID: r.id, Source: r.id, Title: r.title, Text: r.text, Date: r.date})
		pl := p.Place(&d)
		events[r.id] = pl.Event
		terms, names := p.Salient(pl.Event, 30, 12)
		before, had := l.Of(pl.Event)
		link := l.Update(Profile{Event: pl.Event, Entities: names, Terms: terms})
		if link.New && link.Score != 0 {
			t.Errorf("%s: new storyline with score %g", r.id, link.Score)
		}
		if moved := !had || before != link.Storyline; moved && !link.New && link.Score < DefaultConfig().Threshold {
			t.Errorf("%s: joined storyline %d with score %g below the threshold", r.id, link.Storyline, link.Score)
		}
		if after, _ := l.Of(pl.Event); after != link.Storyline {
			t.Errorf("%s: Update linked storyline %d, Of says %d", r.id, link.Storyline, after)
		}
	}
	return l, events
}

// checkPartition checks that every event is in exactly one storyline and
// that Of agrees with Storylines.
func checkPartition(t *testing.T, l *Linker, events []int) {
	t.Helper()
	in := map[int]int{}
	ids := map[int]bool{}
	for _, s := range l.Storylines() {
		if len(s.Events) == 0 {
			t.Errorf("storyline %d is empty", s.ID)
		}
		if ids[s.ID] {
			t.Errorf("storyline id %d listed twice", s.ID)
		}
		ids[s.ID] = true
		for _, e := range s.Events {
			if prev, ok := in[e]; ok {
				t.Errorf("event %d is in storylines %d and %d", e, prev, s.ID)
			}
			in[e] = s.ID
		}
	}
	for _, e := range events {
		sid, ok := l.Of(e)
		if !ok {
			t.Errorf("Of(%d) found no storyline", e)
			continue
		}
		if got, listed := in[e]; !listed || got != sid {
			t.Errorf("Of(%d) = %d, but Storylines lists it in %d (%v)", e, sid, got, listed)
		}
	}
	if len(in) != len(events) {
		t.Errorf("storylines hold %d events, want %d", len(in), len(events))
	}
}

func TestLinkArticles(t *testing.T) {
	tests := []struct {
		name    string
		reports []report
	}{
		{"two events of one storyline", []report{hanoi1, hanoi2, dmz}},
		{"unrelated events stay apart", []report{hanoi1, fire, rates}},
		{"interleaved", []report{hanoi1, fire, hanoi2, rates, dmz}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, events := run(t, tt.reports)
			var evs []int
			for _, e := range events {
				if !slices.Contains(evs, e) {
					evs = append(evs, e)
				}
			}
			checkPartition(t, l, evs)
			// Reports with one story label share a storyline, and reports
			// with different labels do not.
			for _, a := range tt.reports {
				for _, b := range tt.reports {
					sa, _ := l.Of(events[a.id])
					sb, _ := l.Of(events[b.id])
					if (sa == sb) != (a.story == b.story) {
						t.Errorf("%s in storyline %d, %s in %d", a.id, sa, b.id, sb)
					}
				}
			}
		})
	}
}

// TestLinkArticlesSeparateEvents checks the premise of the storyline test:
// the DMZ meeting is a different event from the Hanoi summit, yet they share
// a storyline.
func TestLinkArticlesSeparateEvents(t *testing.T) {
	l, events := run(t, []report{hanoi1, hanoi2, dmz})
	if events[hanoi1.id] != events[hanoi2.id] || events[hanoi1.id] == events[dmz.id] {
		t.Fatalf("events %v: want the Hanoi reports together and the DMZ apart", events)
	}
	ls := l.Storylines()
	if len(ls) != 1 || !slices.Equal(ls[0].Events, []int{events[hanoi1.id], events[dmz.id]}) {
		t.Errorf("storylines %+v, want one holding both events in joining order", ls)
	}
}

func TestLinkIsDeterministic(t *testing.T) {
	reports := []report{hanoi1, fire, hanoi2, rates, dmz}
	snapshot := func() []Storyline {
		l, _ := run(t, reports)
		var out []Storyline
		for _, s := range l.Storylines() {
			out = append(out, Storyline{ID: s.ID, Events: slices.Clone(s.Events)})
		}
		return out
	}
	first := snapshot()
	for range 3 {
		if got := snapshot(); !reflect.DeepEqual(got, first) {
			t.Fatalf("storylines differ between runs:\n%+v\n%+v", first, got)
		}
	}
}

// Hand-made profiles pin down the linking rules independently of the
// clustering's weights.
func profile(event int, entities map[string]float64, terms ...string) Profile {
	p := Profile{Event: event, Entities: entities, Terms: map[uint64]float64{}}
	for _, w := range terms {
		p.Terms[analyze.TermID(analyze.Stem(w))] = 1
	}
	return p
}

var (
	merkel = "person:merkel"
	macron = "person:macron"
	paris  = "place:paris"
	berlin = "place:berlin"
	biden  = "person:biden"
	gaza   = "place:gaza"
)

func TestUpdate(t *testing.T) {
	tests := []struct {
		name     string
		profiles []Profile
		want     [][]int // storylines as event lists, in creation order
	}{
		{
			name: "shared salient entities link",
			profiles: []Profile{
				profile(0, map[string]float64{merkel: 3, macron: 3, paris: 2}, "summit", "budget"),
				profile(1, map[string]float64{merkel: 2, macron: 3, berlin: 2}, "summit", "defense"),
			},
			want: [][]int{{0, 1}},
		},
		{
			name: "disjoint events stay apart",
			profiles: []Profile{
				profile(0, map[string]float64{merkel: 3, macron: 3}, "summit", "budget"),
				profile(1, map[string]float64{biden: 3, gaza: 2}, "ceasefire", "hostages"),
			},
			want: [][]int{{0}, {1}},
		},
		{
			name: "one shared minor place is not enough",
			profiles: []Profile{
				profile(0, map[string]float64{merkel: 4, macron: 4, paris: 0.5}, "summit", "budget"),
				profile(1, map[string]float64{biden: 4, gaza: 4, paris: 0.5}, "ceasefire", "hostages"),
			},
			want: [][]int{{0}, {1}},
		},
		{
			name: "terms alone can link",
			profiles: []Profile{
				profile(0, nil, "hurricane", "landfall", "evacuation", "florida"),
				profile(1, nil, "hurricane", "landfall", "evacuation", "florida", "flooding"),
			},
			want: [][]int{{0, 1}},
		},
		{
			name: "a third event joins the storyline it matches",
			profiles: []Profile{
				profile(0, map[string]float64{merkel: 3, macron: 3}, "summit"),
				profile(1, map[string]float64{biden: 3, gaza: 3}, "ceasefire"),
				profile(2, map[string]float64{biden: 2, gaza: 3}, "ceasefire", "aid"),
			},
			want: [][]int{{0}, {1, 2}},
		},
		{
			name: "an empty profile starts its own storyline",
			profiles: []Profile{
				profile(0, map[string]float64{merkel: 3}, "summit"),
				profile(1, nil),
			},
			want: [][]int{{0}, {1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLinker(DefaultConfig())
			var events []int
			for _, p := range tt.profiles {
				l.Update(p)
				events = append(events, p.Event)
			}
			var got [][]int
			for _, s := range l.Storylines() {
				got = append(got, s.Events)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("storylines %v, want %v", got, tt.want)
			}
			checkPartition(t, l, events)
		})
	}
}

func TestUpdateLinkScores(t *testing.T) {
	l := NewLinker(DefaultConfig())
	a := profile(0, map[string]float64{merkel: 3, macron: 3}, "summit", "budget")
	if link := l.Update(a); !link.New || link.Score != 0 || link.Storyline != 0 {
		t.Errorf("first event: %+v, want new storyline 0 with score 0", link)
	}
	// An identical profile scores the full weight of both cosines.
	b := a
	b.Event = 1
	link := l.Update(b)
	if link.New || link.Storyline != 0 {
		t.Fatalf("identical profile: %+v, want storyline 0", link)
	}
	cfg := DefaultConfig()
	if want := cfg.EntityWeight + cfg.TermWeight; link.Score < want-1e-9 || link.Score > want+1e-9 {
		t.Errorf("identical profile scored %g, want %g", link.Score, want)
	}
}

func TestUpdateAsEventsGrow(t *testing.T) {
	cfg := DefaultConfig()
	t.Run("event sharing its storyline stays", func(t *testing.T) {
		l := NewLinker(cfg)
		l.Update(profile(0, map[string]float64{merkel: 3, macron: 3}, "summit"))
		l.Update(profile(1, map[string]float64{merkel: 3, macron: 2}, "summit"))
		l.Update(profile(2, map[string]float64{biden: 3, gaza: 3}, "ceasefire"))
		// Event 1 grows to be about something else: it stays put.
		link := l.Update(profile(1, map[string]float64{biden: 3, gaza: 3}, "ceasefire"))
		if link.New || link.Storyline != 0 {
			t.Errorf("grown event moved: %+v", link)
		}
		if s, _ := l.Of(1); s != 0 {
			t.Errorf("Of(1) = %d, want 0", s)
		}
		checkPartition(t, l, []int{0, 1, 2})
	})
	t.Run("grown event's old profile is replaced, not added to", func(t *testing.T) {
		l := NewLinker(cfg)
		a := profile(0, map[string]float64{merkel: 1}, "summit")
		l.Update(a)
		a.Event = 1
		l.Update(a)
		// Event 1 now counts {biden, ceasefire} instead of {merkel,
		// summit}: the storyline is {merkel, biden} and {summit,
		// ceasefire}, each cosine 1/√2. Were the old profile kept, the
		// storyline would weigh merkel and summit twice.
		for range 3 {
			link := l.Update(profile(1, map[string]float64{biden: 1}, "ceasefire"))
			if want := 1 / math.Sqrt2; math.Abs(link.Score-want) > 1e-9 || link.Storyline != 0 {
				t.Errorf("got %+v, want storyline 0 with score %.4f", link, want)
			}
		}
	})
	t.Run("lone event moves to a better storyline", func(t *testing.T) {
		l := NewLinker(cfg)
		l.Update(profile(0, map[string]float64{merkel: 3, macron: 3}, "summit"))
		l.Update(profile(1, map[string]float64{biden: 3}, "visit"))
		if s, _ := l.Of(1); s != 1 {
			t.Fatalf("Of(1) = %d, want its own storyline 1", s)
		}
		link := l.Update(profile(1, map[string]float64{merkel: 3, macron: 3}, "summit"))
		if link.New || link.Storyline != 0 {
			t.Errorf("lone event did not join storyline 0: %+v", link)
		}
		got := map[int][]int{}
		for _, s := range l.Storylines() {
			got[s.ID] = s.Events
		}
		if want := map[int][]int{0: {0, 1}}; !maps.EqualFunc(got, want, slices.Equal) {
			t.Errorf("storylines %v, want %v (the emptied one hidden)", got, want)
		}
		checkPartition(t, l, []int{0, 1})
	})
	t.Run("lone event without a better storyline keeps its id", func(t *testing.T) {
		l := NewLinker(cfg)
		l.Update(profile(0, map[string]float64{merkel: 3, macron: 3}, "summit"))
		l.Update(profile(1, map[string]float64{biden: 3}, "visit"))
		link := l.Update(profile(1, map[string]float64{biden: 3, gaza: 2}, "visit", "ceasefire"))
		if link.New || link.Storyline != 1 {
			t.Errorf("got %+v, want to stay in storyline 1", link)
		}
		// Its new profile counts: a later matching event joins it.
		if link := l.Update(profile(2, map[string]float64{gaza: 3, biden: 1}, "ceasefire")); link.New || link.Storyline != 1 {
			t.Errorf("matching event: %+v, want storyline 1", link)
		}
		if n := len(l.Storylines()); n != 2 {
			t.Errorf("%d storylines, want 2", n)
		}
		checkPartition(t, l, []int{0, 1, 2})
	})
	t.Run("repeated updates do not duplicate", func(t *testing.T) {
		l := NewLinker(cfg)
		p := profile(0, map[string]float64{merkel: 3}, "summit")
		for range 5 {
			l.Update(p)
		}
		if ls := l.Storylines(); len(ls) != 1 || !slices.Equal(ls[0].Events, []int{0}) {
			t.Errorf("storylines %+v, want one holding event 0 once", ls)
		}
	})
}

func TestOfUnknownEvent(t *testing.T) {
	l := NewLinker(DefaultConfig())
	if _, ok := l.Of(0); ok {
		t.Error("Of found a storyline in an empty linker")
	}
	l.Update(profile(3, map[string]float64{merkel: 1}, "summit"))
	if s, ok := l.Of(3); !ok || s != 0 {
		t.Errorf("Of(3) = %d, %v; want 0, true", s, ok)
	}
	if _, ok := l.Of(4); ok {
		t.Error("Of found a storyline for an event never updated")
	}
}

func TestMaxCandidates(t *testing.T) {
	// Many storylines share one weak entity; the event that truly matches
	// the last of them must still find it with a small candidate bound,
	// because candidates are ranked by shared weight.
	cfg := DefaultConfig()
	cfg.MaxCandidates = 2
	l := NewLinker(cfg)
	for i := range 10 {
		l.Update(profile(i, map[string]float64{paris: 0.1, fmt.Sprintf("person:p%d", i): 5}, fmt.Sprintf("topic%d", i)))
	}
	link := l.Update(profile(10, map[string]float64{paris: 0.1, "person:p9": 5}, "topic9"))
	if link.New || link.Storyline != 9 {
		t.Errorf("got %+v, want to join storyline 9", link)
	}
	if n := len(l.Storylines()); n != 10 {
		t.Errorf("%d storylines, want 10", n)
	}
}

// TestLinkerInvariants runs a generated stream and checks what the linker
// keeps: sorted, bounded vectors whose norms match their weights, and
// bounded posting lists without repeats.
func TestLinkerInvariants(t *testing.T) {
	g := newNewsStream(1000, 7)
	l := NewLinker(DefaultConfig())
	var links []Link
	for {
		st, ok := g.next()
		if !ok {
			break
		}
		if link, ok := st.apply(l); ok {
			links = append(links, link)
		}
	}
	var events []int
	for e := range g.started {
		events = append(events, e)
	}
	checkPartition(t, l, events)
	if len(l.last) != 0 {
		t.Errorf("%d profiles kept after every event retired", len(l.last))
	}
	for _, s := range l.storylines {
		for _, v := range []struct {
			name  string
			vec   vector
			norm2 float64
		}{{"entities", s.entities, s.entityNorm2}, {"terms", s.terms, s.termNorm2}} {
			if len(v.vec) > 2*storylineKeys {
				t.Errorf("storyline %d keeps %d %s", s.ID, len(v.vec), v.name)
			}
			var n2 float64
			for i, x := range v.vec {
				if i > 0 && v.vec[i-1].key >= x.key {
					t.Fatalf("storyline %d: %s out of order", s.ID, v.name)
				}
				if x.w < minWeight {
					t.Errorf("storyline %d keeps %s weight %g", s.ID, v.name, x.w)
				}
				n2 += x.w * x.w
			}
			if math.Abs(n2-v.norm2) > 1e-6*max(1, n2) {
				t.Errorf("storyline %d: %s norm² %g, kept as %g", s.ID, v.name, n2, v.norm2)
			}
		}
	}
	for _, list := range l.lists {
		if len(list) > postingCap {
			t.Fatalf("posting list of %d storylines", len(list))
		}
		seen := map[int32]bool{}
		for _, sid := range list {
			if seen[sid] {
				t.Fatalf("storyline %d listed twice under one key", sid)
			}
			seen[sid] = true
		}
	}

	// The same updates in the same order give the same links.
	g = newNewsStream(1000, 7)
	l = NewLinker(DefaultConfig())
	i := 0
	for {
		st, ok := g.next()
		if !ok {
			break
		}
		if link, ok := st.apply(l); ok {
			if link != links[i] {
				t.Fatalf("update %d: %+v, then %+v", i, links[i], link)
			}
			i++
		}
	}
}

// TestPostingCap checks that a name shared by more storylines than a
// posting list holds still finds the storylines that used it last, and
// that a storyline using it again is found however old it is.
func TestPostingCap(t *testing.T) {
	l := NewLinker(DefaultConfig())
	topic := func(i int) string { return fmt.Sprintf("topic%d", i) }
	person := func(i int) string { return fmt.Sprintf("person:p%d", i) }
	n := postingCap + 50
	for i := range n {
		l.Update(profile(i, map[string]float64{paris: 1, person(i): 5}, topic(i)))
	}
	if len(l.Storylines()) != n {
		t.Fatalf("%d storylines, want %d", len(l.Storylines()), n)
	}
	list := l.lists[l.byEntity[nameKey(paris)]]
	if len(list) != postingCap || list[len(list)-1] != int32(n-1) {
		t.Errorf("posting list of paris: %d storylines ending with %d, want %d ending with %d", len(list), list[len(list)-1], postingCap, n-1)
	}
	// Storyline 0 fell out of paris's list but not out of its own name's.
	if link := l.Update(profile(n, map[string]float64{paris: 1, person(0): 5}, topic(0))); link.New || link.Storyline != 0 {
		t.Fatalf("event about storyline 0: %+v, want to join it", link)
	}
	if list := l.lists[l.byEntity[nameKey(paris)]]; list[len(list)-1] != 0 {
		t.Errorf("storyline 0 is not last in paris's list after using it again")
	}
}
