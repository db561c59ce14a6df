package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"storyline/internal/report"
)

// BenchmarkCommit commits batches of 1000 articles to SQLite, ten articles
// to an event and ten events to a storyline, with about 2 KB of text each,
// and reports the time and the file space each article takes.
func BenchmarkCommit(b *testing.B) {
	const size = 1000
	path := filepath.Join(b.TempDir(), "bench.db")
	s, err := Open(b.Context(), path)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := strings.Fields("government minister election storm flood court police company market vote " +
		"president talks border army city river bank report said percent million week country")
	text := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = vocab[rng.IntN(len(vocab))]
		}
		return strings.Join(w, " ")
	}
	n := 0
	for b.Loop() {
		b.StopTimer()
		var batch Batch
		for i := range size / 10 {
			id := fmt.Sprintf("e%d-%d", n, i)
			sl := fmt.Sprintf("s%d-%d", n, i/10)
			e := event(id, sl, text(8), day(fmt.Sprintf("2024-%02d-%02d", 1+i%12, 1+i%28)),
				entity("Place"+id, "place", 3, "Alias"+id), entity("Person"+id, "person", 2))
			e.Summary = []report.Sentence{{Text: text(25), Article: id + "-0"}, {Text: text(25), Article: id + "-1"}}
			batch.Events = append(batch.Events, e)
			if i%10 == 0 {
				batch.Storylines = append(batch.Storylines, storyline(sl, text(3)))
			}
			for j := range 10 {
				a := article(fmt.Sprintf("%s-%d", id, j), id, text(10))
				a.Text, a.URL, a.Source = text(300), "https://example.com/"+a.ID, "example.com"
				a.Explain = &report.Explain{Candidates: 5, Similarity: 0.4}
				batch.Articles = append(batch.Articles, a)
			}
		}
		batch.State = []byte(text(100))
		b.StartTimer()
		if err := s.Commit(b.Context(), batch); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*size), "ns/article")
	if err := s.Close(); err != nil { // checkpoints the WAL into the file
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size())/float64(n*size), "bytes/article")
}
