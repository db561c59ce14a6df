package cluster

import (
	"cmp"
	"math"
	"slices"
	"time"

	"storyline/internal/analyze"
)

// Revisable placement: a decision taken when an event had one article is
// often wrong once it has ten. Every ReviseEvery placements the placer takes
// each document of the latest ReviseWindow out of its event and decides
// again where it belongs, against the events as they are now: it moves to
// another event the model now prefers clearly (by ReviseMargin), leaves an
// event it no longer fits to start its own (a split), and when the last
// member of an event moves, that event has merged into the other. The cost
// per article is bounded by ReviseWindow/ReviseEvery re-decisions, and the
// same input in the same order gives the same moves.

// A Move is a revision of an earlier placement: the article left event
// From for event To, which is new when it split away. A Move with Merged
// set moves no one article but all of event From, which no longer exists:
// its members now belong to To. A merge keeps the older of the two ids.
type Move struct {
	Article  string
	From, To int
	New      bool
	Merged   bool
	// Placement is the decision that moved it, for --explain.
	Placement Placement
}

// A member is a recently placed document, kept so that its placement can be
// revised.
type member struct {
	id    string
	event int
	date  time.Time
	f     features
}

// Moves returns the moves made since the last call, in order.
func (p *Placer) Moves() []Move {
	out := p.moves
	p.moves = nil
	return out
}

// remember keeps a placed document for revision.
func (p *Placer) remember(d *analyze.Document, event int, f *features) {
	if p.cfg.ReviseWindow <= 0 {
		return
	}
	m := member{id: d.Article.ID, event: event, date: d.Date, f: *f}
	if len(p.recent) < p.cfg.ReviseWindow {
		p.recent = append(p.recent, m)
	} else {
		p.recent[p.next] = m
	}
	p.next = (p.next + 1) % p.cfg.ReviseWindow
	if p.cfg.ReviseEvery > 0 && p.seq%p.cfg.ReviseEvery == 0 {
		p.revise()
	}
}

// revise decides again for every remembered document, oldest first.
func (p *Placer) revise() {
	n := len(p.recent)
	for k := range n {
		i := k
		if n == p.cfg.ReviseWindow {
			i = (p.next + k) % n
		}
		p.reconsider(&p.recent[i])
	}
}

// reconsider takes one document out of its event and places it again.
func (p *Placer) reconsider(m *member) {
	from := p.events[m.event]
	if !from.Hot() {
		return // its event is closed: the decision stands
	}
	p.remove(from, &m.f)
	cands := p.candidates(&m.f)
	comps := p.compare(&m.f, cands)
	stay, best := -1, -1
	for i, c := range comps {
		if int(cands[i]) == m.event {
			stay = i
		} else if best < 0 || c.Total > comps[best].Total {
			best = i
		}
	}
	var own float64
	if stay >= 0 {
		own = comps[stay].Total
	}
	empty := from.live.size == 0
	to, fresh := m.event, false
	switch {
	case best >= 0 && comps[best].Total >= p.join() && (empty || comps[best].Total > own+p.cfg.ReviseMargin):
		to = int(cands[best])
	case !empty && own < p.join()-p.cfg.ReviseMargin && (best < 0 || comps[best].Total < p.join()):
		to, fresh = p.newEvent(), true
	}
	if empty && to != m.event && from.ID < to {
		// The document was all of its event and belongs with another,
		// younger one: they are one event, under the older id.
		p.readd(from, m)
		p.merge(from, p.events[to])
		return
	}
	p.readd(p.events[to], m)
	if to == m.event {
		return
	}
	pl := Placement{Article: m.id, Event: to, New: fresh, Candidates: len(cands), BestEvent: -1, Revised: true, From: m.event}
	if best >= 0 {
		pl.Best, pl.BestEvent = comps[best], int(cands[best])
	}
	p.moves = append(p.moves, Move{Article: m.id, From: m.event, To: to, New: fresh, Placement: pl})
	if empty {
		p.close(from, to)
	}
	m.event = to
}

