package pipeline

import (
	"cmp"
	"math"
	"slices"
	"time"

	"storyline/internal/report"
)

// A timeline shows the dated events of a storyline (or of one story's
// collection) in date order, each once, ranked by salience so that a
// shorter one keeps the key dates:
//
//	salience = ln(1+reports) + ½ ln(1+outlets) + ½ ln(1+recalls) + ½ cast
//
// where reports counts distinct articles (copies of one wire story count
// once), outlets distinct sources, recalls how many articles of the whole
// set mention the event's day ("on 12 January" in a later story points at
// a key date), and cast is the share of the set's main names (the five
// that most of its events name) that the event names.

// mainNames is how many of a set's most widespread names make its cast.
const mainNames = 5

// timelineItem is one candidate entry.
type timelineItem struct {
	event    int
	date     time.Time
	title    string
	salience float64
}

// rankTimeline picks at most n of the dated events among ids (all when n is
// 0), most salient first, skipping an event whose title repeats one already
// picked, and returns them in date order. A timeline cut to n entries shows
// key dates, so it takes one event a day: the most salient. It reads the
// events' cards, writing those that are stale.
func (p *Pipeline) rankTimeline(ids []int, n int) []timelineItem {
	recalls := map[int32]int{}
	spread := map[string]int{}
	for _, id := range ids {
		for _, c := range p.days[id] {
			recalls[c.day] += int(c.n)
		}
		for e := range p.cardEntities(p.cardOf(id)) {
			spread[e.Key]++
		}
	}
	main := mostSpread(spread, mainNames)
	var items []timelineItem
	for _, id := range ids {
		date, _, ok := p.placer.Event(id).Day()
		if !ok {
			continue
		}
		c := &p.cards[id]
		cast := 0
		for e := range p.cardEntities(c) {
			if slices.Contains(main, e.Key) {
				cast++
			}
		}
		s := math.Log1p(float64(c.reports)) + 0.5*math.Log1p(float64(len(c.sources))) + 0.5*math.Log1p(float64(recalls[int32(date.Unix()/86400)]))
		if len(main) > 0 {
			s += 0.5 * float64(cast) / float64(len(main))
		}
		items = append(items, timelineItem{event: id, date: date, title: c.title, salience: s})
	}
	slices.SortStableFunc(items, func(a, b timelineItem) int {
		if c := cmp.Compare(b.salience, a.salience); c != 0 {
			return c
		}
		return cmp.Compare(a.event, b.event)
	})
	var picked []timelineItem
	var seen titleIndex
	days := map[time.Time]bool{}
	for _, it := range items {
		if n > 0 && len(picked) == n {
			break
		}
		if n > 0 && days[it.date] {
			continue
		}
		words := p.cards[it.event].words
		if seen.repeated(words) {
			continue
		}
		days[it.date] = true
		picked = append(picked, it)
		seen.add(words)
	}
	slices.SortStableFunc(picked, func(a, b timelineItem) int { return a.date.Compare(b.date) })
	return picked
}

// mostSpread returns the n keys with the largest counts, largest first,
// ties in key order.
func mostSpread(counts map[string]int, n int) []string {
	if n <= 0 {
		return nil
	}
	var top []string
	before := func(a, b string) bool {
		return counts[a] > counts[b] || (counts[a] == counts[b] && a < b)
	}
	for k := range counts {
		if len(top) == n && !before(k, top[n-1]) {
			continue
		}
		if len(top) < n {
			top = append(top, k)
		} else {
			top[n-1] = k
		}
		for i := len(top) - 1; i > 0 && before(top[i], top[i-1]); i-- {
			top[i], top[i-1] = top[i-1], top[i]
		}
	}
	return top
}

// Two titles repeat each other when they share most of their words, at
// least 3 of them: two events telling the same thing, which one timeline
// should not show twice. Most is a Jaccard similarity of 3/5.
const (
	repeatWords          = 3
	repeatNum, repeatDen = 3, 5
)

// repeats reports whether two titles, given as sorted sets of term ids,
// repeat each other.
func repeats(a, b []uint64) bool {
	if len(a) < repeatWords || len(b) < repeatWords {
		return false
	}
	shared := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			shared++
			i++
			j++
		}
	}
	return repeatDen*shared >= repeatNum*(len(a)+len(b)-shared)
}

// A titleIndex holds the titles picked for a timeline and finds one that a
// new title repeats without comparing it with all of them: a long
// storyline's timeline would cost the square of its length. Each title is
// indexed under its first words in id order only. Two titles that repeat
// share at least 3/5 of either one's words, so the smallest shared word is
// among the first len-⌈3len/5⌉+1 words of both (prefix filtering, as in
// set-similarity joins).
type titleIndex struct {
	titles [][]uint64
	byWord map[uint64][]int32
	tried  []int32 // by title, the probe that last compared it, plus one
	probes int32
}

func prefix(words []uint64) []uint64 {
	shared := (repeatNum*len(words) + repeatDen - 1) / repeatDen
	return words[:len(words)-shared+1]
}

func (x *titleIndex) add(words []uint64) {
	if len(words) < repeatWords {
		return
	}
	if x.byWord == nil {
		x.byWord = map[uint64][]int32{}
	}
	t := int32(len(x.titles))
	x.titles = append(x.titles, words)
	x.tried = append(x.tried, 0)
	for _, w := range prefix(words) {
		x.byWord[w] = append(x.byWord[w], t)
	}
}

// repeated reports whether words repeat a title of the index.
func (x *titleIndex) repeated(words []uint64) bool {
	if len(words) < repeatWords {
		return false
	}
	x.probes++
	for _, w := range prefix(words) {
		for _, t := range x.byWord[w] {
			if x.tried[t] == x.probes {
				continue
			}
			x.tried[t] = x.probes
			if repeats(words, x.titles[t]) {
				return true
			}
		}
	}
	return false
}

// timeline builds a storyline's timeline from its events.
func (p *Pipeline) timeline(ids []int) []report.TimelineEntry {
	out := []report.TimelineEntry{}
	for _, it := range p.rankTimeline(ids, 0) {
		out = append(out, report.TimelineEntry{
			Date: it.date.Format(time.DateOnly), Event: EventID(it.event), Title: it.title,
			Salience: math.Round(it.salience*1000) / 1000,
		})
	}
	return out
}

// TopEntries cuts a timeline to its n most salient entries, one a day, in
// date order; n <= 0 keeps it whole.
func TopEntries(tl []report.TimelineEntry, n int) []report.TimelineEntry {
	if n <= 0 || len(tl) <= n {
		return tl
	}
	byRank := slices.Clone(tl)
	slices.SortStableFunc(byRank, func(a, b report.TimelineEntry) int { return cmp.Compare(b.Salience, a.Salience) })
	var out []report.TimelineEntry
	days := map[string]bool{}
	for _, e := range byRank {
		if len(out) == n {
			break
		}
		if !days[e.Date] {
			days[e.Date] = true
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b report.TimelineEntry) int { return cmp.Compare(a.Date, b.Date) })
	return out
}
