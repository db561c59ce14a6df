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
	df      map[uint64]int32
	namesDF map[string]int32
	docs    int
	logDocs float32 // log(docs+1), the numerator of every IDF
	seq     int
	events  []*Event // by id; evicted events stay here for reads, not in the index
	terms   map[uint64][]int32
	names   map[string][]int32

	touched []touch // events in the order they last grew, for expiry
	head    int
	clock   streamClock
	expired []int // events expired since the last call of Expired
}

// An Event is a set of documents reporting one real-world happening.
type Event struct {
	ID       int
	Articles []string // member article ids, in arrival order

	body     weights[uint64] // sum of members' unit tf vectors
	lead     weights[uint64]
	entities weights[string]
	days     weights[int64] // day (Unix days) -> confidence-weighted votes
	lastSeq  int
	lastDate time.Time // of its latest dated article
	given    int       // members that came with their date

	// Norms of the centroids under the IDF of when they were computed:
	// recomputing them for every comparison cost more than all else, and
	// IDF drifts slowly, so they are refreshed when the event grows or the
	// stream has grown by 1/64 since.
	bodyNorm, leadNorm, namesNorm float64
	normDocs                      int
	normStale                     bool
	hot                           bool
	indexed                       map[uint64]bool
	named                         map[string]bool
}

// Hot reports whether the event can still grow: whether it is in the index
// that proposes candidates.
func (e *Event) Hot() bool { return e.hot }

// Day returns the event's date, the day most of its evidence points to, with
// the share of the evidence behind it; ok is false when nothing is dated.
func (e *Event) Day() (day time.Time, share float64, ok bool) {
	var best int64
	var bestW, total float32
	for d, w := range e.days.all() {
		total += w
		if w > bestW || (w == bestW && d < best) {
			best, bestW = d, w
		}
	}
	if total == 0 {
		return time.Time{}, 0, false
	}
	return time.Unix(best*86400, 0).UTC(), float64(bestW / total), true
}

// Components are the parts of a similarity, reported by --explain.
type Components struct {
	Body      float64 `json:"body"`
	Lead      float64 `json:"lead"`
	Entities  float64 `json:"entities"`
	DaysApart float64 `json:"days_apart"` // -1 when either date is unknown
	Time      float64 `json:"time_factor"`
	Total     float64 `json:"total"`
}

// A Placement is the decision taken for one document.
type Placement struct {
	Article    string     `json:"article"`
	Event      int        `json:"event"`
	New        bool       `json:"new_event"`
	Candidates int        `json:"candidates"`
	Best       Components `json:"best"`           // the best candidate's similarity
	BestEvent  int        `json:"best_candidate"` // -1 when there was none
}

// NewPlacer returns an empty Placer.
func NewPlacer(cfg Config) *Placer {
	return &Placer{
		cfg:     cfg,
		df:      map[uint64]int32{},
		namesDF: map[string]int32{},
		terms:   map[uint64][]int32{},
		names:   map[string][]int32{},
	}
}

// Event returns the event with the given id.
func (p *Placer) Event(id int) *Event { return p.events[id] }

// Events returns all events, in order of creation.
func (p *Placer) Events() []*Event { return p.events }

// features is a document prepared for comparison under the current IDF.
type features struct {
	body, lead Vector
	// Comparison weights: a term's tf times its IDF squared, and the norm
	// of tf times IDF, so that a cosine with a centroid costs one lookup
	// per term.
	bodyQ, leadQ []weighted[uint64]
	namesQ       []weighted[string]
	bodyN, leadN float64
	namesN       float64
	names        weights[string]
	day          time.Time
	dayConf      float64
	given        bool // the document came with its date
	query        []uint64
}

// Vector is a weighted sparse vector sorted by term id.
type Vector = analyze.Vector

// Place decides the event of a document and updates the state.
func (p *Placer) Place(d *analyze.Document) Placement {
	p.seq++
	p.observe(d)
	f := p.prepare(d)
	pl := Placement{Article: d.Article.ID, BestEvent: -1}
	cands := p.candidates(f)
	pl.Candidates = len(cands)
	for _, id := range cands {
		c := p.similarity(f, p.events[id])
		if pl.BestEvent < 0 || c.Total > pl.Best.Total {
			pl.Best, pl.BestEvent = c, id
		}
	}
	if pl.BestEvent >= 0 && pl.Best.Total >= p.cfg.Threshold {
		pl.Event = pl.BestEvent
	} else {
		pl.Event, pl.New = p.newEvent(), true
	}
	p.add(p.events[pl.Event], d, f)
	p.expire()
	return pl
}

func (p *Placer) newEvent() int {
	e := &Event{
		ID:       len(p.events),
		body:     newWeights[uint64](64),
		lead:     newWeights[uint64](16),
		entities: newWeights[string](16),
		days:     newWeights[int64](2),
		indexed:  map[uint64]bool{},
		named:    map[string]bool{},
		hot:      true,
	}
	p.events = append(p.events, e)
	return e.ID
}

