package cluster

import (
	"cmp"
	"math"
	"slices"
	"time"

	"storyline/internal/analyze"
	"storyline/internal/entity"
)

// A Placer owns the state that evolves with the stream: document
// frequencies, live events and the inverted indexes over them. It is not
// safe for concurrent use: placement is one ordered step, and the same
// documents in the same order always give the same events.
type Placer struct {
	cfg     Config
	model   *Model // nil: the hand-weighted rule of Config
	terms   vocab  // body terms, by id
	names   vocab  // entity keys, by nameKey
	kinds   []kind // of each name, by slot
	docs    int
	logDocs float32 // log(docs+1), the numerator of every IDF
	seq     int
	events  []*Event // by id; cold events stay here for reads, not in the index

	// The inverted indexes, by vocabulary slot. They hold hot events only.
	termIndex map[uint32]postings
	nameIndex map[uint32]postings

	// Scratch of candidates: shared query terms and names by event id, zero
	// between calls, and the events hit.
	hits []int32
	hit  []int32

	scratch []entry  // for pruning
	fresh   []uint32 // for indexing
	ranked  []ranked // for Salient

	touched []touch // events in the order they last grew, for expiry
	head    int
	clock   streamClock
	expired []int // events expired since the last call of Expired

	// The latest placed documents, a ring, for revising their placement,
	// and the moves made since the last call of Moves.
	recent []member
	next   int
	moves  []Move
}

// An Event is a set of documents reporting one real-world happening.
type Event struct {
	ID int

	// The answer of Day, kept up to date as dates arrive, so that a cold
	// event needs nothing else.
	day          int64   // Unix days
	dayW, dayAll float32 // the votes for day, and all votes

	live *liveEvent // nil once the event is cold
}

// liveEvent is what a hot event needs to be compared and to grow.
type liveEvent struct {
	body, lead centroid // sums of members' unit tf vectors
	entities   centroid // sums of members' entity saliences, by hashed key
	names      []string // entity keys, parallel to entities
	indexed    []uint32 // term slots the event was ever posted under, sorted
	days       []vote   // in arrival order
	years      []yearCount
	numbers    []uint64 // hashed figures its members write, sorted, at most maxEventNumbers
	lastSeq    int
	lastDate   time.Time // of its latest dated article
	given      int       // members that came with their date
	size       int       // members
	// The sums of the members' norms under IDF when they joined: the
	// centroid's norm over them tells how alike the members are.
	bodyMass, leadMass float64

	// Norms of the centroids under the IDF of when they were computed:
	// recomputing them for every comparison cost more than all else, and
	// IDF drifts slowly, so they are refreshed when the event grows or the
	// stream has grown by 1/64 since.
	bodyNorm, leadNorm, namesNorm float64
	kindNorms                     [numKinds]float64
	normDocs                      int
	normStale                     bool
}

// A vote is the confidence-weighted evidence for an event's day.
type vote struct {
	day int64 // Unix days
	w   float32
}

// cohesion returns how alike the event's members are, by body and by lead:
// the norm of their sum over the sum of their norms, 1 when all are alike
// and 1/sqrt(n) when n have nothing in common.
func (l *liveEvent) cohesion() (body, lead float32) {
	ratio := func(norm, mass float64) float32 {
		if mass == 0 {
			return 1
		}
		return float32(min(norm/mass, 1))
	}
	return ratio(l.bodyNorm, l.bodyMass), ratio(l.leadNorm, l.leadMass)
}

// Hot reports whether the event can still grow: whether it is in the index
// that proposes candidates.
func (e *Event) Hot() bool { return e.live != nil }

// Day returns the event's date, the day most of its evidence points to, with
// the share of the evidence behind it; ok is false when nothing is dated.
func (e *Event) Day() (day time.Time, share float64, ok bool) {
	if e.dayAll == 0 {
		return time.Time{}, 0, false
	}
	return time.Unix(e.day*86400, 0).UTC(), float64(e.dayW / e.dayAll), true
}

// vote adds evidence for a day and updates the answer of Day.
func (e *Event) vote(day int64, w float32) {
	l := e.live
	if i := slices.IndexFunc(l.days, func(v vote) bool { return v.day == day }); i >= 0 {
		l.days[i].w += w
	} else {
		l.days = append(l.days, vote{day, w})
	}
	e.tally()
}

