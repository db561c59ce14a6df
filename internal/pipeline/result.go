package pipeline

import (
	"cmp"
	"iter"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"storyline/internal/analyze"
	"storyline/internal/cluster"
	"storyline/internal/entity"
	"storyline/internal/report"
	"storyline/internal/storyline"
	"storyline/internal/summarize"
)

// Options say what a Result includes beyond the contract's fields.
type Options struct {
	// Explain adds, to each article, the similarity components that decided
	// its placement.
	Explain bool
	// OmitArticles leaves out events' article lists: a store writes
	// articles one by one as they come (see Pipeline.Article), and an
	// event's list grows with every report of it.
	OmitArticles bool
	// OmitSummary leaves out events' summaries, for the storylines a store
	// rewrites: they keep their events' ids, titles, dates and entities.
	OmitSummary bool
}

// Result reports every storyline with its events and articles.
func (p *Pipeline) Result(opt Options) report.Result {
	res := report.Result{Storylines: []report.Storyline{}}
	for _, s := range p.linker.Storylines() {
		res.Storylines = append(res.Storylines, p.storyline(s, opt))
	}
	slices.SortStableFunc(res.Storylines, func(a, b report.Storyline) int {
		if c := cmp.Compare(len(b.Events), len(a.Events)); c != 0 {
			return c
		}
		return cmp.Compare(firstDate(a), firstDate(b))
	})
	// Storylines that lost their only event to another leave gaps in the
	// linker's numbering; users see storylines numbered in report order.
	for i := range res.Storylines {
		s := &res.Storylines[i]
		s.ID = StorylineID(i)
		for j := range s.Events {
			s.Events[j].Storyline = s.ID
		}
	}
	return res
}

// storyline reports one storyline with all its events.
func (p *Pipeline) storyline(s *storyline.Storyline, opt Options) report.Storyline {
	rs := p.storylineHead(s)
	for _, ev := range s.Events {
		e := p.Event(ev, opt)
		e.Storyline = rs.ID
		rs.Events = append(rs.Events, e)
	}
	sortEvents(rs.Events)
	return rs
}

// storylineHead reports what a storyline says of itself, without its
// events: its title, main names and key dates, drawn from its events' cards.
// It is what a store rewrites whenever one of the events changes, so it
// reads no article and builds no event report.
func (p *Pipeline) storylineHead(s *storyline.Storyline) report.Storyline {
	ids := p.inDateOrder(s.Events)
	all := func(yield func(report.Entity) bool) {
		for _, id := range ids {
			for e := range p.cardEntities(p.cardOf(id)) {
				if !yield(e) {
					return
				}
			}
		}
	}
	names := mergeEntities(all)
	return report.Storyline{
		ID:       StorylineID(s.ID),
		Title:    p.storylineTitle(ids, names),
		Entities: names[:min(len(names), maxStorylineEntities)],
		Timeline: TopEntries(p.timeline(ids), maxTimeline),
	}
}

// A storyline's report lists its maxTimeline most salient dates (one a
// day) and its maxStorylineEntities most widespread names. A storyline of
// recurring actors runs for years and gathers thousands of events: a store
// rewrites its report whenever one of them changes, which would cost more
// with every event, and a reader wants its key dates and main names. Its
// events list has the rest.
const (
	maxTimeline          = 100
	maxStorylineEntities = 50
)

// inDateOrder returns event ids in the order of sortEvents: dated events by
// date, then undated ones, each group in the given order.
func (p *Pipeline) inDateOrder(events []int) []int {
	type dated struct {
		id  int
		day time.Time
		ok  bool
	}
	ds := make([]dated, len(events))
	for i, id := range events {
		day, _, ok := p.placer.Event(id).Day()
		ds[i] = dated{id, day, ok}
	}
	slices.SortStableFunc(ds, func(a, b dated) int {
		if c := cmpBool(!a.ok, !b.ok); c != 0 || !a.ok {
			return c
		}
		return a.day.Compare(b.day)
	})
	ids := make([]int, len(ds))
	for i, d := range ds {
		ids[i] = d.id
	}
	return ids
}