// observe updates document frequencies before comparing, so that a term's
// first occurrence is already counted.
func (p *Placer) observe(d *analyze.Document) {
	p.docs++
	p.clock.observe(d.Date)
	p.logDocs = float32(math.Log(float64(p.docs + 1)))
	for _, t := range d.Body {
		p.df[t.ID]++
	}
	for _, e := range d.Entities {
		p.namesDF[e.Key]++
	}
}

func (p *Placer) idf(id uint64) float32 {
	return p.logDocs - logCount(p.df[id]+1) + 1
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
func (p *Placer) nameIDF(key string) float64 {
	return math.Pow(math.Log(float64(p.docs+1)/float64(p.namesDF[key]+1))+1, p.cfg.NameIDFPower)
}

func (p *Placer) prepare(d *analyze.Document) features {
	f := features{body: unitTF(d.Body), lead: unitTF(d.Lead), names: entityWeights(d.Entities)}
	f.day, f.dayConf = d.EventDay, d.EventDayConf
	f.given = d.DateSource == analyze.DateGiven
	if f.day.IsZero() && !d.Date.IsZero() {
		f.day, f.dayConf = d.Date, 0.5
	}
	f.bodyQ, f.bodyN = p.queryWeights(f.body)
	f.leadQ, f.leadN = p.queryWeights(f.lead)
	for k, w := range f.names.all() {
		idf := p.nameIDF(k)
		x := float64(w) * idf
		f.namesN += x * x
		f.namesQ = append(f.namesQ, weighted[string]{k, x * idf})
	}
	q := make([]Term, len(f.body))
	for i, t := range f.body {
		q[i] = Term{ID: t.ID, W: t.W * p.idf(t.ID)}
	}
	slices.SortFunc(q, func(a, b Term) int {
		if c := cmp.Compare(b.W, a.W); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	for i := 0; i < len(q) && i < p.cfg.QueryTerms; i++ {
		f.query = append(f.query, q[i].ID)
	}
	return f
}

// Term is one weighted term.
type Term = analyze.Term

// unitTF turns counts into sublinear term frequencies of unit length.
func unitTF(v Vector) Vector {
	out := make(Vector, len(v))
	var norm float64
	for i, t := range v {
		w := 1 + float32(math.Log(float64(t.W)))
		out[i] = Term{ID: t.ID, W: w}
		norm += float64(w * w)
	}
	if norm > 0 {
		n := float32(math.Sqrt(norm))
		for i := range out {
			out[i].W /= n
		}
	}
	return out
}

// entityWeights gives each entity a salience: more mentions and an earlier
// first mention weigh more; nationalities and other groups weigh less than
// people, places and organisations.
func entityWeights(ents []entity.Entity) weights[string] {
	m := newWeights[string](len(ents))
	for _, e := range ents {
		w := 1 + math.Log(float64(max(e.Mentions, 1)))
		if e.FirstSentence < 3 {
			w *= 1.5
		}
		if e.Type == entity.Other {
			w *= 0.5
		}
		m.add(e.Key, float32(w))
	}
	return m
}

// candidates returns the live events that share the most query terms and
// names with the document, at most MaxCandidates of them.
func (p *Placer) candidates(f features) []int {
	hits := map[int32]float32{}
	for _, t := range f.query {
		for _, id := range p.terms[t] {
			hits[id]++
		}
	}
	for k := range f.names.all() {
		for _, id := range p.names[k] {
			hits[id] += 2
		}
	}
	ids := make([]int, 0, len(hits))
	for id := range hits {
		if p.events[id].hot {
			ids = append(ids, int(id))
		}
	}
	slices.SortFunc(ids, func(a, b int) int {
		if c := cmp.Compare(hits[int32(b)], hits[int32(a)]); c != 0 {
			return c
		}
		return cmp.Compare(b, a) // the more recent event first
	})
	if len(ids) > p.cfg.MaxCandidates {
		ids = ids[:p.cfg.MaxCandidates]
	}
	return ids
}

func (p *Placer) similarity(f features, e *Event) Components {
	c := Components{DaysApart: -1, Time: 1}
	p.refreshNorms(e)
	c.Body = cosine(f.bodyQ, f.bodyN, e.body, e.bodyNorm)
	c.Lead = cosine(f.leadQ, f.leadN, e.lead, e.leadNorm)
	c.Entities = cosine(f.namesQ, f.namesN, e.entities, e.namesNorm)
	if day, _, ok := e.Day(); ok && !f.day.IsZero() {
		c.DaysApart = math.Abs(f.day.Sub(day).Hours() / 24)
		over := math.Max(0, c.DaysApart-p.cfg.TimeGraceDays)
		scale := p.cfg.TimeScaleDays
		if !f.given || e.given == 0 {
			// A date read from the text may be a background or follow-up
			// date rather than the happening's: trust its distance less.
			scale = p.cfg.TextTimeScaleDays
		}
		c.Time = math.Exp(-over / scale)
	}
	c.Total = (p.cfg.BodyWeight*c.Body + p.cfg.LeadWeight*c.Lead + p.cfg.EntityWeight*c.Entities) * c.Time
	return c
}

// A weighted key is one entry of a document's comparison weights.
type weighted[K cmp.Ordered] struct {
	key K
	w   float64
}

// queryWeights prepares a unit tf vector for cosines with centroids.
func (p *Placer) queryWeights(v Vector) ([]weighted[uint64], float64) {
	q := make([]weighted[uint64], len(v))
	var n float64
	for i, t := range v {
		idf := float64(p.idf(t.ID))
		x := float64(t.W) * idf
		n += x * x
		q[i] = weighted[uint64]{t.ID, x * idf}
	}
	return q, n
}

// cosine compares a document, as comparison weights and squared norm, with
// a centroid and its norm, both weighted by IDF.
func cosine[K cmp.Ordered](q []weighted[K], qn float64, centroid weights[K], cn float64) float64 {
	if qn == 0 || cn == 0 {
		return 0
	}
	var dot float64
	for _, t := range q {
		if c, ok := centroid.get(t.key); ok {
			dot += t.w * float64(c)
		}
	}
	return dot / math.Sqrt(qn) / cn
}

// refreshNorms recomputes an event's centroid norms when it grew or the
// IDF may have drifted.
func (p *Placer) refreshNorms(e *Event) {
	if !e.normStale && p.docs <= e.normDocs+e.normDocs/64 {
		return
	}
	norm := func(c weights[uint64]) float64 {
		var n float64
		for id, w := range c.all() {
			x := float64(w) * float64(p.idf(id))
			n += x * x
		}
		return math.Sqrt(n)
	}
	e.bodyNorm, e.leadNorm = norm(e.body), norm(e.lead)
	var n float64
	for k, w := range e.entities.all() {
		x := float64(w) * p.nameIDF(k)
		n += x * x
	}
	e.namesNorm = math.Sqrt(n)
	e.normDocs, e.normStale = p.docs, false
}

func (p *Placer) add(e *Event, d *analyze.Document, f features) {
	e.Articles = append(e.Articles, d.Article.ID)
	for _, t := range f.body {
		e.body.add(t.ID, t.W)
	}
	for _, t := range f.lead {
		e.lead.add(t.ID, t.W)
	}
	for k, w := range f.names.all() {
		e.entities.add(k, w)
	}
	if !f.day.IsZero() {
		e.days.add(f.day.Unix()/86400, float32(max(f.dayConf, 0.1)))
	}
	if f.given {
		e.given++
	}
	e.lastSeq = p.seq
	if d.Date.After(e.lastDate) {
		e.lastDate = d.Date
	}
	p.touched = append(p.touched, touch{event: int32(e.ID), seq: p.seq})
	e.body.prune(p.cfg.CentroidTerms)
	e.lead.prune(p.cfg.CentroidTerms)
	e.normStale = true
	p.index(e, f)
}

// index adds the event to the posting lists of the document's query terms
// and names, keeping each list to its PostingCap most recent events.
func (p *Placer) index(e *Event, f features) {
	id := int32(e.ID)
	for _, t := range f.query {
		if !e.indexed[t] {
			e.indexed[t] = true
			p.terms[t] = appendCapped(p.terms[t], id, p.cfg.PostingCap)
		}
	}
	for k := range f.names.all() {
		if !e.named[k] {
			e.named[k] = true
			p.names[k] = appendCapped(p.names[k], id, p.cfg.PostingCap)
		}
	}
}

func appendCapped(list []int32, id int32, limit int) []int32 {
	list = append(list, id)
	if len(list) > limit {
		list = append(list[:0:0], list[len(list)-limit:]...)
	}
	return list
}

// expire takes events that stopped growing out of the hot index. Their ids
// stay in posting lists until pushed out, but are skipped as candidates.
// Events are visited in the order they were last touched, so each call costs
// amortised constant time however many events exist.
func (p *Placer) expire() {
	for p.head < len(p.touched) {
		t := p.touched[p.head]
		e := p.events[t.event]
		if e.lastSeq != t.seq || !e.hot {
			p.head++ // stale: the event was touched again later
			continue
		}
		idle := p.seq-e.lastSeq > p.cfg.IdleArticles
		if now := p.clock.now(); !idle && !now.IsZero() && !e.lastDate.IsZero() {
			idle = now.Sub(e.lastDate).Hours()/24 > p.cfg.IdleDays
		}
		if !idle {
			break
		}
		// A cold event never becomes a candidate again, so its centroid
		// and index bookkeeping can go: memory stays bounded by the hot
		// window however long the stream runs.
		e.hot = false
		e.body, e.lead, e.entities = weights[uint64]{}, weights[uint64]{}, weights[string]{}
		e.indexed, e.named = nil, nil
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
