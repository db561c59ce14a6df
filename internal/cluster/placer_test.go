package cluster

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"storyline/internal/analyze"
	"storyline/internal/article"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// A report is an article written for these tests, with the happening it
// reports as a label: reports with one label belong in one event.
type report struct {
	id, label, title, text string
	date                   time.Time
}

func (r report) doc() *analyze.Document {
	d := analyze.Analyze(article.Article{ID: r.id, Source: r.id, Title: r.title, Text: r.text, Date: r.date})
	return &d
}

var (
	hanoiAP = report{"hanoi-ap", "hanoi", "Trump and Kim cut short Hanoi summit without a deal",
		"President Donald Trump and North Korean leader Kim Jong Un cut short their summit in Hanoi on Thursday without reaching a nuclear deal.\n" +
			"Trump said Kim wanted all sanctions lifted in exchange for closing the Yongbyon nuclear complex.\n" +
			"The two leaders skipped a planned lunch and a signing ceremony at the Metropole hotel.",
		day(2019, 2, 28)}
	hanoiReuters = report{"hanoi-reuters", "hanoi", "Trump walks away from Kim talks in Hanoi",
		"U.S. President Donald Trump walked away from his second summit with North Korea's Kim Jong Un in Hanoi on Thursday after the talks collapsed over sanctions.\n" +
			"Trump told reporters that Kim had offered to dismantle the Yongbyon nuclear site but demanded that sanctions be lifted entirely.\n" +
			"A signing ceremony and lunch at the Metropole hotel were cancelled.",
		day(2019, 2, 28)}
	// hanoiUndated reports the same happening without any date.
	hanoiUndated = report{"hanoi-blog", "hanoi", "Hanoi summit collapses over sanctions",
		"The summit between Donald Trump and Kim Jong Un in Hanoi collapsed on Thursday over North Korea's demand that sanctions be lifted.\n" +
			"Kim had offered to close the Yongbyon nuclear complex, Trump said, but the United States wanted more.\n" +
			"The lunch at the Metropole hotel was cancelled.",
		time.Time{}}
	fire = report{"fire-ap", "fire", "Wildfire forces thousands to flee in California",
		"A fast-moving wildfire in Northern California forced thousands of residents to evacuate on Thursday as strong winds pushed flames toward the town of Paradise.\n" +
			"Firefighters struggled to contain the blaze, which has burned more than 20,000 acres of forest and destroyed dozens of homes.",
		day(2019, 2, 28)}
	fireLocal = report{"fire-chronicle", "fire", "Paradise residents flee as wildfire spreads",
		"Thousands of Paradise residents fled their homes on Thursday as a wind-driven wildfire raced through Northern California forest.\n" +
			"Firefighters said the blaze had burned 20,000 acres and destroyed dozens of homes by evening.",
		day(2019, 2, 28)}
	// drill has the same actor as the Hanoi summit a year later, but is a
	// different happening.
	drill = report{"drill-ap", "drill", "Kim Jong Un oversees artillery drill",
		"North Korean leader Kim Jong Un supervised a long-range artillery drill on Friday, a year after his Hanoi summit with President Donald Trump ended without a deal, state media said.\n" +
			"Nuclear talks between North Korea and the United States have stalled since Trump and Kim met.",
		day(2020, 2, 28)}
	rates = report{"rates-ft", "rates", "Fed holds interest rates steady",
		"The Federal Reserve left its benchmark interest rate unchanged on Wednesday and signaled patience on future moves as inflation stayed below target.\n" +
			"Chair Jerome Powell told reporters the economy was in a good place.",
		day(2019, 3, 20)}
)

// partition groups article ids by the event they were placed in, as sorted
// lists, sorted: a comparable view of a clustering.
func partition(labels map[string]string) [][]string {
	groups := map[string][]string{}
	for id, l := range labels {
		groups[l] = append(groups[l], id)
	}
	var out [][]string
	for _, g := range groups {
		slices.Sort(g)
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b []string) int { return slices.Compare(a, b) })
	return out
}

