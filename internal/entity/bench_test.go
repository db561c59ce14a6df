package entity

import (
	"os"
	"strings"
	"testing"
)

func loadArticle(tb testing.TB) []string {
	b, err := os.ReadFile("testdata/article.txt")
	if err != nil {
		tb.Fatal(err)
	}
	var sents []string
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			sents = append(sents, line)
		}
	}
	return sents
}

// BenchmarkExtract runs Extract on a 3 KB news article (testdata/article.txt,
// one sentence or two per line). The target is under 0.3 ms per article.
func BenchmarkExtract(b *testing.B) {
	sents := loadArticle(b)
	n := 0
	for _, s := range sents {
		n += len(s)
	}
	Extract("", nil) // build the lexicon outside the timer
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		Extract("Zelensky Visits Washington As Aid Stalls In Congress", sents)
	}
}
