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

// benchVocab is what the benchmarks' texts are made of.
var benchVocab = strings.Fields("government minister election storm flood court police company market vote " +
	"president talks border army city river bank report said percent million week country")

// benchText returns n random words.
func benchText(rng *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = benchVocab[rng.IntN(len(benchVocab))]
	}
	return strings.Join(w, " ")
}

// benchArticle returns an article of event with about 2 KB of text.
func benchArticle(rng *rand.Rand, id, event string) Article {
	a := article(id, event, benchText(rng, 10))
	a.Text, a.URL, a.Source = benchText(rng, 300), "https://example.com/"+a.ID, "example.com"
	a.Explain = &report.Explain{Candidates: 5, Similarity: 0.4}
	return a
}

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
	n := commitEach(b, s, size, func(n int) Batch {
		var batch Batch
		for i := range size / 10 {
			id := fmt.Sprintf("e%d-%d", n, i)
			sl := fmt.Sprintf("s%d-%d", n, i/10)
			e := event(id, sl, benchText(rng, 8), day(fmt.Sprintf("2024-%02d-%02d", 1+i%12, 1+i%28)),
				entity("Place"+id, "place", 3, "Alias"+id), entity("Person"+id, "person", 2))
			e.Summary = []report.Sentence{{Text: benchText(rng, 25), Article: id + "-0"}, {Text: benchText(rng, 25), Article: id + "-1"}}
			batch.Events = append(batch.Events, e)
			if i%10 == 0 {
				batch.Storylines = append(batch.Storylines, storyline(sl, benchText(rng, 3)))
			}
			for j := range 10 {
				batch.Articles = append(batch.Articles, benchArticle(rng, fmt.Sprintf("%s-%d", id, j), id))
			}
		}
		batch.State = []byte(benchText(rng, 100))
		return batch
	})
	if err := s.Close(); err != nil { // checkpoints the WAL into the file
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size())/float64(n*size), "bytes/article")
}

// BenchmarkCommitGrowing commits batches of 1000 articles to SQLite as the
// pipeline does once a stream runs: 700 of them join events already stored,
// which are written again with the mentions of their 15 entities grown,
// and 300 start events of their own. It reports the time per article.
func BenchmarkCommitGrowing(b *testing.B) {
	const (
		size     = 1000
		grown    = 700  // events gaining an article per batch
		recent   = 5000 // the grown ones are among the most recent events
		entities = 15
		names    = 3000 // distinct entities across all events
	)
	s, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	types := []string{"person", "place", "org"}
	var events []report.Event
	articles := 0
	// add appends an event of one article to the batch.
	add := func(batch *Batch) {
		id := fmt.Sprint("e", len(events))
		e := event(id, fmt.Sprint("s", len(events)/10), benchText(rng, 8), day(fmt.Sprintf("2024-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28))))
		e.Summary = []report.Sentence{{Text: benchText(rng, 25), Article: id + "-0"}}
		for _, k := range rng.Perm(names)[:entities] {
			name := fmt.Sprint("Name", k)
			e.Entities = append(e.Entities, entity(name, types[k%len(types)], entities-len(e.Entities), "Alias"+name))
		}
		events = append(events, e)
		batch.Events = append(batch.Events, e)
		batch.Articles = append(batch.Articles, benchArticle(rng, fmt.Sprint("a", articles), id))
		articles++
	}
	var seed Batch
	for range recent {
		add(&seed)
	}
	if err := s.Commit(b.Context(), seed); err != nil {
		b.Fatal(err)
	}
	commitEach(b, s, size, func(int) Batch {
		var batch Batch
		from := len(events) - recent
		for _, i := range rng.Perm(recent)[:grown] {
			e := &events[from+i]
			// Every mention grows by one: the order of the entities stays.
			ents := make([]report.Entity, len(e.Entities))
			for j, en := range e.Entities {
				en.Mentions++
				ents[j] = en
			}
			e.Entities = ents
			batch.Events = append(batch.Events, *e)
			batch.Articles = append(batch.Articles, benchArticle(rng, fmt.Sprint("a", articles), e.ID))
			articles++
		}
		for range size - grown {
			add(&batch)
		}
		batch.State = []byte(benchText(rng, 100))
		return batch
	})
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
}

// commitEach commits the batches of size articles that next makes (given
// how many were committed before), timing only the commits, reports the
// time per article and returns how many batches it committed.
func commitEach(b *testing.B, s Store, size int, next func(n int) Batch) int {
	n := 0
	for b.Loop() {
		b.StopTimer()
		batch := next(n)
		b.StartTimer()
		if err := s.Commit(b.Context(), batch); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*size), "ns/article")
	return n
}
