package eval

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// TimelineEntry is one dated piece of summary text. Only the calendar day of
// Date, in Date's own location, matters: timeline metrics are defined on
// days, and keeping the location lets callers decide which calendar a story
// is told in.
type TimelineEntry struct {
	Date time.Time `json:"date"`
	Text string    `json:"text"`
}

// Timeline is a dated summary. Entries need not be sorted and several may
// share a day; the metrics group them by day, treating a day's texts as one
// summary (n-grams never cross entry boundaries).
type Timeline []TimelineEntry

// TimelineScores bundles the metrics commonly reported for timeline
// summarisation (Martschat & Markert 2017; Ghalandari & Ifrim 2020), so a
// single call gives a row of the usual results table.
type TimelineScores struct {
	Date       PRF `json:"date"`
	Concat1    PRF `json:"concat_rouge1"`
	Concat2    PRF `json:"concat_rouge2"`
	AlignM1R1  PRF `json:"align_m1_rouge1"`
	AlignM1R2  PRF `json:"align_m1_rouge2"`
	PredDates  int `json:"pred_dates"`
	RefDates   int `json:"ref_dates"`
	PredTokens int `json:"pred_tokens"`
	RefTokens  int `json:"ref_tokens"`
}

// CompareTimelines computes every timeline metric of pred against ref. See
// DateF1, ConcatRouge and AlignRouge for the definitions.
func CompareTimelines(pred, ref Timeline) TimelineScores {
	return TimelineScores{
		Date:       DateF1(pred, ref),
		Concat1:    ConcatRouge(1, pred, ref),
		Concat2:    ConcatRouge(2, pred, ref),
		AlignM1R1:  AlignRouge(1, pred, ref),
		AlignM1R2:  AlignRouge(2, pred, ref),
		PredDates:  len(groupByDay(pred)),
		RefDates:   len(groupByDay(ref)),
		PredTokens: countNgrams(1, texts(pred)...).total,
		RefTokens:  countNgrams(1, texts(ref)...).total,
	}
}

// DateF1 measures whether the right days were selected, ignoring text:
// precision is the share of predicted days that are reference days, recall
// the share of reference days that were predicted. Entries with empty text
// still count as dates. An empty side gives 0 for the ratio it divides.
func DateF1(pred, ref Timeline) PRF {
	p, r := groupByDay(pred), groupByDay(ref)
	hit := 0
	for d := range p {
		if _, ok := r[d]; ok {
			hit++
		}
	}
	return ratios(float64(hit), float64(len(p)), float64(hit), float64(len(r)))
}

// ConcatRouge is ROUGE-N between all predicted text and all reference text,
// ignoring dates entirely. It is the baseline timeline ROUGE; it cannot tell
// a well-dated timeline from one with the same sentences on the wrong days,
// which is why AlignRouge exists. It panics if n < 1.
func ConcatRouge(n int, pred, ref Timeline) PRF {
	c, r := countNgrams(n, texts(pred)...), countNgrams(n, texts(ref)...)
	m := float64(overlap(c, r))
	return ratios(m, float64(c.total), m, float64(r.total))
}

// AlignRouge is the "align+ m:1" ROUGE-N of Martschat & Markert (2017), the
// date-and-content, many-to-one alignment variant of tilse. It credits text
// placed on a nearby day, discounted by distance, instead of all-or-nothing.
//
// The weight of pairing days d and e is w = 1/(|d−e|+1) (|d−e| in days), and
// their score is w times the clipped n-gram matches between the two days'
// texts. As in tilse, precision and recall are aligned separately so that
// neither can exceed 1:
//
//   - precision: each predicted day is paired with the reference day that
//     maximises its weighted matches; the sum of these maxima is divided by
//     the total number of predicted n-grams;
//   - recall: each reference day is paired with the predicted day that
//     maximises its weighted matches; the sum is divided by the total number
//     of reference n-grams.
//
// Many days on one side may pair with the same day on the other (that is
// the "m:1"). Using a single predicted→reference alignment for recall too
// would let several predicted days each be credited with the same reference
// text, pushing recall above 1. Days left with no positive match contribute
// 0 to the numerator but their n-grams still count in the denominator. The
// alignment is chosen per n, i.e. ROUGE-2 uses bigram matches to align.
// Empty denominators give 0. It panics if n < 1.
func AlignRouge(n int, pred, ref Timeline) PRF {
	pd, rd := dayNgrams(n, pred), dayNgrams(n, ref)
	// Weighted matches for every pair of days; timelines have tens to
	// hundreds of days, so the full matrix is cheap.
	w := make([][]float64, len(pd))
	for i, p := range pd {
		w[i] = make([]float64, len(rd))
		for j, r := range rd {
			if m := overlap(p.g, r.g); m > 0 {
				w[i][j] = float64(m) / float64(abs64(p.day-r.day)+1)
			}
		}
	}
	var pNum, rNum, pDen, rDen float64
	for i, p := range pd {
		best := 0.0
		for j := range rd {
			best = math.Max(best, w[i][j])
		}
		pNum += best
		pDen += float64(p.g.total)
	}
	for j, r := range rd {
		best := 0.0
		for i := range pd {
			best = math.Max(best, w[i][j])
		}
		rNum += best
		rDen += float64(r.g.total)
	}
	return ratios(pNum, pDen, rNum, rDen)
}

// dayNum is a day number that is exact for any calendar date: the civil date
// in t's location, counted in days since 1970-01-01.
func dayNum(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func groupByDay(tl Timeline) map[int64][]string {
	days := make(map[int64][]string)
	for _, e := range tl {
		d := dayNum(e.Date)
		days[d] = append(days[d], e.Text)
	}
	return days
}

type dayGrams struct {
	day int64
	g   ngrams
}

// dayNgrams returns each day's n-gram multiset in day order (the order only
// makes results deterministic to the last floating-point bit).
func dayNgrams(n int, tl Timeline) []dayGrams {
	days := groupByDay(tl)
	out := make([]dayGrams, 0, len(days))
	for d, ts := range days {
		out = append(out, dayGrams{day: d, g: countNgrams(n, ts...)})
	}
	slices.SortFunc(out, func(a, b dayGrams) int { return cmp.Compare(a.day, b.day) })
	return out
}

func texts(tl Timeline) []string {
	out := make([]string, len(tl))
	for i, e := range tl {
		out[i] = e.Text
	}
	return out
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