// Changed is what the documents added since the last call of Changes
// changed, for a store to write. Ids are the stable ones, not renumbered as
// in Result.
type Changed struct {
	// Events are the events that grew, without their articles.
	Events []report.Event
	// Storylines are the storylines that grew or lost an event, with their
	// head drawn anew: title, names and key dates, without their events,
	// which name their storyline themselves.
	Storylines []report.Storyline
	// Touched are storylines whose events changed while the head last
	// drawn stands (see longStoryline).
	Touched []string
	// Removed are storylines left empty.
	Removed []string
	// Moved are articles placed earlier that a revision re-filed, with
	// where they are now; Merged are events that no longer exist, their
	// articles now in Into. Merged comes in the order the merges happened.
	Moved  []Moved
	Merged []Merged
}

// A Moved article is one placed earlier that now belongs to another event.
// Explain, set when the article was moved on its own (not with its whole
// event), explains the decision that moved it.
type Moved struct {
	Article, Event, Storyline string
	Explain                   *report.Explain
}

// A Merged event no longer exists: its articles belong to event Into.
type Merged struct{ From, Into string }

// Changes reports what the documents added since the last call changed.
func (p *Pipeline) Changes() Changed {
	var ch Changed
	opt := Options{OmitArticles: true}
	for _, i := range slices.Sorted(maps.Keys(p.moved)) {
		ev := int(p.records[i].event)
		sid, _ := p.linker.Of(ev)
		m := Moved{Article: p.ids.id(int(i)), Event: EventID(ev), Storyline: StorylineID(sid)}
		if pl, ok := p.decisions[i]; ok && pl.Revised && p.duplicateOf(int(i)) == "" {
			m.Explain = p.explain(pl)
		}
		ch.Moved = append(ch.Moved, m)
	}
	clear(p.moved)
	ch.Merged, p.merged = p.merged, nil
	var drafts []*draft
	ids := slices.Sorted(maps.Keys(p.dirtyEvents))
	for _, id := range ids {
		e, d := p.event(id, opt)
		if sid, ok := p.linker.Of(id); ok {
			e.Storyline = StorylineID(sid)
		}
		ch.Events = append(ch.Events, e)
		if d != nil {
			drafts = append(drafts, d)
		}
	}
	// Summaries are most of the work, and each event's stands alone.
	writeAll(drafts, p.cfg.SummarySentences)
	for _, d := range drafts {
		p.cards[d.id] = d.card
	}
	for i := range ch.Events {
		ch.Events[i] = p.withCard(ch.Events[i], ids[i], opt)
	}
	// The cards are current now: storylines list these events from them.
	clear(p.dirtyEvents)
	p.slimRetired()
	for _, sid := range slices.Sorted(maps.Keys(p.dirtyStorylines)) {
		s := p.linker.Storyline(sid)
		switch n, drawn := len(s.Events), p.heads[sid]; {
		case n == 0:
			ch.Removed = append(ch.Removed, StorylineID(sid))
			delete(p.heads, sid)
			delete(p.settle, sid)
		case drawn > 0 && n >= drawn && n < drawn+drawn/headGrowth:
			ch.Touched = append(ch.Touched, StorylineID(sid))
			p.settle[sid] = true
		default:
			ch.Storylines = append(ch.Storylines, p.head(s))
		}
	}
	clear(p.dirtyStorylines)
	return ch
}

// A storyline's head is drawn from all its events, which costs more with
// every event, while articles joining its events, or one more event, seldom
// move its key dates or main names. So once a storyline has longStoryline
// events, Changes lists it as touched, its stored head standing, until it
// has grown by a 1/headGrowth since the head was drawn (at least one
// event, as longStoryline >= headGrowth), or lost events;
// SettleStorylines draws the heads left standing anew when the input
// pauses.
const (
	longStoryline = 8
	headGrowth    = 8
)

// head draws a storyline's head and notes how many events it had.
func (p *Pipeline) head(s *storyline.Storyline) report.Storyline {
	delete(p.settle, s.ID)
	if n := len(s.Events); n >= longStoryline {
		p.heads[s.ID] = n
	} else {
		delete(p.heads, s.ID)
	}
	return p.storylineHead(s)
}