// tally sets the answer of Day from the votes, summed in arrival order, as
// always, so that the share is the same on every run.
func (e *Event) tally() {
	l := e.live
	var best int64
	var bestW, total float32
	for _, v := range l.days {
		total += v.w
		if v.w > bestW || (v.w == bestW && v.day < best) {
			best, bestW = v.day, v.w
		}
	}
	e.day, e.dayW, e.dayAll = best, bestW, total
}

// Components are the parts of a similarity, reported by --explain.
type Components struct {
	Body      float64 `json:"body"`
	Lead      float64 `json:"lead"`
	Entities  float64 `json:"entities"`
	People    float64 `json:"people"`
	Places    float64 `json:"places"`
	Orgs      float64 `json:"orgs"`
	DaysApart float64 `json:"days_apart"` // -1 when either date is unknown
	Time      float64 `json:"time_factor"`
	// Total is what the decision compares: the model's probability that
	// the document reports the event, or the hand-weighted score.
	Total float64 `json:"total"`
	// Features are what the model weighed, and Prior what was added to its
	// log-odds for the time between dates read from text.
	Features FeatureVector `json:"-"`
	Prior    float64       `json:"prior"`
}

// A Placement is the decision taken for one document.
type Placement struct {
	Article    string     `json:"article"`
	Event      int        `json:"event"`
	New        bool       `json:"new_event"`
	Candidates int        `json:"candidates"`
	Best       Components `json:"best"`           // the best candidate's similarity
	BestEvent  int        `json:"best_candidate"` // -1 when there was none
	// Revised is set on a decision taken again later (see Move), which
	// moved the article from event From.
	Revised bool `json:"revised,omitempty"`
	From    int  `json:"from,omitempty"`
}

// NewPlacer returns an empty Placer. It decides with cfg.Model, or with the
// shipped model when that is nil, unless cfg.Linear asks for the
// hand-weighted rule.
func NewPlacer(cfg Config) *Placer {
	model := cfg.Model
	if model == nil && !cfg.Linear {
		model = DefaultModel()
	}
	if cfg.Linear {
		model = nil
	}
	return &Placer{
		cfg:       cfg,
		model:     model,
		terms:     newVocab(),
		names:     newVocab(),
		termIndex: map[uint32]postings{},
		nameIndex: map[uint32]postings{},
	}
}

// Event returns the event with the given id.
func (p *Placer) Event(id int) *Event { return p.events[id] }

// Events returns all events, in order of creation.
func (p *Placer) Events() []*Event { return p.events }

// features is a document prepared for comparison under the current IDF.
type features struct {
	// Terms and names sorted by key, with their comparison weights: a
	// cosine with a centroid is then one merge of the two.
	body, lead, names []qterm
	nameKeys          []string // parallel to names
	// Squared norms of tf times IDF.
	bodyN, leadN, namesN float64
	kindN                [numKinds]float64
	years                []int
	numbers              []uint64  // hashed figures
	terms                int       // distinct body terms
	day                  time.Time // where the document stands in time
	voteDay              time.Time // what it says of its event's day
	dayConf              float64
	given                bool     // the document came with its date
	query                []uint32 // slots of the highest-weighted body terms, sorted
}

// Vector is a weighted sparse vector sorted by term id.
type Vector = analyze.Vector

// Place decides the event of a document and updates the state.
func (p *Placer) Place(d *analyze.Document) Placement {
	p.seq++
	p.observe(d)
	f := p.prepare(d, true)
	pl := Placement{Article: d.Article.ID, BestEvent: -1}
	cands := p.candidates(&f)
	pl.Candidates = len(cands)
	comps := p.compare(&f, cands)
	for i, c := range comps {
		if pl.BestEvent < 0 || c.Total > pl.Best.Total {
			pl.Best, pl.BestEvent = c, int(cands[i])
		}
	}
	if pl.BestEvent >= 0 && pl.Best.Total >= p.join() {
		pl.Event = pl.BestEvent
	} else {
		pl.Event, pl.New = p.newEvent(), true
	}
	p.add(p.events[pl.Event], d.Date, &f)
	p.remember(d, pl.Event, &f)
	p.expire()
	return pl
}

