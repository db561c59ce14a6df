package pipeline

import (
	"slices"
	"strings"
	"time"

	"storyline/internal/analyze"
	"storyline/internal/eval"
	"storyline/internal/report"
)

// TimelineShape is what a timeline is asked to look like: how many dates,
// and about how many sentences on each.
type TimelineShape struct {
	Dates            int
	SentencesPerDate int
}

// PredictTimeline places docs with cfg in their given order and writes the
// timeline of the story they tell, as a storyline's timeline is written
// (see rankTimeline), with as many entries as shape asks and the first
// sentences of each event's summary as its text. All events count, whatever
// storyline they joined: the documents are one story's collection. Events
// dated outside [from, to] are left out, as a reference timeline only
// covers its span; zero bounds are open.
func PredictTimeline(cfg Config, docs []analyze.Document, shape TimelineShape, from, to time.Time) []TimelineDay {
	cfg.SummarySentences = max(shape.SentencesPerDate, 1)
	p := New(cfg)
	for _, d := range docs {
		p.Add(d)
	}
	var ids []int
	for id := range p.events {
		date, _, ok := p.placer.Event(id).Day()
		if ok && (from.IsZero() || !date.Before(from)) && (to.IsZero() || !date.After(to)) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	reports := map[int]report.Event{}
	for _, id := range ids {
		reports[id] = p.Event(id, Options{})
	}
	var tl []TimelineDay
	for _, it := range p.rankTimeline(ids, shape.Dates) {
		var sents []string
		for _, s := range reports[it.event].Summary {
			sents = append(sents, s.Text)
		}
		tl = append(tl, TimelineDay{Date: it.date.Format(time.DateOnly), Text: strings.Join(sents, " "), Event: EventID(it.event)})
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