func TestPlaceGroupsReportsOfOneHappening(t *testing.T) {
	tests := []struct {
		name    string
		reports []report
	}{
		{"two wire reports of one summit", []report{hanoiAP, hanoiReuters}},
		{"an unrelated article starts a new event", []report{hanoiAP, fire, hanoiReuters}},
		{"same actor a year later is a new event", []report{hanoiAP, hanoiReuters, drill}},
		{"undated report joins the dated event", []report{hanoiAP, hanoiReuters, hanoiUndated}},
		{"two stories interleaved", []report{hanoiAP, fire, hanoiReuters, fireLocal, rates}},
		{"everything, in date order", []report{fire, hanoiAP, hanoiUndated, hanoiReuters, fireLocal, rates, drill}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPlacer(DefaultConfig())
			want, got := map[string]string{}, map[string]string{}
			seen := map[int]bool{}
			for _, r := range tt.reports {
				pl := p.Place(r.doc())
				want[r.id] = r.label
				got[r.id] = fmt.Sprint(pl.Event)
				if pl.Article != r.id {
					t.Errorf("placement names article %q, want %q", pl.Article, r.id)
				}
				if pl.New == seen[pl.Event] {
					t.Errorf("%s: New = %v, but event %d existed before: %v", r.id, pl.New, pl.Event, seen[pl.Event])
				}
				seen[pl.Event] = true
				t.Logf("%s -> event %d (new %v, best %d, total %.3f)", r.id, pl.Event, pl.New, pl.BestEvent, pl.Best.Total)
			}
			if w, g := partition(want), partition(got); !reflect.DeepEqual(w, g) {
				t.Errorf("events\n got %v\nwant %v", g, w)
			}
			if len(p.Events()) != len(partition(want)) {
				t.Errorf("%d events, want %d", len(p.Events()), len(partition(want)))
			}
		})
	}
}

// TestPlaceYearLaterRejectedByTime checks the reason the drill is apart:
// the Hanoi event is its best candidate, but a year fades the similarity.
func TestPlaceYearLaterRejectedByTime(t *testing.T) {
	p := NewPlacer(DefaultConfig())
	p.Place(hanoiAP.doc())
	p.Place(hanoiReuters.doc())
	pl := p.Place(drill.doc())
	if pl.BestEvent != 0 {
		t.Fatalf("best candidate %d, want the Hanoi event 0 (shared names)", pl.BestEvent)
	}
	if !pl.New || pl.Event == 0 {
		t.Errorf("drill joined event %d, want a new one", pl.Event)
	}
	if pl.Best.DaysApart < 300 || pl.Best.Time > 0.01 {
		t.Errorf("days apart %.0f, time factor %g: want about a year and a negligible factor", pl.Best.DaysApart, pl.Best.Time)
	}
	if pl.Best.Entities <= 0 {
		t.Errorf("entity similarity %g, want > 0 for shared Trump and Kim", pl.Best.Entities)
	}
}

func TestPlaceInvariants(t *testing.T) {
	for _, linear := range []bool{false, true} {
		t.Run(map[bool]string{false: "model", true: "linear"}[linear], func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Linear = linear
			testPlaceInvariants(t, cfg)
		})
	}
}

