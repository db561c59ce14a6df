// Package pipeline runs articles through Storyline: analysis, event
// placement, storyline linking, and the report of what came out.
package pipeline

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"storyline/internal/analyze"
	"storyline/internal/article"
	"storyline/internal/cluster"
	"storyline/internal/dedupe"
	"storyline/internal/entity"
	"storyline/internal/storyline"
	"storyline/internal/summarize"
)

// Config gathers every threshold and weight of the pipeline. The JSON names
// are the keys that `storyline eval --sweep` and `--set` accept.
type Config struct {
	Cluster   cluster.Config
	Storyline storyline.Config
	// SummarySentences is how many sentences an event summary holds at most.
	SummarySentences int `json:"summary_sentences"`
	// DuplicateThreshold is the shingle containment (the share of the
	// shorter text found in the longer) from which an article is a copy of
	// an earlier one: it joins that article's event without moving the
	// event's centroid. 0 turns duplicate detection off.
	DuplicateThreshold float64 `json:"duplicate_threshold"`
	// DuplicateWindow is how many recent articles are searched for copies.
	DuplicateWindow int `json:"duplicate_window"`
	// Lean drops from memory what a store already holds: a retired event
	// keeps only its title and main names (for its storyline's report), and
	// its articles only their ids and outlets. Reports of retired events
	// then lack summaries and article details.
	Lean bool `json:"-"`
}

// DefaultConfig returns the shipped defaults.
func DefaultConfig() Config {
	return Config{
		Cluster:            cluster.DefaultConfig(),
		Storyline:          storyline.DefaultConfig(),
		SummarySentences:   4,
		DuplicateThreshold: dedupe.DefaultContainmentThreshold,
		DuplicateWindow:    50000,
	}
}

// Set changes one parameter by its JSON name, e.g. Set("threshold", "0.3").
func (c *Config) Set(key, value string) error {
	for _, part := range []any{&c.Cluster, &c.Storyline, c} {
		fields := map[string]json.RawMessage{}
		b, _ := json.Marshal(part)
		if err := json.Unmarshal(b, &fields); err != nil {
			return err
		}
		if _, ok := fields[key]; !ok {
			continue
		}
		if err := json.Unmarshal([]byte(fmt.Sprintf("{%q:%s}", key, value)), part); err != nil {
			return fmt.Errorf("config %s=%s: %w", key, value, err)
		}
		return nil
	}
	return fmt.Errorf("config: no parameter named %q", key)
}

// A Pipeline places documents into events and storylines, one at a time, in
// arrival order. It is not safe for concurrent use; analysis, which needs no
// shared state, is what runs in parallel (see AnalyzeAll).
type Pipeline struct {
	cfg    Config
	placer *cluster.Placer
	linker *storyline.Linker
	// What is kept of each placed article, by arrival index: its id, where
	// it went, and its details while its event is live. Every article ever
	// placed stays (a repeat must be told from news), so what stays is
	// small and holds no pointers.
	ids     idIndex
	records []record
	details []*detail // nil once a Lean pipeline retires the event
	outlets outlets
	// decisions keep the full placement (for --explain) while the event is
	// live.
	decisions map[int32]cluster.Placement
	// events lists, by event id, the indexes of its docs.
	events [][]int32
	dups   *dedupe.Index

	// What changed since the last call of Changes.
	dirtyEvents     map[int]bool
	dirtyStorylines map[int]bool
	// heads holds, for storylines of longStoryline events or more, how
	// many events each had when its head was last drawn; settle the
	// storylines whose stored head is older than their events.
	heads  map[int]int
	settle map[int]bool
	// retired lists the events a Lean pipeline retired since the last
	// call of Changes (see slimRetired).
	retired []int
	// What revisions changed since the last call of Changes: the
	// articles moved, and the events merged into others; and, while one
	// document is added, the events whose members changed.
	moved   map[int32]bool
	merged  []Merged
	revised map[int]bool

	// cards hold the text-derived part of event reports (see card); for a
	// retired event, whose articles keep only what lists them, the
	// card is all that is left.
	cards []card // by event id
	names nameTable
	// days counts, by event id, the days its articles mention: evidence
	// of which dates of a storyline are key.
	days    [][]dayCount
	timings Timings
}

