package pipeline

import (
	"os"
	"slices"
	"testing"

	"storyline/internal/article"
)

// TestRevisionsKeepReportsConsistent places a real stream with revisions
// every few articles and checks, after each batch, that what Changes
// reports agrees with where every article is: moved articles name their
// event now, merged events are gone, and every article is listed by
// exactly its event.
func TestRevisionsKeepReportsConsistent(t *testing.T) {
	const path = "../../../shared/datasets/ecbplus-dev.jsonl"
	if _, err := os.Stat(path); err != nil {
		t.Skip("no ../shared/datasets beside the repo")
	}
	var r article.Reader
	arts, _ := r.ReadAll(path)
	cfg := DefaultConfig()
	cfg.Cluster.ReviseWindow, cfg.Cluster.ReviseEvery, cfg.Cluster.ReviseMargin = 100, 7, 0
	p := New(cfg)
	gone := map[string]bool{}
	var moves, merges int
	for n, d := range AnalyzeAll(arts) {
		p.Add(d)
		if n%25 != 24 {
			continue
		}
		ch := p.Changes()
		moves += len(ch.Moved)
		merges += len(ch.Merged)
		for _, m := range ch.Merged {
			gone[m.From] = true
			delete(gone, m.Into)
		}
		for _, e := range ch.Events {
			if gone[e.ID] {
				t.Fatalf("batch %d reports merged event %s", n, e.ID)
			}
		}
		for _, m := range ch.Moved {
			a, sid, ok := p.Article(m.Article)
			if !ok || a.Event != m.Event || sid != m.Storyline {
				t.Fatalf("moved %+v, but the article is in %s of %s", m, a.Event, sid)
			}
		}
	}
	if moves == 0 || merges == 0 {
		t.Fatalf("%d moves and %d merges: the stream should revise both ways", moves, merges)
	}
	for i, rec := range p.records {
		if !slices.Contains(p.events[rec.event], int32(i)) {
			t.Errorf("article %d in event %d, which does not list it", i, rec.event)
		}
	}
	seen := 0
	for _, s := range p.Result(Options{}).Storylines {
		for _, e := range s.Events {
			if gone[e.ID] {
				t.Errorf("merged event %s is listed with %d articles", e.ID, len(e.Articles))
			}
			seen += len(e.Articles)
		}
	}
	if seen != len(p.records) {
		t.Errorf("the report lists %d articles, %d were placed", seen, len(p.records))
	}
}
