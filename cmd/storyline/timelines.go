package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"storyline/internal/analyze"
	"storyline/internal/eval"
	"storyline/internal/pipeline"
)

// referenceTimeline is one line of a reference timelines file.
type referenceTimeline struct {
	Storyline  string `json:"storyline"`
	Collection string `json:"collection"`
	Source     string `json:"source"`
	Timeline   []struct {
		Date string `json:"date"`
		Text string `json:"text"`
	} `json:"timeline"`
}

// timelineRow is one reference timeline scored.
type timelineRow struct {
	Collection string                 `json:"collection"`
	Articles   int                    `json:"articles"`
	Scores     eval.TimelineScores    `json:"scores"`
	Predicted  []pipeline.TimelineDay `json:"predicted"`
}

// timelineMeans are the scores averaged over the reference timelines.
type timelineMeans struct {
	Timelines int     `json:"timelines"`
	DateF1    float64 `json:"date_f1"`
	AlignR1   float64 `json:"align_m1_rouge1_f"`
	AlignR2   float64 `json:"align_m1_rouge2_f"`
	ConcatR1  float64 `json:"concat_rouge1_f"`
	ConcatR2  float64 `json:"concat_rouge2_f"`
}

// evalTimelines scores the timelines Storyline writes for each reference
// timeline's collection, restricted to the reference's date range.
func evalTimelines(w io.Writer, cfg pipeline.Config, articlesPath, timelinesPath string, asJSON bool) error {
	refs, err := readTimelines(timelinesPath)
	if err != nil {
		return err
	}
	arts := readArticles([]string{articlesPath})
	if len(arts) == 0 {
		return fmt.Errorf("eval %s: no articles", articlesPath)
	}
	docs := pipeline.AnalyzeAll(arts)
	if !asJSON {
		fmt.Fprintf(w, "%-16s %6s %5s %5s  %-7s  %-7s  %-7s  %-7s  %-7s\n", "collection", "arts", "ref", "pred", "date F1", "AR-1 F", "AR-2 F", "cat-1 F", "cat-2 F")
	}
	var m timelineMeans
	for _, ref := range refs {
		gold := make(eval.Timeline, 0, len(ref.Timeline))
		for i, e := range ref.Timeline {
			t, err := time.Parse(time.DateOnly, e.Date)
			if err != nil {
				return fmt.Errorf("timelines %s: %s entry %d: date %q: want YYYY-MM-DD", timelinesPath, ref.Collection, i+1, e.Date)
			}
			gold = append(gold, eval.TimelineEntry{Date: t, Text: e.Text})
		}
		from := slices.MinFunc(gold, func(a, b eval.TimelineEntry) int { return a.Date.Compare(b.Date) }).Date
		to := slices.MaxFunc(gold, func(a, b eval.TimelineEntry) int { return a.Date.Compare(b.Date) }).Date
		var story []analyze.Document
		for _, d := range docs {
			if d.Article.Gold.Collection == ref.Collection && !d.Date.Before(from) && !d.Date.After(to) {
				story = append(story, d)
			}
		}
		pred := pipeline.PredictTimeline(cfg, story, pipeline.ShapeOf(gold), from, to)
		row := timelineRow{Collection: ref.Collection, Articles: len(story), Scores: eval.CompareTimelines(pipeline.Scorable(pred), gold), Predicted: pred}
		s := row.Scores
		m.Timelines++
		m.DateF1 += s.Date.F1
		m.AlignR1 += s.AlignM1R1.F1
		m.AlignR2 += s.AlignM1R2.F1
		m.ConcatR1 += s.Concat1.F1
		m.ConcatR2 += s.Concat2.F1
		if asJSON {
			if err := json.NewEncoder(w).Encode(row); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(w, "%-16s %6d %5d %5d  %.3f    %.3f    %.3f    %.3f    %.3f\n", ref.Collection, row.Articles, s.RefDates, s.PredDates,
			s.Date.F1, s.AlignM1R1.F1, s.AlignM1R2.F1, s.Concat1.F1, s.Concat2.F1)
	}
	if m.Timelines > 0 {
		n := float64(m.Timelines)
		m.DateF1, m.AlignR1, m.AlignR2, m.ConcatR1, m.ConcatR2 = m.DateF1/n, m.AlignR1/n, m.AlignR2/n, m.ConcatR1/n, m.ConcatR2/n
	}
	if asJSON {
		return json.NewEncoder(w).Encode(struct {
			Mean timelineMeans `json:"mean"`
		}{m})
	}
	fmt.Fprintf(w, "%-16s %6s %5s %5s  %.3f    %.3f    %.3f    %.3f    %.3f\n", "mean", "", "", "", m.DateF1, m.AlignR1, m.AlignR2, m.ConcatR1, m.ConcatR2)
	return nil
}

// readTimelines reads reference timelines, one JSON object a line.
func readTimelines(path string) ([]referenceTimeline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("timelines: %w", err)
	}
	defer f.Close()
	var out []referenceTimeline
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var r referenceTimeline
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("timelines %s:%d: %w", path, line, err)
		}
		if r.Collection == "" || len(r.Timeline) == 0 {
			return nil, fmt.Errorf("timelines %s:%d: want \"collection\" and a non-empty \"timeline\"", path, line)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("timelines %s: %w", path, err)
	}
	return out, nil
}
