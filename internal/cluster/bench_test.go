package cluster

import (
	"runtime"
	"testing"

	"storyline/internal/analyze"
	"storyline/internal/synth"
)

// warmPlacer places the first n articles of the synthetic stream and returns
// the placer with the next articles, analysed, to measure on.
func warmPlacer(b *testing.B, n, next int) (*Placer, []analyze.Document) {
	b.Helper()
	p := NewPlacer(DefaultConfig())
	var docs []analyze.Document
	i := 0
	for a := range synth.Stream(synth.DefaultConfig(n+next, 1)) {
		d := analyze.Analyze(a)
		if i < n {
			p.Place(&d)
		} else {
			docs = append(docs, d)
		}
		i++
	}
	return p, docs
}

// BenchmarkCandidates measures candidate retrieval from the inverted index
// on a placer that has seen 5,000 articles.
func BenchmarkCandidates(b *testing.B) {
	p, docs := warmPlacer(b, 5000, 200)
	fs := make([]features, len(docs))
	for i := range docs {
		fs[i] = p.prepare(&docs[i], false)
	}
	b.ResetTimer()
	var n int
	for i := 0; b.Loop(); i++ {
		n += len(p.candidates(&fs[i%len(fs)]))
	}
	b.ReportMetric(float64(n)/float64(b.N), "candidates/op")
}

// BenchmarkSimilarity measures one document–event similarity.
func BenchmarkSimilarity(b *testing.B) {
	p, docs := warmPlacer(b, 5000, 200)
	type pair struct {
		f features
		e *Event
	}
	var pairs []pair
	for i := range docs {
		f := p.prepare(&docs[i], false)
		for _, id := range p.candidates(&f) {
			pairs = append(pairs, pair{f, p.events[id]})
		}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		pr := pairs[i%len(pairs)]
		p.similarity(&pr.f, pr.e)
	}
}

// BenchmarkPlace measures placing one document (IDF update, features,
// candidates, similarities, centroid update) on a warm placer.
func BenchmarkPlace(b *testing.B) {
	p, docs := warmPlacer(b, 5000, 2000)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		d := docs[i%len(docs)]
		d.Article.ID += "'" // a fresh article each time round
		p.Place(&d)
	}
}

// BenchmarkColdEvent measures what an event costs once it has expired, the
// memory that grows with the stream: every placement starts an event (no
// similarity reaches the threshold) and expires the one before.
func BenchmarkColdEvent(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Threshold = 2
	cfg.IdleArticles = 0
	p := NewPlacer(cfg)
	d := hanoiAP.doc()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for b.Loop() {
		p.Place(d)
		p.Expired()
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(b.N), "heap-B/event")
	runtime.KeepAlive(p)
}
