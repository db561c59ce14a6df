package learn

import (
	"fmt"
	"testing"
	"time"

	"storyline/internal/article"
)

func TestStreams(t *testing.T) {
	day := time.Date(2021, 5, 3, 0, 0, 0, 0, time.UTC)
	var arts []article.Article
	for i := range 30 {
		arts = append(arts, article.Article{ID: fmt.Sprint("a", i), Text: "Mayor Linda Carver unveiled a road plan.", Date: day})
	}
	streams := Streams("f", arts)
	if len(streams) != 2 {
		t.Fatalf("%d streams from a dated file, want dated and dateless", len(streams))
	}
	moved := 0
	for _, d := range streams[0].Docs {
		gap := d.Article.Date.Sub(day)
		if gap < 0 || gap > 48*time.Hour {
			t.Errorf("%s: date spread by %v, want 0 to 2 days", d.Article.ID, gap)
		}
		if gap > 0 {
			moved++
		}
	}
	if moved == 0 || moved == len(arts) {
		t.Errorf("%d of %d dates spread: want some, not all", moved, len(arts))
	}
	for _, d := range streams[1].Docs {
		if d.Article.HasDate() {
			t.Errorf("%s kept its date in the dateless stream", d.Article.ID)
		}
	}
	undated := Streams("g", Dateless(arts))
	if len(undated) != 1 {
		t.Errorf("%d streams from an undated file, want 1", len(undated))
	}
}

func TestFoldsDealEveryTopicOnce(t *testing.T) {
	var s Stream
	for i := range 23 {
		s.Docs = append(s.Docs, Streams("f", []article.Article{{ID: fmt.Sprint(i), Text: "A text.", Gold: article.Gold{Event: fmt.Sprint("e", i), Topic: fmt.Sprint("t", i%11)}}})[0].Docs...)
	}
	fold := foldsOf([]Stream{s}, 5)
	if len(fold) != 11 {
		t.Fatalf("%d topics dealt, want 11", len(fold))
	}
	sizes := make([]int, 5)
	for _, f := range fold {
		sizes[f]++
	}
	for f, n := range sizes {
		if n < 2 || n > 3 {
			t.Errorf("fold %d holds %d topics, want 2 or 3", f, n)
		}
	}
}