// Timings are the time spent in each placement stage, summed over all
// documents added.
type Timings struct {
	Dedupe  time.Duration `json:"dedupe"`
	Cluster time.Duration `json:"cluster"`
	Link    time.Duration `json:"link"`
	Retire  time.Duration `json:"retire"`
}

// Timings returns the time spent so far in each placement stage.
func (p *Pipeline) Timings() Timings { return p.timings }

// New returns an empty Pipeline.
func New(cfg Config) *Pipeline {
	return &Pipeline{
		cfg:       cfg,
		placer:    cluster.NewPlacer(cfg.Cluster),
		linker:    storyline.NewLinker(cfg.Storyline),
		decisions: map[int32]cluster.Placement{},
		dups: dedupe.NewIndex(dedupe.Options{
			Measure: dedupe.Containment, Threshold: cfg.DuplicateThreshold, Capacity: cfg.DuplicateWindow,
		}),
		dirtyEvents:     map[int]bool{},
		dirtyStorylines: map[int]bool{},
		heads:           map[int]int{},
		settle:          map[int]bool{},
		moved:           map[int32]bool{},
		revised:         map[int]bool{},
	}
}

// An Outcome is where one document landed.
type Outcome struct {
	Placement cluster.Placement
	Link      storyline.Link
	// Repeat is true when an article with the same id was already placed;
	// the repeat is ignored.
	Repeat bool
	// DuplicateOf names the earlier article this one copies, if any; a copy
	// joins that article's event as another source.
	DuplicateOf string
}

// Add places one analysed document.
func (p *Pipeline) Add(d analyze.Document) Outcome {
	if i, ok := p.ids.find(d.Article.ID); ok {
		pl := p.placement(i)
		sid, _ := p.linker.Of(pl.Event)
		return Outcome{Placement: pl, Link: storyline.Link{Storyline: sid}, Repeat: true, DuplicateOf: p.duplicateOf(i)}
	}
	var pl cluster.Placement
	t0 := time.Now()
	original := p.original(&d)
	t1 := time.Now()
	p.timings.Dedupe += t1.Sub(t0)
	if original >= 0 && !p.placer.Event(int(p.records[original].event)).Hot() {
		original = -1 // the original's event is closed: this is news again
	}
	if original >= 0 {
		// A syndicated copy adds a source, not evidence: the event's
		// centroid stays as the original made it.
		pl = cluster.Placement{Article: d.Article.ID, Event: int(p.records[original].event), BestEvent: -1}
	} else {
		pl = p.placer.Place(&d)
		if p.cfg.DuplicateThreshold > 0 && !d.Shingles.Empty() {
			p.dups.Add(d.Article.ID, d.Shingles)
		}
	}
	t2 := time.Now()
	p.timings.Cluster += t2.Sub(t1)
	i := p.ids.add(d.Article.ID)
	p.records = append(p.records, record{event: int32(pl.Event), copyOf: int32(original), outlet: p.outlets.number(d.Article.Source)})
	p.details = append(p.details, detailOf(&d))
	p.decisions[int32(i)] = pl
	for len(p.events) <= pl.Event {
		p.events = append(p.events, nil)
		p.days = append(p.days, nil)
		p.cards = append(p.cards, card{})
	}
	p.events[pl.Event] = append(p.events[pl.Event], int32(i))
	for _, day := range p.details[i].days {
		p.days[pl.Event] = countDay(p.days[pl.Event], day)
	}
	p.dirtyEvents[pl.Event] = true
	for _, mv := range p.placer.Moves() {
		p.revise(mv)
	}
	// Where the document is now: a revision may have merged its event
	// into another.
	home := int(p.records[i].event)
	link := p.relink(home)
	// Events a revision changed are linked again too, in id order.
	for _, id := range slices.Sorted(maps.Keys(p.revised)) {
		if id != home && p.placer.Event(id).Hot() {
			p.relink(id)
		}
	}
	clear(p.revised)
	t3 := time.Now()
	p.timings.Link += t3.Sub(t2)
	for _, id := range p.placer.Expired() {
		p.retire(id)
	}
	p.timings.Retire += time.Since(t3)
	return Outcome{Placement: pl, Link: link, DuplicateOf: p.duplicateOf(i)}
}