// Model returns the model that decides joins, nil under the hand-weighted
// rule.
func (p *Placer) Model() *Model { return p.model }

// join is the score from which a document joins its best candidate.
func (p *Placer) join() float64 {
	if p.model != nil {
		return p.model.Join
	}
	return p.cfg.Threshold
}

func (p *Placer) newEvent() int {
	e := &Event{ID: len(p.events), live: &liveEvent{}}
	p.events = append(p.events, e)
	p.hits = append(p.hits, 0)
	return e.ID
}

// observe counts the document in the stream; prepare counts its terms and
// names.
func (p *Placer) observe(d *analyze.Document) {
	p.docs++
	p.clock.observe(d.Date)
	p.logDocs = float32(math.Log(float64(p.docs + 1)))
}

func (p *Placer) idf(slot uint32) float32 {
	return p.logDocs - logCount(p.terms.df[slot]+1) + 1
}

// logTable holds log(n) for small n: IDF is computed for every term of every
// comparison, and most document frequencies are small.
var logTable = func() []float32 {
	t := make([]float32, 1<<16)
	for n := 1; n < len(t); n++ {
		t[n] = float32(math.Log(float64(n)))
	}
	return t
}()

func logCount(n int32) float32 {
	if int(n) < len(logTable) {
		return logTable[n]
	}
	return float32(math.Log(float64(n)))
}

// nameIDF makes a rare name (a suspect, a ship, a town) count for more
// than one in every story (a president, a country).
func (p *Placer) nameIDF(slot uint32) float64 {
	return math.Pow(math.Log(float64(p.docs+1)/float64(p.names.df[slot]+1))+1, p.cfg.NameIDFPower)
}

// prepare turns a document into features. With count, its terms and names
// first add to their document frequencies, so that a term's first
// occurrence is already counted.
func (p *Placer) prepare(d *analyze.Document, count bool) features {
	var f features
	// The day the text says the happening took place is evidence for the
	// event's day; the document's own place in time is the date it came
	// with, where it came with one: a date read from the text may be a
	// background or follow-up date, and pushed true members away.
	f.voteDay, f.dayConf = d.EventDay, d.EventDayConf
	if f.voteDay.IsZero() && !d.Date.IsZero() {
		f.voteDay, f.dayConf = d.Date, 0.5
	}
	f.given = d.DateSource == analyze.DateGiven
	f.day = f.voteDay
	if f.given {
		f.day = d.Date
	}
	f.years, f.terms = d.Years, len(d.Body)
	f.numbers = make([]uint64, len(d.Numbers))
	for i, n := range d.Numbers {
		f.numbers[i] = nameKey(n)
	}
	body, lead := sorted(d.Body), sorted(d.Lead)
	terms := make([]qterm, len(body)+len(lead))
	f.body, f.lead = terms[:len(body):len(body)], terms[len(body):]
	unitTF(f.body, body)
	unitTF(f.lead, lead)
	for i := range f.body {
		t := &f.body[i]
		t.slot = p.terms.slot(t.key)
		if count {
			p.terms.df[t.slot]++
		}
	}
	// The lead mostly repeats the body, whose slots are known.
	j := 0
	for i := range f.lead {
		t := &f.lead[i]
		for j < len(f.body) && f.body[j].key < t.key {
			j++
		}
		if j < len(f.body) && f.body[j].key == t.key {
			t.slot = f.body[j].slot
		} else {
			t.slot = p.terms.slot(t.key)
		}
	}
	p.entityWeights(&f, d.Entities, count)

	f.bodyN = p.queryWeights(f.body)
	f.leadN = p.queryWeights(f.lead)
	// In the order the document names them, as always: the squared norm
	// comes out the same to the last bit.
	for i := range f.names {
		t := &f.names[i]
		idf := p.nameIDF(t.slot)
		x := float64(t.tf) * idf
		f.namesN += x * x
		f.kindN[p.kinds[t.slot]] += x * x
		t.q = x * idf
	}
	sortNames(f.names, f.nameKeys)

	// The query terms: the heaviest under tf times IDF, by id on ties.
	type weighted struct {
		id   uint64
		slot uint32
		w    float32
	}
	q := make([]weighted, len(f.body))
	for i, t := range f.body {
		q[i] = weighted{t.key, t.slot, t.tf * p.idf(t.slot)}
	}
	q = best(q, p.cfg.QueryTerms, func(a, b weighted) bool {
		return a.w > b.w || a.w == b.w && a.id < b.id
	})
	f.query = make([]uint32, len(q))
	for i, t := range q {
		f.query[i] = t.slot
	}
	slices.Sort(f.query)
	return f
}

