package queue

import (
	"testing"

	"storyline/internal/analyze"
	"storyline/internal/article"
	"storyline/internal/pipeline"
	"storyline/internal/synth"
)

func benchDocs(b *testing.B) []analyze.Document {
	var arts []article.Article
	for a := range synth.Stream(synth.DefaultConfig(500, 1)) {
		arts = append(arts, a)
	}
	return pipeline.AnalyzeAll(arts)
}

func BenchmarkEncodeAnalyzed(b *testing.B) {
	docs := benchDocs(b)
	b.ResetTimer()
	var n int
	for i := 0; b.Loop(); i++ {
		m, err := EncodeAnalyzed(&docs[i%len(docs)])
		if err != nil {
			b.Fatal(err)
		}
		n += len(m)
	}
	b.ReportMetric(float64(n)/float64(b.N), "bytes/msg")
}

func BenchmarkDecodeAnalyzed(b *testing.B) {
	docs := benchDocs(b)
	msgs := make([][]byte, len(docs))
	for i := range docs {
		msgs[i], _ = EncodeAnalyzed(&docs[i])
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := DecodeAnalyzed(msgs[i%len(msgs)]); err != nil {
			b.Fatal(err)
		}
	}
}