// SettleStorylines returns, drawn anew, the heads of the storylines that
// Changes listed as touched since their head was drawn: what a store writes
// when the input pauses, so that at rest every head is current.
func (p *Pipeline) SettleStorylines() []report.Storyline {
	var out []report.Storyline
	for _, sid := range slices.Sorted(maps.Keys(p.settle)) {
		if s := p.linker.Storyline(sid); len(s.Events) > 0 { // else Changes reports it removed
			out = append(out, p.head(s))
		}
	}
	return out
}

// DoubtHeads marks the heads of all storylines of longStoryline events or
// more as possibly older than their events, for SettleStorylines to draw
// anew: a pipeline rebuilt from a store cannot tell which of the stored
// heads the process that wrote them left standing when it stopped.
func (p *Pipeline) DoubtHeads() {
	for _, s := range p.linker.Storylines() {
		if len(s.Events) >= longStoryline {
			p.settle[s.ID] = true
		}
	}
}

// DiscardChanges forgets what changed, as after replaying articles that a
// store already holds.
func (p *Pipeline) DiscardChanges() {
	clear(p.dirtyEvents)
	clear(p.dirtyStorylines)
	clear(p.moved)
	p.merged = nil
	p.slimRetired()
}

// A card is the part of an event's report that needs its articles' text:
// kept for every event whose report was built since it last changed, so
// that it is not built again (storylines list their events on every
// change), and all that a retired event keeps.
type card struct {
	// size is how many articles the card was written from, 0 for no card:
	// an event only changes by gaining articles.
	size     int32
	title    string
	words    []uint64 // the title's term ids, sorted, for timelines
	summary  []report.Sentence
	entities []report.Entity
	// lean replaces entities when a Lean pipeline retires the event: its
	// main names, as numbers in Pipeline.names.
	lean       []leanEntity
	dateSource string
	sources    []string // outlets, in order of first report
	reports    int      // articles that are not copies of another
}

// maxEventEntities bounds the entities an event report lists, most salient
// first: past that, names are noise, and cards are kept for every event.
const maxEventEntities = 15

// leanEntities is how many names a retired event keeps in a Lean pipeline:
// enough for its storyline's list of main actors.
const leanEntities = 5

// summarySources bounds the articles an event's title and summary are
// drawn from: the first and the latest ones, half each. A large event
// would otherwise be summarised anew from hundreds of articles whenever it
// grows, and its opening reports and latest news are what a reader wants.
const summarySources = 24

// retire freezes an event that will not grow again and slims its documents
// to what an article listing needs. A Lean pipeline slims the event further
// once Changes has reported it (see slimRetired).
func (p *Pipeline) retire(id int) {
	p.cardOf(id)
	p.linker.Retire(id)
	if p.cfg.Lean {
		p.retired = append(p.retired, id)
		return
	}
	for _, i := range p.events[id] {
		p.details[i].sentences, p.details[i].captions, p.details[i].entities = nil, nil, nil
		delete(p.decisions, i)
	}
}

// slimRetired keeps, of the events a Lean pipeline retired since the last
// call, only what their storylines need: no summary, their main names as
// numbers, no article details (the store lists the articles; storylines
// count outlets). Not before Changes: an event may retire in the batch
// that made it, and its report and its articles' must still be stored.
func (p *Pipeline) slimRetired() {
	for _, id := range p.retired {
		c := &p.cards[id]
		c.summary = nil
		c.lean = p.names.compact(c.entities[:min(len(c.entities), leanEntities)])
		c.entities = nil
		for _, i := range p.events[id] {
			p.details[i] = nil
			delete(p.decisions, i)
		}
	}
	p.retired = p.retired[:0]
}

// Event reports one event.
func (p *Pipeline) Event(id int, opt Options) report.Event {
	p.cardOf(id)
	e, _ := p.event(id, opt)
	return p.withCard(e, id, opt)
}

// cardOf returns the current card of an event, writing it if need be.
func (p *Pipeline) cardOf(id int) *card {
	if p.stale(id) {
		_, d := p.event(id, Options{OmitArticles: true})
		d.write(p.cfg.SummarySentences)
		p.cards[id] = d.card
	}
	return &p.cards[id]
}

// stale reports whether an event gained articles since its card was
// written. A retired event's card is final: its members no longer hold
// text, and it gains no articles.
func (p *Pipeline) stale(id int) bool { return p.cards[id].size != int32(len(p.events[id])) }