// sorted returns v sorted by term id; analysis sorts it already.
func sorted(v Vector) Vector {
	if slices.IsSortedFunc(v, func(a, b analyze.Term) int { return cmp.Compare(a.ID, b.ID) }) {
		return v
	}
	v = slices.Clone(v)
	slices.SortStableFunc(v, func(a, b analyze.Term) int { return cmp.Compare(a.ID, b.ID) })
	return v
}

// unitTF sets out to sublinear term frequencies of counts v, of unit length.
func unitTF(out []qterm, v Vector) {
	var norm float64
	for i, t := range v {
		w := 1 + float32(math.Log(float64(t.W)))
		out[i] = qterm{key: t.ID, tf: w}
		norm += float64(w * w)
	}
	if norm > 0 {
		n := float32(math.Sqrt(norm))
		for i := range out {
			out[i].tf /= n
		}
	}
}

// entityWeights sets the document's names, in the order it first mentions
// them, each with a salience: more mentions and an earlier first mention
// weigh more; nationalities and other groups weigh less than people, places
// and organisations.
func (p *Placer) entityWeights(f *features, ents []entity.Entity, count bool) {
	f.names = make([]qterm, 0, len(ents))
	f.nameKeys = make([]string, 0, len(ents))
	for _, e := range ents {
		w := 1 + math.Log(float64(max(e.Mentions, 1)))
		if e.FirstSentence < 3 {
			w *= 1.5
		}
		if e.Type == entity.Other {
			w *= 0.5
		}
		k := nameKey(e.Key)
		i := slices.IndexFunc(f.names, func(t qterm) bool { return t.key == k })
		if i < 0 {
			i = len(f.names)
			slot := p.names.slot(k)
			if int(slot) == len(p.kinds) {
				p.kinds = append(p.kinds, kindOf(e.Type))
			}
			f.names = append(f.names, qterm{key: k, slot: slot})
			f.nameKeys = append(f.nameKeys, e.Key)
		}
		f.names[i].tf += float32(w)
		if count {
			p.names.df[f.names[i].slot]++
		}
	}
}

// sortNames sorts names by key, and keys alongside.
func sortNames(names []qterm, keys []string) {
	if slices.IsSortedFunc(names, func(a, b qterm) int { return cmp.Compare(a.key, b.key) }) {
		return
	}
	type named struct {
		qterm
		name string
	}
	both := make([]named, len(names))
	for i := range names {
		both[i] = named{names[i], keys[i]}
	}
	slices.SortFunc(both, func(a, b named) int { return cmp.Compare(a.key, b.key) })
	for i := range both {
		names[i], keys[i] = both[i].qterm, both[i].name
	}
}

// queryWeights sets the comparison weights of unit tf terms and returns
// their squared norm under IDF.
func (p *Placer) queryWeights(ts []qterm) float64 {
	var n float64
	for i := range ts {
		t := &ts[i]
		idf := float64(p.idf(t.slot))
		x := float64(t.tf) * idf
		n += x * x
		t.q = x * idf
	}
	return n
}