// revise applies a revised placement: an article moves from one event to
// another, or a whole event merges into another.
func (p *Pipeline) revise(mv cluster.Move) {
	for len(p.events) <= mv.To {
		p.events = append(p.events, nil)
		p.days = append(p.days, nil)
		p.cards = append(p.cards, card{})
	}
	var moving []int32
	if mv.Merged {
		moving = slices.Clone(p.events[mv.From])
		p.merged = append(p.merged, Merged{From: EventID(mv.From), Into: EventID(mv.To)})
		delete(p.dirtyEvents, mv.From)
		if sid, ok := p.linker.Of(mv.From); ok {
			p.linker.Remove(mv.From)
			p.dirtyStorylines[sid] = true
		}
	} else {
		i, ok := p.ids.find(mv.Article)
		if !ok {
			return
		}
		moving = []int32{int32(i)}
		p.decisions[int32(i)] = mv.Placement
		p.dirtyEvents[mv.From] = true
	}
	for _, i := range moving {
		p.records[i].event = int32(mv.To)
		p.moved[i] = true
		for _, day := range p.details[i].days {
			p.days[mv.From] = uncountDay(p.days[mv.From], day)
			p.days[mv.To] = countDay(p.days[mv.To], day)
		}
		p.events[mv.From] = slices.DeleteFunc(p.events[mv.From], func(j int32) bool { return j == i })
		at, _ := slices.BinarySearch(p.events[mv.To], i)
		p.events[mv.To] = slices.Insert(p.events[mv.To], at, i)
	}
	// A card is rewritten when its event's size changed; one article in
	// and one out leave it the same.
	p.cards[mv.From].size, p.cards[mv.To].size = -1, -1
	p.dirtyEvents[mv.To] = true
	p.revised[mv.To] = true
	if !mv.Merged {
		p.revised[mv.From] = true
	}
}

// uncountDay counts one mention of day fewer in counts (see countDay).
func uncountDay(counts []dayCount, day int32) []dayCount {
	i, found := slices.BinarySearchFunc(counts, day, func(c dayCount, d int32) int { return cmp.Compare(c.day, d) })
	if !found {
		return counts
	}
	if counts[i].n--; counts[i].n == 0 {
		return slices.Delete(counts, i, i+1)
	}
	return counts
}

// relink places an event whose profile changed in its storyline.
func (p *Pipeline) relink(event int) storyline.Link {
	before, had := p.linker.Of(event)
	link := p.linker.Update(p.profile(event))
	if had && before != link.Storyline {
		p.dirtyStorylines[before] = true
	}
	p.dirtyStorylines[link.Storyline] = true
	return link
}

// duplicateOf returns the id of the article doc i copies, or "".
func (p *Pipeline) duplicateOf(i int) string {
	if o := p.records[i].copyOf; o >= 0 {
		return p.ids.id(int(o))
	}
	return ""
}

// A dayCount is how many articles of an event mention a day (Unix days).
type dayCount struct{ day, n int32 }

// countDay counts one more mention of day in counts, which it keeps sorted
// by day: most events mention a handful of days, and a slice of them is a
// tenth of a map's size.
func countDay(counts []dayCount, day int32) []dayCount {
	i, found := slices.BinarySearchFunc(counts, day, func(c dayCount, d int32) int { return cmp.Compare(c.day, d) })
	if found {
		counts[i].n++
		return counts
	}
	return slices.Insert(counts, i, dayCount{day, 1})
}

// keptEntities bounds the entities kept per placed document, most salient
// first: enough for an event's list of who and where.
const keptEntities = 20