// event reports an event without what its card holds, and returns the
// draft of a new card when the event changed since its card was written.
func (p *Pipeline) event(id int, opt Options) (report.Event, *draft) {
	ce := p.placer.Event(id)
	e := report.Event{ID: EventID(id), DateSource: string(analyze.DateUnknown)}
	stale := p.stale(id)
	var d *draft
	if stale {
		d = &draft{id: id, card: card{size: int32(len(p.events[id]))}}
	}
	if stale || !opt.OmitArticles {
		// Only a new card or the article list needs the articles: a
		// storyline lists its events on every change, from their cards.
		outlets := map[int32]bool{}
		for _, i := range p.events[id] {
			if !opt.OmitArticles {
				e.Articles = append(e.Articles, p.article(i, e.ID, opt.Explain))
			}
			if !stale {
				continue
			}
			if m := p.details[i]; m != nil {
				d.sources = append(d.sources, summarize.Source{Article: p.ids.id(int(i)), Headline: m.headline, Sentences: m.sentences, Captions: m.captions})
				d.entities = append(d.entities, m.entities)
			}
			r := p.records[i]
			if r.copyOf < 0 {
				d.card.reports++
			}
			if name := p.outlets.names[r.outlet]; name != "" && !outlets[r.outlet] {
				outlets[r.outlet] = true
				d.card.sources = append(d.card.sources, name)
			}
		}
	}
	dd, share, dated := ce.Day()
	if dated {
		e.Date, e.DateConfidence = day(dd), share
	}
	if stale {
		d.card.dateSource = e.DateSource
		if dated {
			d.card.dateSource = p.dateSource(id, dd)
		}
	}
	return e, d
}

// withCard completes an event's report from its card.
func (p *Pipeline) withCard(e report.Event, id int, opt Options) report.Event {
	c := p.cards[id]
	e.Title, e.Entities, e.Summary, e.DateSource, e.Sources = c.title, c.entities, c.summary, c.dateSource, c.sources
	if c.lean != nil {
		e.Entities = slices.Collect(p.cardEntities(&c))
	}
	if opt.OmitSummary {
		e.Summary = nil
	}
	return e
}

// A draft is a card about to be written, with the articles it is written
// from. Writing needs nothing else, so drafts are written on all cores.
type draft struct {
	id       int
	sources  []summarize.Source
	entities [][]entity.Entity
	card     card
}

func (d *draft) write(sentences int) {
	srcs := d.sources
	if len(srcs) > summarySources {
		srcs = append(srcs[:summarySources/2], srcs[len(srcs)-summarySources/2:]...)
	}
	d.card.title = summarize.Title(srcs)
	d.card.words = slices.Compact(slices.Sorted(slices.Values(analyze.TermIDs(d.card.title))))
	ents := entitiesOf(d.entities)
	d.card.entities = ents[:min(len(ents), maxEventEntities)]
	for _, s := range summarize.Summary(srcs, sentences) {
		d.card.summary = append(d.card.summary, report.Sentence{Text: s.Text, Article: s.Article})
	}
}

// writeAll writes drafts on all cores.
func writeAll(drafts []*draft, sentences int) {
	next := make(chan *draft)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(drafts)) {
		wg.Go(func() {
			for d := range next {
				d.write(sentences)
			}
		})
	}
	for _, d := range drafts {
		next <- d
	}
	close(next)
	wg.Wait()
}

// article reports document i, a member of event.
func (p *Pipeline) article(i int32, event string, explain bool) report.Article {
	a := report.Article{ID: p.ids.id(int(i)), Source: p.outlets.names[p.records[i].outlet], Event: event, DuplicateOf: p.duplicateOf(int(i))}
	if d := p.details[i]; d != nil {
		a.Title, a.Date, a.DateSource = d.headline, day(d.date), string(d.dateSource)
		a.URL, a.Author = d.url, d.author
	}
	if pl, ok := p.decisions[i]; ok && explain && a.DuplicateOf == "" {
		a.Explain = p.explain(pl)
	}
	return a
}