// candidates returns the live events that share the most query terms and
// names with the document, at most MaxCandidates of them.
func (p *Placer) candidates(f *features) []int32 {
	hit := p.hit[:0]
	count := func(l postings, n int32) {
		for _, e := range l.events {
			if p.hits[e.event] == 0 {
				hit = append(hit, e.event)
			}
			p.hits[e.event] += n
		}
	}
	for _, t := range f.query {
		count(p.termIndex[t], 1)
	}
	for _, t := range f.names {
		count(p.nameIndex[t.slot], 2)
	}
	// The most hits first, then the more recent event.
	order := func(a, b int32) int {
		if c := cmp.Compare(p.hits[b], p.hits[a]); c != 0 {
			return c
		}
		return cmp.Compare(b, a)
	}
	ids := slices.Clone(best(hit, p.cfg.MaxCandidates, func(a, b int32) bool { return order(a, b) < 0 }))
	slices.SortFunc(ids, order)
	for _, id := range hit {
		p.hits[id] = 0
	}
	p.hit = hit
	return ids
}

// compare scores the document against each candidate: the similarities,
// then the features of each pair (some of which, the margins, depend on
// the other candidates), then the total the decision compares.
func (p *Placer) compare(f *features, cands []int32) []Components {
	comps := make([]Components, len(cands))
	for i, id := range cands {
		comps[i] = p.similarity(f, p.events[id])
	}
	for i := range comps {
		c := &comps[i]
		x := &c.Features
		var otherBody, otherNames float64
		for j := range comps {
			if j != i {
				otherBody = max(otherBody, comps[j].Body)
				otherNames = max(otherNames, comps[j].Entities)
			}
		}
		l := p.events[cands[i]].live
		x[fBody], x[fLead], x[fNames] = float32(c.Body), float32(c.Lead), float32(c.Entities)
		x[fPeople], x[fPlaces], x[fOrgs] = float32(c.People), float32(c.Places), float32(c.Orgs)
		switch {
		case c.DaysApart < 0:
			x[fUndated] = 1
		case f.given && l.given > 0:
			x[fGapGiven] = float32(math.Log1p(math.Max(0, c.DaysApart-p.cfg.TimeGraceDays)))
		default:
			// Labelled data counts a trial two years on as the event it
			// follows; a reader wants it apart. So the gap between dates
			// read from text is not learned: it is a fixed prior, the log
			// of the time factor.
			c.Prior = -math.Max(0, c.DaysApart-p.cfg.TimeGraceDays) / p.cfg.TextTimeScaleDays
		}
		if len(f.years) > 0 && len(l.years) > 0 {
			x[fYearsBoth] = 1
			x[fYearsShared] = float32(sharedYears(f.years, l.years))
		}
		x[fShort] = float32(1 - math.Min(float64(f.terms)/150, 1))
		x[fSize] = float32(math.Log1p(float64(l.size)))
		x[fBodyMargin] = float32(c.Body - otherBody)
		x[fNamesMargin] = float32(c.Entities - otherNames)
		x[fBodyShort] = x[fBody] * x[fShort]
		x[fBodySize] = x[fBody] * x[fSize]
		x[fGapGivenBody] = x[fGapGiven] * x[fBody]
		x[fSizeShort] = x[fSize] * x[fShort]
		// The cosine with a centroid rewards an event whose members drifted
		// apart as much as one whose members agree; times the event's
		// cohesion it is the mean similarity with its members (average
		// linkage), which a chain of loosely related reports does not reach.
		if len(f.numbers) > 0 && len(l.numbers) > 0 {
			x[fNumbersBoth] = 1
			x[fNumbersShared] = float32(sharedNumbers(f.numbers, l.numbers))
		}
		bodyCohesion, leadCohesion := l.cohesion()
		x[fBodyLinked] = x[fBody] * bodyCohesion
		x[fLeadLinked] = x[fLead] * leadCohesion
		x[fCohesion] = bodyCohesion
		if p.model != nil {
			c.Total = sigmoid(p.model.Logit(x) + c.Prior)
		} else {
			c.Total = (p.cfg.BodyWeight*c.Body + p.cfg.LeadWeight*c.Lead + p.cfg.EntityWeight*c.Entities) * c.Time
		}
	}
	return comps
}

