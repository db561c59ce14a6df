package synth

import (
	"io"
	"testing"
)

// BenchmarkStream measures generation alone, in articles per second.
func BenchmarkStream(b *testing.B) {
	const n = 20000
	lex() // build the shared lexicon outside the timer
	b.ReportAllocs()
	total, bytes := 0, 0
	for b.Loop() {
		for a := range Stream(DefaultConfig(n, 1)) {
			total++
			bytes += len(a.Text)
		}
	}
	b.SetBytes(int64(bytes / b.N))
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "articles/s")
}

// BenchmarkWriteJSONL measures generation and encoding, what
// `storyline bench --generate` does, in articles per second.
func BenchmarkWriteJSONL(b *testing.B) {
	const n = 20000
	lex()
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteJSONL(io.Discard, DefaultConfig(n, 1)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "articles/s")
}