// Article reports a placed article as its event lists it, with the
// explanation of its placement, and the storyline its event is in now.
func (p *Pipeline) Article(id string) (a report.Article, storyline string, ok bool) {
	i, ok := p.ids.find(id)
	if !ok {
		return report.Article{}, "", false
	}
	ev := int(p.records[i].event)
	if sid, ok := p.linker.Of(ev); ok {
		storyline = StorylineID(sid)
	}
	return p.article(int32(i), EventID(ev), true), storyline, true
}

// dateSource says "given" when the event's date is the publication date an
// article came with and reports on, "inferred" when text had to tell it.
func (p *Pipeline) dateSource(event int, dd time.Time) string {
	for _, i := range p.events[event] {
		if d := p.details[i]; d != nil && d.dateSource == analyze.DateGiven && d.date.Equal(dd) && (d.eventDay.IsZero() || d.eventDay.Equal(dd)) {
			return string(analyze.DateGiven)
		}
	}
	return string(analyze.DateInferred)
}

func (p *Pipeline) explain(pl cluster.Placement) *report.Explain {
	x := &report.Explain{
		NewEvent: pl.New, Candidates: pl.Candidates,
		Body: pl.Best.Body, Lead: pl.Best.Lead, Entities: pl.Best.Entities,
		DaysApart: pl.Best.DaysApart, TimeFactor: pl.Best.Time, Similarity: pl.Best.Total,
		Threshold: p.cfg.Cluster.Threshold,
	}
	if m := p.placer.Model(); m != nil {
		x.Threshold = m.Join
		if pl.BestEvent >= 0 {
			for _, c := range m.Contributions(pl.Best) {
				x.Contributions = append(x.Contributions, report.Contribution{Feature: c.Feature, Value: c.Value, LogOdds: c.LogOdds})
			}
		}
	}
	if pl.BestEvent >= 0 {
		x.BestCandidate = EventID(pl.BestEvent)
	}
	if pl.Revised {
		x.MovedFrom = EventID(pl.From)
	}
	return x
}

// entitiesOf merges the entities of an event's articles by key, most
// salient first: the name is the most common full form, the aliases every
// other spelling.
func entitiesOf(docs [][]entity.Entity) []report.Entity {
	type acc struct {
		names    map[string]int
		types    map[entity.Type]int
		mentions int
		weight   float64
	}
	byKey := map[string]*acc{}
	var order []string
	for _, ents := range docs {
		for rank, e := range ents {
			a := byKey[e.Key]
			if a == nil {
				a = &acc{names: map[string]int{}, types: map[entity.Type]int{}}
				byKey[e.Key] = a
				order = append(order, e.Key)
			}
			a.names[e.Name] += e.Mentions
			for _, al := range e.Aliases {
				if _, ok := a.names[al]; !ok {
					a.names[al] = 0
				}
			}
			a.types[e.Type] += e.Mentions
			a.mentions += e.Mentions
			a.weight += float64(e.Mentions) + 1/float64(1+rank)
		}
	}
	out := make([]report.Entity, 0, len(order))
	weights := map[string]float64{}
	for _, k := range order {
		a := byKey[k]
		name := argmax(a.names, func(x, y string) bool { return len(x) > len(y) || len(x) == len(y) && x < y })
		var aliases []string
		for n := range a.names {
			if n != name {
				aliases = append(aliases, n)
			}
		}
		slices.Sort(aliases)
		t := argmax(a.types, func(x, y entity.Type) bool { return x < y })
		if aliases == nil {
			aliases = []string{}
		}
		out = append(out, report.Entity{Key: k, Name: name, Type: string(t), Aliases: aliases, Mentions: a.mentions})
		weights[name] = a.weight
	}
	// People, places and organisations first: they are who and where.
	// Nationalities and groups ("Syrian", "Kurds") are mentioned often and
	// tell a reader little that the places do not.
	other := func(e report.Entity) bool { return e.Type == string(entity.Other) }
	slices.SortStableFunc(out, func(a, b report.Entity) int {
		if c := cmpBool(other(a), other(b)); c != 0 {
			return c
		}
		return cmp.Compare(weights[b.Name], weights[a.Name])
	})
	return out
}