func (p *Placer) similarity(f *features, e *Event) Components {
	c := Components{DaysApart: -1, Time: 1}
	l := e.live
	p.refreshNorms(l)
	c.Body = cosine(f.body, f.bodyN, l.body, l.bodyNorm)
	c.Lead = cosine(f.lead, f.leadN, l.lead, l.leadNorm)
	all, byKind := dotKinds(f.names, l.entities, p.kinds)
	c.Entities = ratio(all, f.namesN, l.namesNorm)
	c.People = ratio(byKind[person], f.kindN[person], l.kindNorms[person])
	c.Places = ratio(byKind[place], f.kindN[place], l.kindNorms[place])
	c.Orgs = ratio(byKind[org], f.kindN[org], l.kindNorms[org])
	if day, _, ok := e.Day(); ok && !f.day.IsZero() {
		c.DaysApart = math.Abs(f.day.Sub(day).Hours() / 24)
		over := math.Max(0, c.DaysApart-p.cfg.TimeGraceDays)
		scale := p.cfg.TimeScaleDays
		if !f.given || l.given == 0 {
			// A date read from the text may be a background or follow-up
			// date rather than the happening's: trust its distance less.
			scale = p.cfg.TextTimeScaleDays
		}
		c.Time = math.Exp(-over / scale)
	}
	return c
}

// ratio is a dot product over the square root of one squared norm and a
// norm: a cosine, or 0 where either side is empty.
func ratio(dot, qn, cn float64) float64 {
	if qn == 0 || cn == 0 {
		return 0
	}
	return dot / math.Sqrt(qn) / cn
}

// cosine compares a document, as comparison weights and squared norm, with
// a centroid and its norm, both weighted by IDF.
func cosine(q []qterm, qn float64, c centroid, cn float64) float64 {
	if qn == 0 || cn == 0 {
		return 0
	}
	return dot(q, c) / math.Sqrt(qn) / cn
}

// refreshNorms recomputes an event's centroid norms when it grew or the
// IDF may have drifted.
func (p *Placer) refreshNorms(l *liveEvent) {
	if !l.normStale && p.docs <= l.normDocs+l.normDocs/64 {
		return
	}
	norm := func(c centroid) float64 {
		var n float64
		for _, t := range c {
			x := float64(t.w) * float64(p.idf(t.slot))
			n += x * x
		}
		return math.Sqrt(n)
	}
	l.bodyNorm, l.leadNorm = norm(l.body), norm(l.lead)
	var n float64
	var byKind [numKinds]float64
	for _, t := range l.entities {
		x := float64(t.w) * p.nameIDF(t.slot)
		n += x * x
		byKind[p.kinds[t.slot]] += x * x
	}
	l.namesNorm = math.Sqrt(n)
	for k := range byKind {
		l.kindNorms[k] = math.Sqrt(byKind[k])
	}
	l.normDocs, l.normStale = p.docs, false
}

func (p *Placer) add(e *Event, date time.Time, f *features) {
	l := e.live
	p.index(e, f)
	l.body = l.body.add(f.body, nil, nil)
	l.lead = l.lead.add(f.lead, nil, nil)
	l.entities = l.entities.add(f.names, &l.names, f.nameKeys)
	if !f.voteDay.IsZero() {
		e.vote(f.voteDay.Unix()/86400, float32(max(f.dayConf, 0.1)))
	}
	if f.given {
		l.given++
	}
	l.years = countYears(l.years, f.years)
	l.numbers = addNumbers(l.numbers, f.numbers)
	l.size++
	l.bodyMass += math.Sqrt(f.bodyN)
	l.leadMass += math.Sqrt(f.leadN)
	l.lastSeq = p.seq
	if date.After(l.lastDate) {
		l.lastDate = date
	}
	p.touched = append(p.touched, touch{event: int32(e.ID), seq: p.seq})
	l.body, p.scratch = l.body.prune(p.cfg.CentroidTerms, p.scratch)
	l.lead, p.scratch = l.lead.prune(p.cfg.CentroidTerms, p.scratch)
	l.normStale = true
}