// testPlaceInvariants checks what every placement must satisfy under cfg's
// decision rule.
func testPlaceInvariants(t *testing.T, cfg Config) {
	p := NewPlacer(cfg)
	stream := []report{fire, hanoiAP, hanoiUndated, hanoiReuters, fireLocal, rates, drill}
	where := map[string]int{}
	var started []int
	for _, r := range stream {
		d := r.doc()
		pl := p.Place(d)
		where[r.id] = pl.Event
		if pl.New {
			started = append(started, pl.Event)
		}
		if (pl.BestEvent < 0) != (pl.Candidates == 0) {
			t.Errorf("%s: best candidate %d with %d candidates", r.id, pl.BestEvent, pl.Candidates)
		}
		if pl.Event < 0 || pl.Event >= len(p.Events()) {
			t.Fatalf("%s: event %d out of range", r.id, pl.Event)
		}
		if pl.BestEvent < 0 {
			if !pl.New {
				t.Errorf("%s: joined event %d without a candidate", r.id, pl.Event)
			}
			continue
		}
		if joined := !pl.New; joined != (pl.Best.Total >= p.join()) || (joined && pl.Event != pl.BestEvent) {
			t.Errorf("%s: new %v, event %d, best %d with total %g, join from %g", r.id, pl.New, pl.Event, pl.BestEvent, pl.Best.Total, p.join())
		}
		c := pl.Best
		const eps = 1e-9
		for name, v := range map[string]float64{"body": c.Body, "lead": c.Lead, "entities": c.Entities, "total": c.Total} {
			if v < -eps || v > 1+eps || math.IsNaN(v) {
				t.Errorf("%s: %s similarity %g outside [0, 1]", r.id, name, v)
			}
		}
		if c.Time <= 0 || c.Time > 1 || math.IsNaN(c.Time) {
			t.Errorf("%s: time factor %g outside (0, 1]", r.id, c.Time)
		}
		want := (cfg.BodyWeight*c.Body + cfg.LeadWeight*c.Lead + cfg.EntityWeight*c.Entities) * c.Time
		if m := p.Model(); m != nil {
			// The contributions explain the decision: they sum to its
			// log-odds.
			var logOdds float64
			for _, x := range m.Contributions(c) {
				logOdds += x.LogOdds
			}
			want = sigmoid(logOdds)
		}
		if math.Abs(c.Total-want) > 1e-9 {
			t.Errorf("%s: total %g, want %g", r.id, c.Total, want)
		}
		undated := d.Date.IsZero() && d.EventDay.IsZero()
		switch {
		case undated && (c.DaysApart != -1 || c.Time != 1):
			t.Errorf("%s is undated: days apart %g, time factor %g; want -1 and 1", r.id, c.DaysApart, c.Time)
		case !undated && c.DaysApart < 0:
			t.Errorf("%s is dated: days apart %g", r.id, c.DaysApart)
		}
	}
	// Events are made by placements that start them, in order.
	for i, e := range p.Events() {
		if e.ID != i || p.Event(i) != e {
			t.Errorf("event %d has id %d or is not Event(%d)", i, e.ID, i)
		}
	}
	if len(started) != len(p.Events()) {
		t.Errorf("%d placements started events, %d events exist", len(started), len(p.Events()))
	}
	for i, id := range started {
		if id != i {
			t.Errorf("the %d-th new event has id %d", i, id)
		}
	}
	for _, id := range []string{hanoiUndated.id, hanoiReuters.id} {
		if where[id] != where[hanoiAP.id] {
			t.Errorf("%s in event %d, %s in %d", id, where[id], hanoiAP.id, where[hanoiAP.id])
		}
	}
}

func TestEventDay(t *testing.T) {
	tests := []struct {
		name    string
		reports []report
		want    time.Time
		share   float64
		ok      bool
	}{
		{"dated reports", []report{hanoiAP, hanoiReuters}, day(2019, 2, 28), 1, true},
		{"undated report only", []report{hanoiUndated}, time.Time{}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPlacer(DefaultConfig())
			var pl Placement
			for _, r := range tt.reports {
				pl = p.Place(r.doc())
			}
			got, share, ok := p.Event(pl.Event).Day()
			if !got.Equal(tt.want) || ok != tt.ok || math.Abs(share-tt.share) > 1e-9 {
				t.Errorf("Day() = %v, %g, %v; want %v, %g, %v", got, share, ok, tt.want, tt.share, tt.ok)
			}
		})
	}
}

// stream is a longer input in date order: the reports above and variations
// on a few local-news templates, so that events grow, split and compete.
func stream() []*analyze.Document {
	var docs []*analyze.Document
	for _, r := range []report{hanoiAP, fire, hanoiReuters, hanoiUndated, fireLocal} {
		docs = append(docs, r.doc())
	}
	towns := []string{"Springfield", "Riverton", "Fairview", "Oakdale", "Milford"}
	for i := range 40 {
		town := towns[i%len(towns)]
		date := day(2019, 3, 1).AddDate(0, 0, i/3)
		var title, text string
		switch i % 3 {
		case 0:
			title = town + " council approves school budget"
			text = fmt.Sprintf("The %s city council voted %d-2 on Tuesday to approve a school budget of $%d million, with money for new teachers and repairs.\nMayor Linda Carver said the vote ended months of debate.", town, 5+i%3, 40+i)
		case 1:
			title = "Bridge closed in " + town + " after inspection"
			text = fmt.Sprintf("State engineers closed the Main Street bridge in %s on Monday after an inspection found cracks in %d support beams.\nDrivers face detours of up to %d miles.", town, 2+i%4, 3+i%5)
		default:
			title = town + " high school wins state title"
			text = fmt.Sprintf("The %s Tigers beat their rivals %d-%d on Saturday to win the state basketball championship.\nCoach Marcus Reed praised the defense.", town, 60+i%7, 55+i%5)
		}
		docs = append(docs, report{fmt.Sprintf("local-%02d", i), "", title, text, date}.doc())
		if i == 20 {
			docs = append(docs, rates.doc())
		}
	}
	return append(docs, drill.doc())
}

