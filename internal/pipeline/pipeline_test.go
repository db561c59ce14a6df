package pipeline

import (
	"os"
	"slices"
	"testing"

	"storyline/internal/article"
)

// TestSeeds runs the whole pipeline over the seed articles: three outlets on
// one 2020 summit, one 2021 summit, one undated 2026 visit, all one storyline.
func TestSeeds(t *testing.T) {
	const dir = "../../../shared/seeds"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no ../shared/seeds beside the repo")
	}
	var r article.Reader
	arts, problems := r.ReadAll(dir)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	p := New(DefaultConfig())
	for _, d := range AnalyzeAll(arts) {
		p.Add(d)
	}
	res := p.Result(Options{})
	if len(res.Storylines) != 1 {
		t.Fatalf("got %d storylines, want 1", len(res.Storylines))
	}
	var sizes []int
	var dates []string
	for _, e := range res.Storylines[0].Events {
		sizes = append(sizes, len(e.Articles))
		if e.Date == nil {
			dates = append(dates, "undated")
		} else {
			dates = append(dates, *e.Date)
		}
		if e.Title == "" {
			t.Errorf("event %s has no title", e.ID)
		}
	}
	if !slices.Equal(sizes, []int{3, 1, 1}) {
		t.Errorf("event sizes %v, want [3 1 1]", sizes)
	}
	if !slices.Equal(dates, []string{"2020-01-07", "2021-09-13", "undated"}) {
		t.Errorf("event dates %v", dates)
	}
}

func TestConfigSet(t *testing.T) {
	cfg := DefaultConfig()
	if err := cfg.Set("threshold", "0.42"); err != nil || cfg.Cluster.Threshold != 0.42 {
		t.Errorf("Set threshold: %v, %v", err, cfg.Cluster.Threshold)
	}
	if err := cfg.Set("no_such_key", "1"); err == nil {
		t.Error("Set accepted an unknown key")
	}
}