// index adds the event to the posting lists of the document's query terms
// and names it was never posted under, keeping each list to its PostingCap
// most recent events. It runs before the names join the event: an event has
// been posted under exactly the names of its centroid.
func (p *Placer) index(e *Event, f *features) {
	l := e.live
	id := int32(e.ID)
	fresh := p.fresh[:0]
	i := 0
	for _, t := range f.query {
		for i < len(l.indexed) && l.indexed[i] < t {
			i++
		}
		if i == len(l.indexed) || l.indexed[i] != t {
			p.post(p.termIndex, t, id)
			fresh = append(fresh, t)
		}
	}
	if len(fresh) > 0 {
		l.indexed = mergeSorted(l.indexed, fresh)
	}
	p.fresh = fresh
	i = 0
	for _, t := range f.names {
		for i < len(l.entities) && l.entities[i].key < t.key {
			i++
		}
		if i == len(l.entities) || l.entities[i].key != t.key {
			p.post(p.nameIndex, t.slot, id)
		}
	}
}

// mergeSorted merges b into a, both sorted and without common elements.
func mergeSorted(a, b []uint32) []uint32 {
	n := len(a)
	a = slices.Grow(a, len(b))[:n+len(b)]
	i, j := n-1, len(b)-1
	for k := len(a) - 1; j >= 0; k-- {
		if i >= 0 && a[i] > b[j] {
			a[k] = a[i]
			i--
		} else {
			a[k] = b[j]
			j--
		}
	}
	return a
}

func (p *Placer) post(index map[uint32]postings, slot uint32, event int32) {
	l := index[slot]
	l.add(event, p.cfg.PostingCap)
	index[slot] = l
}

func unpost(index map[uint32]postings, slot uint32, event int32) {
	l, ok := index[slot]
	if !ok || !l.remove(event) {
		return // pushed out of the list already
	}
	if len(l.events) == 0 {
		// What a list keeps depends only on the appends that come after
		// each entry: an empty one can go, count and all.
		delete(index, slot)
	} else {
		index[slot] = l
	}
}

// expire takes events that stopped growing out of the hot index. Events
// are visited in the order they were last touched, so each call costs
// amortised constant time however many events exist.
func (p *Placer) expire() {
	for p.head < len(p.touched) {
		t := p.touched[p.head]
		e := p.events[t.event]
		l := e.live
		if l == nil || l.lastSeq != t.seq {
			p.head++ // stale: the event was touched again later
			continue
		}
		idle := p.seq-l.lastSeq > p.cfg.IdleArticles
		if now := p.clock.now(); !idle && !now.IsZero() && !l.lastDate.IsZero() {
			idle = now.Sub(l.lastDate).Hours()/24 > p.cfg.IdleDays
		}
		if !idle {
			break
		}
		// A cold event never becomes a candidate again, so it leaves the
		// posting lists and keeps only its date: memory stays bounded by
		// the hot window however long the stream runs.
		for _, s := range l.indexed {
			unpost(p.termIndex, s, t.event)
		}
		for _, n := range l.entities {
			unpost(p.nameIndex, n.slot, t.event)
		}
		e.live = nil
		p.expired = append(p.expired, e.ID)
		p.head++
	}
	if p.head > 4096 && p.head*2 > len(p.touched) {
		p.touched = append(p.touched[:0:0], p.touched[p.head:]...)
		p.head = 0
	}
}

// Expired returns the events that left the hot index since the last call:
// they will not grow again, and their centroids are gone (Day still works).
func (p *Placer) Expired() []int {
	out := p.expired
	p.expired = nil
	return out
}

// A streamClock tells the stream's "now": the median date of the latest
// dated articles. The latest date alone would let one article dated 2091
// expire every live event.
type streamClock struct {
	recent [clockWindow]int64 // Unix days, a ring
	n      int                // dates seen
	median time.Time
}

// clockWindow is how many recent dates the clock's median is taken over;
// it is recomputed every clockWindow/4 dates.
const clockWindow = 1024

func (c *streamClock) observe(t time.Time) {
	if t.IsZero() {
		return
	}
	c.recent[c.n%clockWindow] = t.Unix() / 86400
	c.n++
	if c.n < 16 || c.n%(clockWindow/4) == 0 {
		days := slices.Clone(c.recent[:min(c.n, clockWindow)])
		slices.Sort(days)
		c.median = time.Unix(days[(len(days)-1)/2]*86400, 0).UTC() // the lower median: early on, one outlier in two dates is not "now"
	}
}

func (c *streamClock) now() time.Time { return c.median }

// A touch records that an event grew at a stream position.
type touch struct {
	event int32
	seq   int
}
