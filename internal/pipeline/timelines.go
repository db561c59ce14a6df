package pipeline

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"storyline/internal/analyze"
	"storyline/internal/eval"
)

// TimelineShape is what a timeline is asked to look like: how many dates,
// and about how many sentences on each.
type TimelineShape struct {
	Dates            int
	SentencesPerDate int
}

// PredictTimeline places docs with cfg in their given order and writes the
// timeline of the story they tell: the days whose events drew the most
// coverage, each with the summary of its best covered event. All events
// count, whatever storyline they joined: the documents are one story's
// collection. Events dated outside [from, to] are left out, as the
// reference timelines of a story only cover its span; zero bounds are open.
func PredictTimeline(cfg Config, docs []analyze.Document, shape TimelineShape, from, to time.Time) []TimelineDay {
	cfg.SummarySentences = max(shape.SentencesPerDate, 1)
	p := New(cfg)
	for _, d := range docs {
		p.Add(d)
	}
	type day struct {
		date   time.Time
		weight float64
		best   int // the event with most articles that day
		size   int
	}
	days := map[time.Time]*day{}
	for id, members := range p.events {
		date, share, ok := p.placer.Event(id).Day()
		if !ok || (!from.IsZero() && date.Before(from)) || (!to.IsZero() && date.After(to)) {
			continue
		}
		// Coverage counts distinct reports: copies of one wire story are
		// one report; a confident date weighs more than a split vote.
		size := 0
		for _, i := range members {
			if p.copyOf[i] == "" {
				size++
			}
		}
		d := days[date]
		if d == nil {
			d = &day{date: date, best: id}
			days[date] = d
		}
		d.weight += float64(size) * share
		if size > d.size || (size == d.size && id < d.best) {
			d.best, d.size = id, size
		}
	}
	ranked := make([]*day, 0, len(days))
	for _, d := range days {
		ranked = append(ranked, d)
	}
	slices.SortFunc(ranked, func(a, b *day) int {
		if c := cmp.Compare(b.weight, a.weight); c != 0 {
			return c
		}
		return a.date.Compare(b.date)
	})
	ranked = ranked[:min(shape.Dates, len(ranked))]
	slices.SortFunc(ranked, func(a, b *day) int { return a.date.Compare(b.date) })
	tl := make([]TimelineDay, 0, len(ranked))
	for _, d := range ranked {
		var sents []string
		for _, s := range p.Event(d.best, Options{}).Summary {
			sents = append(sents, s.Text)
		}
		tl = append(tl, TimelineDay{Date: d.date.Format(time.DateOnly), Text: strings.Join(sents, " "), Event: EventID(d.best)})
	}
	return tl
}

// A TimelineDay is one date of a predicted timeline and the event that
// tells it.
type TimelineDay struct {
	Date  string `json:"date"` // YYYY-MM-DD
	Text  string `json:"text"`
	Event string `json:"event"`
}

// Scorable turns a predicted timeline into the form the metrics take.
func Scorable(days []TimelineDay) eval.Timeline {
	tl := make(eval.Timeline, 0, len(days))
	for _, d := range days {
		t, _ := time.Parse(time.DateOnly, d.Date)
		tl = append(tl, eval.TimelineEntry{Date: t, Text: d.Text})
	}
	return tl
}

// ShapeOf measures a reference timeline: its dates and its mean sentences
// per date, rounded.
func ShapeOf(tl eval.Timeline) TimelineShape {
	days := map[time.Time]bool{}
	sentences := 0
	for _, e := range tl {
		days[e.Date] = true
		sentences += len(analyze.SplitSentences(e.Text))
	}
	if len(days) == 0 {
		return TimelineShape{}
	}
	return TimelineShape{Dates: len(days), SentencesPerDate: max(1, (sentences+len(days)/2)/len(days))}
}