// mergeEntities sums the entities of a storyline's events, given event
// after event, by key: the name is the longest full form any event
// used, the aliases all other spellings. Names found in more of the events
// come first: they are what the storyline is about, where mentions favour
// whichever event was reported at length.
func mergeEntities(entities iter.Seq[report.Entity]) []report.Entity {
	type acc struct {
		report.Entity
		spread int
		names  []string // every spelling seen, with repeats
	}
	index := map[string]int{}
	var accs []acc
	for en := range entities {
		i, ok := index[en.Key]
		if !ok {
			i = len(accs)
			index[en.Key] = i
			accs = append(accs, acc{Entity: en})
		} else if a := &accs[i]; len(en.Name) > len(a.Name) {
			a.Name = en.Name
		}
		a := &accs[i]
		if ok {
			a.Mentions += en.Mentions
		}
		a.spread++
		a.names = append(append(a.names, en.Name), en.Aliases...)
	}
	slices.SortStableFunc(accs, func(a, b acc) int {
		if c := cmpBool(a.Type == string(entity.Other), b.Type == string(entity.Other)); c != 0 {
			return c // as in an event's list
		}
		if c := cmp.Compare(b.spread, a.spread); c != 0 {
			return c
		}
		return cmp.Compare(b.Mentions, a.Mentions)
	})
	out := make([]report.Entity, len(accs))
	for i, a := range accs {
		out[i] = a.Entity
		if a.spread == 1 {
			out[i].Aliases = slices.Clone(a.Aliases)
			continue
		}
		slices.Sort(a.names)
		out[i].Aliases = slices.DeleteFunc(slices.Compact(a.names), func(n string) bool { return n == a.Name })
	}
	return out
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// argmax returns the key with the largest count; better breaks ties.
func argmax[K comparable](m map[K]int, better func(a, b K) bool) K {
	var best K
	bestN, first := 0, true
	for k, n := range m {
		if first || n > bestN || (n == bestN && better(k, best)) {
			best, bestN, first = k, n, false
		}
	}
	return best
}

// storylineTitle names a storyline after what it is about: the title of
// its most reported event (the most articles that are not copies; the
// earliest among equals), which says what happened where a list of names
// may hold a tagger's mistakes. A storyline whose events have no title is
// named after its main actors and places (see titleOf).
func (p *Pipeline) storylineTitle(ids []int, names []report.Entity) string {
	best, most := "", -1
	for _, id := range ids {
		if c := p.cardOf(id); c.title != "" && c.reports > most {
			best, most = c.title, c.reports
		}
	}
	if best != "" {
		return best
	}
	return titleOf(names, "")
}

// titleOf names a storyline after its main actors and places, in the
// spirit of "Putin – Assad: Syria", or, lacking names, after its first
// event.
func titleOf(entities []report.Entity, first string) string {
	var people, others []string
	for _, e := range entities {
		switch {
		case e.Type == string(entity.Person) && len(people) < 2:
			people = append(people, surname(e.Name))
		case e.Type != string(entity.Person) && e.Type != string(entity.Other) && len(others) < 2:
			others = append(others, e.Name)
		}
	}
	switch {
	case len(people) > 0 && len(others) > 0:
		return strings.Join(people, "–") + ": " + strings.Join(others, ", ")
	case len(people) > 0:
		return strings.Join(people, "–")
	case len(others) > 0:
		return strings.Join(others, ", ")
	}
	return first
}

func surname(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return name
	}
	return f[len(f)-1]
}

// sortEvents orders dated events by date, undated ones after them, each
// group otherwise in creation order.
func sortEvents(evs []report.Event) {
	slices.SortStableFunc(evs, func(a, b report.Event) int {
		switch {
		case a.Date == nil && b.Date == nil:
			return 0
		case a.Date == nil:
			return 1
		case b.Date == nil:
			return -1
		}
		return cmp.Compare(*a.Date, *b.Date)
	})
}

func firstDate(s report.Storyline) string {
	if len(s.Events) > 0 && s.Events[0].Date != nil {
		return *s.Events[0].Date
	}
	return "9999"
}

func day(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

// EventID is the public id of the event a Placement numbers.
func EventID(n int) string { return "e" + strconv.Itoa(n+1) }

// StorylineID is the public id of the storyline a Link numbers.
func StorylineID(n int) string { return "s" + strconv.Itoa(n+1) }
