package article

import (
	"os"
	"testing"
)

func benchFile(b *testing.B, path string, parse func([]byte)) {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		parse(data)
	}
}

func BenchmarkParseHTML(b *testing.B) {
	benchFile(b, "testdata/page.html", func(data []byte) {
		if _, err := ParseHTML("page.html", data); err != nil {
			b.Fatal(err)
		}
	})
}

func BenchmarkParseFeed(b *testing.B) {
	benchFile(b, "testdata/feed.rss", func(data []byte) { ParseFeed("feed.rss", data) })
}
