package pipeline

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"storyline/internal/article"
)

// TestQualityGuard runs the evaluation over the development datasets (the
// mean over five stream orders, as one order alone moves F1 by ±0.03) and
// fails when pairwise F1 falls more than 0.02 below the figure
// docs/quality.md records for that file: a regression guard, not a timing.
func TestQualityGuard(t *testing.T) {
	const datasets = "../../../shared/datasets"
	if _, err := os.Stat(datasets); err != nil {
		t.Skip("no ../shared/datasets beside the repo")
	}
	recorded, err := recordedF1("../../docs/quality.md")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(datasets, "*.jsonl"))
	if len(files) == 0 {
		t.Skip("no datasets found")
	}
	for _, path := range files {
		var r article.Reader
		arts, problems := r.ReadAll(path)
		if len(problems) > 0 {
			t.Fatalf("problems reading %s: %v", path, problems)
		}
		streams := map[string][]article.Article{filepath.Base(path): arts}
		// A file with dates is also guarded without them: where dates
		// cannot do the work, the text must.
		if slices.ContainsFunc(arts, func(a article.Article) bool { return a.HasDate() }) {
			dateless := slices.Clone(arts)
			for i := range dateless {
				dateless[i].Date = time.Time{}
			}
			streams[filepath.Base(path)+" (dateless)"] = dateless
		}
		for name, arts := range streams {
			t.Run(name, func(t *testing.T) {
				want, ok := recorded[name]
				if !ok {
					t.Fatalf("docs/quality.md records no pairwise F1 for %s", name)
				}
				ev, err := Evaluate(DefaultConfig(), AnalyzeAll(arts), guardOrders)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%s: pairwise F1 %.3f (recorded %.3f), B-cubed F1 %.3f", name, ev.Pairwise.F1, want, ev.BCubed.F1)
				if ev.Pairwise.F1 < want-0.02 {
					t.Errorf("%s: pairwise F1 %.3f, more than 0.02 below the recorded %.3f", name, ev.Pairwise.F1, want)
				}
			})
		}
	}
}

// recordedF1 reads the guard table of docs/quality.md: rows
// "| file.jsonl | pairwise F1 | ..." under the heading "## Regression guard".
// guardOrders is how many stream orders the guard averages over.
const guardOrders = 5

func recordedF1(path string) (map[string]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]float64{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "## ") {
			in = line == "## Regression guard"
			continue
		}
		if !in || !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) < 2 {
			continue
		}
		name := strings.Trim(strings.TrimSpace(cells[0]), "`")
		if v, err := strconv.ParseFloat(strings.TrimSpace(cells[1]), 64); err == nil && strings.Contains(name, ".jsonl") {
			out[name] = v
		}
	}
	return out, sc.Err()
}
