package pipeline

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"time"

	"storyline/internal/analyze"
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
// key dates, so it takes one event a day: the most salient.
func (p *Pipeline) rankTimeline(ids []int, n int, report func(int) report.Event) []timelineItem {
	recalls := map[int64]int{}
	names := map[int][]string{}
	spread := map[string]int{}
	for _, id := range ids {
		for _, c := range p.days[id] {
			recalls[int64(c.day)] += int(c.n)
		}
		for _, e := range report(id).Entities {
			names[id] = append(names[id], e.Key)
			spread[e.Key]++
		}
	}
	main := slices.SortedFunc(maps.Keys(spread), func(a, b string) int {
		if c := cmp.Compare(spread[b], spread[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	main = main[:min(len(main), mainNames)]
	var items []timelineItem
	for _, id := range ids {
		date, _, ok := p.placer.Event(id).Day()
		if !ok {
			continue
		}
		// report(id) made the event's card.
		reports, outlets := p.cards[id].reports, p.cards[id].sources
		cast := 0
		for _, k := range main {
			if slices.Contains(names[id], k) {
				cast++
			}
		}
		s := math.Log1p(float64(reports)) + 0.5*math.Log1p(float64(len(outlets))) + 0.5*math.Log1p(float64(recalls[date.Unix()/86400]))
		if len(main) > 0 {
			s += 0.5 * float64(cast) / float64(len(main))
		}
		items = append(items, timelineItem{event: id, date: date, title: report(id).Title, salience: s})
	}
	slices.SortStableFunc(items, func(a, b timelineItem) int {
		if c := cmp.Compare(b.salience, a.salience); c != 0 {
			return c
		}
		return cmp.Compare(a.event, b.event)
	})
	var picked []timelineItem
	var seen []map[string]bool
	days := map[time.Time]bool{}
	for _, it := range items {
		if n > 0 && len(picked) == n {
			break
		}
		if n > 0 && days[it.date] {
			continue
		}
		words := titleWords(it.title)
		if slices.ContainsFunc(seen, func(w map[string]bool) bool { return repeats(words, w) }) {
			continue
		}
		days[it.date] = true
		picked = append(picked, it)
		seen = append(seen, words)
	}
	slices.SortStableFunc(picked, func(a, b timelineItem) int { return a.date.Compare(b.date) })
	return picked
}

func titleWords(title string) map[string]bool {
	w := map[string]bool{}
	for _, t := range analyze.Terms(title) {
		w[t] = true
	}
	return w
}

// repeats reports whether two titles share most of their words: two
// events telling the same thing, which one timeline should not show twice.
func repeats(a, b map[string]bool) bool {
	if len(a) < 3 || len(b) < 3 {
		return false
	}
	shared := 0
	for w := range a {
		if b[w] {
			shared++
		}
	}
	return float64(shared)/float64(len(a)+len(b)-shared) >= 0.6
}

// timeline builds a storyline's timeline from its events' ids and reports.
func (p *Pipeline) timeline(ids []int, events []report.Event) []report.TimelineEntry {
	byID := map[string]report.Event{}
	for _, e := range events {
		byID[e.ID] = e
	}
	out := []report.TimelineEntry{}
	for _, it := range p.rankTimeline(ids, 0, func(id int) report.Event { return byID[EventID(id)] }) {
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
