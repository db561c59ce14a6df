package analyze

import (
	"sync/atomic"
	"testing"

	"storyline/internal/article"
	"storyline/internal/synth"
)

// benchArticles is a fixed slice of the synthetic stream, news-shaped text
// of 150–600 words.
func benchArticles(b *testing.B, n int) []article.Article {
	b.Helper()
	var arts []article.Article
	for a := range synth.Stream(synth.DefaultConfig(n, 1)) {
		arts = append(arts, a)
	}
	return arts
}

// BenchmarkTerms measures tokenising and stemming an article's text.
func BenchmarkTerms(b *testing.B) {
	arts := benchArticles(b, 200)
	b.ResetTimer()
	var bytes int
	for i := 0; b.Loop(); i++ {
		a := arts[i%len(arts)]
		bytes += len(a.Text)
		Terms(a.Text)
	}
	b.SetBytes(int64(bytes / max(b.N, 1)))
}

// BenchmarkVectorise measures term counting into a sorted vector, the TF
// part of TF-IDF (IDF is applied at comparison time by the placer).
func BenchmarkVectorise(b *testing.B) {
	arts := benchArticles(b, 200)
	terms := make([][]string, len(arts))
	for i, a := range arts {
		terms[i] = Terms(a.Text)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Count(terms[i%len(terms)])
	}
}

// BenchmarkAnalyze measures the whole analysis of one article: cleaning,
// sentences, terms, entities, dates and shingles.
func BenchmarkAnalyze(b *testing.B) {
	arts := benchArticles(b, 200)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Analyze(arts[i%len(arts)])
	}
}

// BenchmarkAnalyzeParallel measures Analyze on every core, as the pipeline
// runs it: shared state such as the stem cache shows its contention here.
// More articles than in BenchmarkAnalyze bring a vocabulary whose cache
// outgrows the processor's, as a long stream's does.
func BenchmarkAnalyzeParallel(b *testing.B) {
	arts := benchArticles(b, 2000)
	b.ResetTimer()
	var next atomic.Uint64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			Analyze(arts[next.Add(1)%uint64(len(arts))])
		}
	})
}