func TestPlaceIsDeterministic(t *testing.T) {
	docs := stream()
	// An event as the test sees it: its articles, day and salient terms.
	type event struct {
		articles []string
		day      time.Time
		share    float64
		terms    map[uint64]float64
		names    map[string]float64
	}
	run := func() ([]Placement, []event) {
		p := NewPlacer(DefaultConfig())
		var pls []Placement
		var events []event
		for _, d := range docs {
			pl := p.Place(d)
			pls = append(pls, pl)
			if pl.New {
				events = append(events, event{})
			}
			e := &events[pl.Event]
			e.articles = append(e.articles, pl.Article)
			e.terms, e.names = p.Salient(pl.Event, 30, 12)
		}
		for i := range events {
			events[i].day, events[i].share, _ = p.Event(i).Day()
		}
		return pls, events
	}
	pls1, ev1 := run()
	for range 3 {
		pls2, ev2 := run()
		if len(pls1) != len(pls2) {
			t.Fatalf("%d placements, then %d", len(pls1), len(pls2))
		}
		for i := range pls1 {
			if pls1[i] != pls2[i] {
				t.Errorf("placement %d differs:\n%+v\n%+v", i, pls1[i], pls2[i])
			}
		}
		if !reflect.DeepEqual(ev1, ev2) {
			t.Errorf("events differ:\n%v\n%v", ev1, ev2)
		}
	}
	if len(ev1) < 5 || len(ev1) >= len(docs) {
		t.Errorf("%d events from %d articles: the stream should both join and split", len(ev1), len(docs))
	}
}

func TestCandidatesBounded(t *testing.T) {
	// Two hundred reports that share names and words: each would be a
	// candidate for the next. An unreachable threshold keeps every report
	// in an event of its own, so the pool of live events grows to 200.
	var docs []*analyze.Document
	for i := range 200 {
		text := fmt.Sprintf("Mayor Linda Carver of Springfield announced on Monday a plan to repair %d miles of roads and %d bridges, paid for by a new fuel tax.\n"+
			"The Springfield city council will vote on the plan, which Carver called the largest public works program in the city's history.", 10+i, 2+i%9)
		docs = append(docs, report{fmt.Sprintf("roads-%03d", i), "", "Springfield mayor unveils road repair plan", text, day(2021, 5, 3)}.doc())
	}
	for _, maxCands := range []int{1, 7, 50} {
		t.Run(fmt.Sprint(maxCands), func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Linear, cfg.Threshold = true, 2 // above any similarity: nothing joins
			cfg.MaxCandidates = maxCands
			p := NewPlacer(cfg)
			most := 0
			for i, d := range docs {
				pl := p.Place(d)
				if pl.Candidates > maxCands {
					t.Fatalf("placement %d compared %d candidates, max %d", i, pl.Candidates, maxCands)
				}
				if !pl.New {
					t.Fatalf("placement %d joined event %d above an unreachable threshold", i, pl.Event)
				}
				most = max(most, pl.Candidates)
			}
			if most != maxCands {
				t.Errorf("at most %d candidates: want the bound %d reached, the reports share names", most, maxCands)
			}
			if len(p.Events()) != len(docs) {
				t.Errorf("%d events, want %d", len(p.Events()), len(docs))
			}
		})
	}
}

func TestIdleEventsExpire(t *testing.T) {
	unrelated := []report{fire, rates, fireLocal}
	same := func(int) time.Time { return day(2019, 2, 28) }
	tests := []struct {
		name         string
		idleArticles int
		laterDate    func(i int) time.Time // the date of the i-th unrelated article
		wantJoin     bool
	}{
		{"fresh event stays a candidate", 1000, same, true},
		{"idle by articles", 4, same, false},
		{"idle by days", 1000, func(int) time.Time { return day(2019, 4, 30) }, false},
		// A typo'd far-future date must not expire every live event.
		{"an outlier date expires nothing", 1000, func(i int) time.Time {
			if i == 0 {
				return day(2091, 3, 20)
			}
			return day(2019, 2, 28)
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.IdleArticles = tt.idleArticles
			p := NewPlacer(cfg)
			first := p.Place(hanoiAP.doc())
			for i := range 8 {
				r := unrelated[i%len(unrelated)]
				r.id = fmt.Sprintf("%s-%d", r.id, i)
				r.date = tt.laterDate(i)
				if pl := p.Place(r.doc()); pl.Event == first.Event {
					t.Fatalf("unrelated %s joined the Hanoi event", r.id)
				}
			}
			// Undated, so that only expiry and not the time factor can
			// keep it from the Hanoi event.
			pl := p.Place(hanoiUndated.doc())
			if joined := pl.Event == first.Event; joined != tt.wantJoin {
				t.Errorf("joined the Hanoi event: %v, want %v (best %d, total %.3f, %d candidates)",
					joined, tt.wantJoin, pl.BestEvent, pl.Best.Total, pl.Candidates)
			}
			if !tt.wantJoin && pl.BestEvent == first.Event {
				t.Errorf("the expired Hanoi event is still a candidate")
			}
		})
	}
}

