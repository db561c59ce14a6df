// Package synth generates a large, realistic, synthetic stream of news
// articles with gold event and topic labels, deterministically from a seed.
// It feeds `storyline bench`: the real datasets are too small to measure the
// pipeline at a million articles, and a benchmark is only honest if its input
// has the statistics that make clustering hard.
//
// What makes the stream realistic, and so the benchmark honest:
//
//   - Language: a fixed vocabulary of 50,000 words with Zipf–Mandelbrot
//     frequencies (exponent 1.1): real English function words and common news
//     words at the head, so stop-word removal and stemming have work, and
//     pronounceable synthetic words (some inflected with -s, -ed, -ing) in the
//     tail.
//   - Entities: synthetic people introduced by a title or role ("President
//     Marek Varenti", "spokesman ...") and named by surname afterwards,
//     places after place cues ("in Kalorinia"), organisations ("the Ministry
//     of Energy"), in pools shared by every stream.
//   - Events and topics: events have Zipfian sizes (most are single articles,
//     a few have hundreds) and belong to topics, long-running subjects with
//     their own words, recurring actors, organisations and places. Events of
//     one topic share actors and vocabulary, and only their own distinctive
//     words, place and date tell them apart: the hard case for clustering.
//   - Time: each event has a date, and its articles are published over the
//     one to three days from it, most on the first; news days vary (quiet
//     weekends, burst days when many events start), many events are live at
//     once and their articles interleave. Some articles state the event's
//     date ("on Tuesday", "March 3, 2019").
//   - Articles: a 6–12 word headline (Title Case or sentence case, by
//     outlet), 150–600 words in sentences, quotations and newline-separated
//     paragraphs, sometimes a byline or a "Reporting by" trailer; one of 50
//     outlets, a URL and a unique ID.
//   - Syndication: a share of the articles (Config.DuplicateRate) are
//     near-duplicates of an earlier article of the same event, from another
//     outlet, with a rewritten lead sentence and/or a trimmed ending.
//
// The stream is generated day by day and holds only the live events (and up
// to a few earlier articles of each, to copy), so memory does not grow with
// the number of articles.
package synth

import (
	"bufio"
	"io"
	"iter"
	"math"
	"time"

	"storyline/internal/article"
)

// Defaults of a Config.
const (
	DefaultYears         = 5
	DefaultDuplicateRate = 0.1
	// MaxDuplicateRate bounds Config.DuplicateRate: the first article of an
	// event can never be a copy, and singletons have no other article, so
	// beyond about 0.6 the requested share cannot be met.
	MaxDuplicateRate = 0.6
)

// DefaultStart is the first day of a stream whose Config leaves Start zero.
// It is far enough in the past that no generated date is taken for a
// future placeholder by the article readers.
var DefaultStart = time.Date(2015, time.January, 1, 0, 0, 0, 0, time.UTC)

// Config describes a stream. The same Config gives the same stream, byte for
// byte.
type Config struct {
	// Articles is how many articles the stream has; zero or less gives an
	// empty stream.
	Articles int
	// Seed picks the events, their articles and all their wording. The
	// language (vocabulary, name pools, outlets) is the same for every seed,
	// as it is for real outlets.
	Seed uint64
	// Start is the first day; its UTC calendar day is used. Zero means
	// DefaultStart.
	Start time.Time
	// Years is the span the dates are spread over, at an even rate apart
	// from weekly rhythm and bursts. The last events run on for up to a few
	// days past it. Zero or less means DefaultYears.
	Years float64
	// DuplicateRate is the share of articles that are near-duplicates
	// (syndicated copies) of an earlier article of the same event. It is
	// taken as given: zero means none (DefaultConfig sets
	// DefaultDuplicateRate); it is clamped to [0, MaxDuplicateRate].
	DuplicateRate float64
}

// DefaultConfig returns the Config of n articles from seed with the default
// span and duplicate rate, what `storyline bench` uses.
func DefaultConfig(n int, seed uint64) Config {
	return Config{
		Articles:      n,
		Seed:          seed,
		Start:         DefaultStart,
		Years:         DefaultYears,
		DuplicateRate: DefaultDuplicateRate,
	}
}

// normalized fills in the defaults and clamps what is out of range.
func (c Config) normalized() Config {
	if c.Start.IsZero() {
		c.Start = DefaultStart
	}
	s := c.Start.UTC()
	c.Start = time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, time.UTC)
	if !(c.Years > 0) || math.IsInf(c.Years, 1) {
		c.Years = DefaultYears
	}
	if !(c.DuplicateRate > 0) {
		c.DuplicateRate = 0
	}
	c.DuplicateRate = min(c.DuplicateRate, MaxDuplicateRate)
	c.Articles = max(c.Articles, 0)
	return c
}

// Stream yields the cfg.Articles articles of the stream in stream order:
// dates never decrease, and the articles of the events live on a day are
// interleaved. Each article has an ID, title, text, date, URL, source,
// language "en", Origin "synth:N" (N counting from 1, the line number
// WriteJSONL gives it) and gold Event and Topic labels.
//
// Each iteration generates the stream afresh; memory stays bounded by the
// events live on a day, not the length of the stream, so tens of millions
// of articles can be generated.
func Stream(cfg Config) iter.Seq[article.Article] {
	return func(yield func(article.Article) bool) {
		g := newGen(cfg)
		for {
			a, ok := g.next()
			if !ok || !yield(a) {
				return
			}
		}
	}
}

// WriteJSONL writes the stream of cfg as JSON Lines, one article a line, in
// the shape the article package reads from .jsonl files: id, title, text,
// date (YYYY-MM-DD), url, source, lang, and the gold labels event and topic.
// It returns the first write error.
func WriteJSONL(w io.Writer, cfg Config) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	var line []byte
	for a := range Stream(cfg) {
		line = AppendJSONL(line[:0], &a)
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}