// A record is where a placed article went: its event, the article it
// copies (-1 for none) and its outlet (see outlets).
type record struct{ event, copyOf, outlet int32 }

// A detail is what lists an article and summarises its event, beyond its
// record. Vectors, shingles, noise and the raw text have done their work by
// then (the centroid and the duplicate index hold what they need), and only
// the opening sentences compete for summaries. Strings are copied, so that
// a kept sentence does not pin the whole article text. A Lean pipeline
// drops the whole detail when the event retires, as the store has it.
type detail struct {
	headline, url, author string
	date, eventDay        time.Time
	dateSource            analyze.DateSource
	sentences             []string // nil once the event is retired
	// captions are the photo captions of an article without a headline,
	// for its event's title (see analyze.Document.Captions).
	captions []string
	entities []entity.Entity // nil once the event is retired
	days     []int32         // the days it mentions (Unix days), counted in its event's
}

func detailOf(d *analyze.Document) *detail {
	m := &detail{
		headline: strings.Clone(d.Headline), url: d.Article.URL, author: d.Article.Author,
		date: d.Date, dateSource: d.DateSource, eventDay: d.EventDay,
		sentences: make([]string, min(len(d.Sentences), summarize.LeadWindow)),
		entities:  make([]entity.Entity, min(len(d.Entities), keptEntities)),
	}
	for i := range m.sentences {
		m.sentences[i] = strings.Clone(d.Sentences[i])
	}
	for _, day := range d.Days {
		m.days = append(m.days, int32(day.Unix()/86400))
	}
	if d.Headline == "" {
		m.captions = d.Captions()
	}
	for i := range m.entities {
		e := d.Entities[i]
		e.Name, e.Key = strings.Clone(e.Name), strings.Clone(e.Key)
		e.Aliases = slices.Clone(e.Aliases)
		for j := range e.Aliases {
			e.Aliases[j] = strings.Clone(e.Aliases[j])
		}
		m.entities[i] = e
	}
	return m
}

// outlets numbers outlet names, which a million articles share among a
// few thousand.
type outlets struct {
	numbers map[string]int32
	names   []string
}

func (o *outlets) number(name string) int32 {
	if n, ok := o.numbers[name]; ok {
		return n
	}
	if o.numbers == nil {
		o.numbers = map[string]int32{}
	}
	name = strings.Clone(name)
	n := int32(len(o.names))
	o.numbers[name] = n
	o.names = append(o.names, name)
	return n
}

// placement returns how document i was placed; for an event retired from
// the live window only its event is still known.
func (p *Pipeline) placement(i int) cluster.Placement {
	if pl, ok := p.decisions[int32(i)]; ok {
		return pl
	}
	return cluster.Placement{Article: p.ids.id(i), Event: int(p.records[i].event), BestEvent: -1}
}

// original returns the index of the article d copies, or -1.
func (p *Pipeline) original(d *analyze.Document) int {
	if p.cfg.DuplicateThreshold <= 0 || d.Shingles.Empty() {
		return -1
	}
	id, _, ok := p.dups.Find(d.Shingles)
	if !ok {
		return -1
	}
	i, _ := p.ids.find(id)
	return i
}

// profileTerms and profileEntities bound what an event contributes to its
// storyline to its most salient terms and names.
const (
	profileTerms    = 30
	profileEntities = 12
)

func (p *Pipeline) profile(event int) storyline.Profile {
	terms, names := p.placer.Salient(event, profileTerms, profileEntities)
	return storyline.Profile{Event: event, Entities: names, Terms: terms}
}

// AnalyzeAll analyses articles on all cores and returns the documents in
// input order, so that placement stays deterministic.
func AnalyzeAll(arts []article.Article) []analyze.Document {
	docs := make([]analyze.Document, len(arts))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	next := make(chan int, workers)
	for range workers {
		wg.Go(func() {
			for i := range next {
				docs[i] = analyze.Analyze(arts[i])
			}
		})
	}
	for i := range arts {
		next <- i
	}
	close(next)
	wg.Wait()
	return docs
}