// merge adds event src to dst: centroids, votes and counts, and the index
// entries that find it; src then no longer exists.
func (p *Placer) merge(dst, src *Event) {
	d, s := dst.live, src.live
	// dst is posted where src was, as recently as src: the lists keep
	// their latest appends, and src's may be the more recent.
	id := int32(dst.ID)
	var fresh []uint32
	for _, t := range s.indexed {
		if _, found := slices.BinarySearch(d.indexed, t); found {
			unpost(p.termIndex, t, id)
		} else {
			fresh = append(fresh, t)
		}
		p.post(p.termIndex, t, id)
	}
	d.indexed = mergeSorted(d.indexed, fresh)
	names := make([]qterm, len(s.entities))
	for i, e := range s.entities {
		names[i] = qterm{key: e.key, slot: e.slot, tf: e.w}
		if _, found := slices.BinarySearchFunc(d.entities, e.key, func(x entry, k uint64) int { return cmp.Compare(x.key, k) }); found {
			unpost(p.nameIndex, e.slot, id)
		}
		p.post(p.nameIndex, e.slot, id)
	}
	d.entities = d.entities.add(names, &d.names, s.names)
	d.body = d.body.add(asTerms(s.body), nil, nil)
	d.lead = d.lead.add(asTerms(s.lead), nil, nil)
	for _, v := range s.days {
		dst.vote(v.day, v.w)
	}
	for _, y := range s.years {
		for range y.n {
			d.years = countYears(d.years, []int{int(y.year)})
		}
	}
	d.numbers = addNumbers(d.numbers, s.numbers)
	d.given += s.given
	d.size += s.size
	d.bodyMass += s.bodyMass
	d.leadMass += s.leadMass
	d.lastSeq = p.seq
	d.lastDate = maxTime(d.lastDate, s.lastDate)
	p.touched = append(p.touched, touch{event: int32(dst.ID), seq: p.seq})
	d.body, p.scratch = d.body.prune(p.cfg.CentroidTerms, p.scratch)
	d.lead, p.scratch = d.lead.prune(p.cfg.CentroidTerms, p.scratch)
	d.normStale = true
	p.close(src, dst.ID)
}

// close ends an event whose members all moved to event into: it leaves the
// index, and the remembered documents that were its own are into's now.
func (p *Placer) close(e *Event, into int) {
	l := e.live
	for _, s := range l.indexed {
		unpost(p.termIndex, s, int32(e.ID))
	}
	for _, n := range l.entities {
		unpost(p.nameIndex, n.slot, int32(e.ID))
	}
	e.live = nil
	for i := range p.recent {
		if p.recent[i].event == e.ID {
			p.recent[i].event = into
		}
	}
	p.moves = append(p.moves, Move{From: e.ID, To: into, Merged: true})
}

func asTerms(c centroid) []qterm {
	out := make([]qterm, len(c))
	for i, e := range c {
		out[i] = qterm{key: e.key, slot: e.slot, tf: e.w}
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// readd adds a remembered document back to an event.
func (p *Placer) readd(e *Event, m *member) { p.add(e, m.date, &m.f) }

// remove takes a document's share out of an event. Entries whose weight
// falls to zero stay, at zero: the index holds the event under every name
// its centroid lists, and expiry takes it out of those lists by them.
func (l *liveEvent) remove(f *features) {
	l.body.sub(f.body)
	l.lead.sub(f.lead)
	l.entities.sub(f.names)
	if f.given {
		l.given--
	}
	l.years = uncountYears(l.years, f.years)
	l.size--
	l.bodyMass = max(0, l.bodyMass-math.Sqrt(f.bodyN))
	l.leadMass = max(0, l.leadMass-math.Sqrt(f.leadN))
	l.normStale = true
}

func (p *Placer) remove(e *Event, f *features) {
	e.live.remove(f)
	if !f.voteDay.IsZero() {
		e.unvote(f.voteDay.Unix()/86400, float32(max(f.dayConf, 0.1)))
	}
}

// sub subtracts a document's terms from c, down to zero at most.
func (c centroid) sub(q []qterm) {
	i := 0
	for _, t := range q {
		for i < len(c) && c[i].key < t.key {
			i++
		}
		if i < len(c) && c[i].key == t.key {
			c[i].w = max(0, c[i].w-t.tf)
		}
	}
}

// unvote takes back evidence for a day.
func (e *Event) unvote(day int64, w float32) {
	l := e.live
	if i := slices.IndexFunc(l.days, func(v vote) bool { return v.day == day }); i >= 0 {
		l.days[i].w -= w
		if l.days[i].w <= 1e-6 {
			l.days = slices.Delete(l.days, i, i+1)
		}
	}
	e.tally()
}

// uncountYears takes a document's years out of an event's counts.
func uncountYears(counts []yearCount, years []int) []yearCount {
	for _, y := range years {
		if i := slices.IndexFunc(counts, func(c yearCount) bool { return c.year == int16(y) }); i >= 0 {
			if counts[i].n--; counts[i].n == 0 {
				counts = slices.Delete(counts, i, i+1)
			}
		}
	}
	return counts
}