func TestSalient(t *testing.T) {
	p := NewPlacer(DefaultConfig())
	p.Place(fire.doc())
	d := hanoiAP.doc()
	pl := p.Place(d)
	p.Place(hanoiReuters.doc())
	keys := map[string]string{}
	for _, e := range d.Entities {
		keys[e.Name] = e.Key
	}
	tests := []struct{ nTerms, nEntities int }{{30, 12}, {5, 2}, {1, 1}, {0, 0}}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.nTerms, tt.nEntities), func(t *testing.T) {
			terms, names := p.Salient(pl.Event, tt.nTerms, tt.nEntities)
			if len(terms) > tt.nTerms || len(names) > tt.nEntities {
				t.Fatalf("%d terms and %d entities, want at most %d and %d", len(terms), len(names), tt.nTerms, tt.nEntities)
			}
			if tt.nTerms > 0 && len(terms) == 0 || tt.nEntities > 0 && len(names) == 0 {
				t.Fatalf("nothing salient")
			}
			for _, w := range terms {
				if w <= 0 {
					t.Errorf("term weight %g", w)
				}
			}
			for k, w := range names {
				if w <= 0 {
					t.Errorf("entity %s weight %g", k, w)
				}
			}
			if tt.nEntities >= 2 {
				for _, n := range []string{"Kim Jong Un", "Donald Trump"} {
					if k, ok := keys[n]; !ok {
						t.Errorf("analysis found no %q in %v", n, keys)
					} else if _, ok := names[k]; !ok {
						t.Errorf("%q (%s) not among salient entities %v", n, k, names)
					}
				}
			}
		})
	}
	terms, _ := p.Salient(pl.Event, 30, 12)
	for _, w := range []string{"sanctions", "yongbyon", "summit"} {
		if _, ok := terms[analyze.TermID(analyze.Stem(w))]; !ok {
			t.Errorf("%q not among the Hanoi event's salient terms", w)
		}
	}
	if _, ok := terms[analyze.TermID(analyze.Stem("wildfire"))]; ok {
		t.Errorf("the fire's words leaked into the Hanoi event")
	}
}

// TestColdEvents checks what expiry leaves: a cold event keeps its day,
// has nothing salient, and the index holds hot events only.
func TestColdEvents(t *testing.T) {
	cfg := DefaultConfig()
	cfg.IdleArticles = 5
	p := NewPlacer(cfg)
	type answer struct {
		day   time.Time
		share float64
		ok    bool
	}
	days := map[int]answer{}
	expired := map[int]bool{}
	for i, d := range stream() {
		pl := p.Place(d)
		var a answer
		a.day, a.share, a.ok = p.Event(pl.Event).Day()
		days[pl.Event] = a
		for _, id := range p.Expired() {
			if expired[id] {
				t.Errorf("event %d expired twice", id)
			}
			expired[id] = true
		}
		for _, index := range []map[uint32]postings{p.termIndex, p.nameIndex} {
			for slot, l := range index {
				if len(l.events) == 0 {
					t.Errorf("placement %d: empty posting list %d kept", i, slot)
				}
				for _, e := range l.events {
					if !p.Event(int(e.event)).Hot() {
						t.Errorf("placement %d: cold event %d in posting list %d", i, e.event, slot)
					}
				}
			}
		}
	}
	for _, e := range p.Events() {
		if e.Hot() == expired[e.ID] {
			t.Errorf("event %d: hot %v, but expired %v", e.ID, e.Hot(), expired[e.ID])
		}
		if e.Hot() {
			continue
		}
		var got answer
		got.day, got.share, got.ok = e.Day()
		if got != days[e.ID] {
			t.Errorf("cold event %d: Day() = %+v, was %+v when it last grew", e.ID, got, days[e.ID])
		}
		if terms, names := p.Salient(e.ID, 30, 12); terms == nil || names == nil || len(terms)+len(names) > 0 {
			t.Errorf("cold event %d: salient %v %v, want empty maps", e.ID, terms, names)
		}
	}
	if len(expired) == 0 {
		t.Errorf("no event expired")
	}
}
