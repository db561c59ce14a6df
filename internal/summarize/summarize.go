// Package summarize writes what a reader sees first: an event's title and
// its multi-source extractive summary, and a storyline's title.
package summarize

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"storyline/internal/analyze"
)

// A Source is one article of an event, as the summariser needs it.
type Source struct {
	Article   string
	Headline  string
	Sentences []string
}

// A Sentence is a summary sentence and the article it came from.
type Sentence struct {
	Text    string
	Article string
}

const (
	// LeadWindow is how many opening sentences of each article compete for
	// the summary: news puts what happened first. Callers may keep only
	// these.
	LeadWindow = 12
	// mmrLambda trades centrality against novelty when picking sentences.
	mmrLambda = 0.7
	minWords  = 6
	maxWords  = 60
)

type candidate struct {
	Sentence
	vec      map[uint64]float64
	source   int
	position int
	score    float64
}

// Summary picks up to n sentences that are central to the event and say
// different things, from all its articles, in reading order: by position in
// their article, earlier first, and by article order among equals.
func Summary(srcs []Source, n int) []Sentence {
	var cands []candidate
	centroid := map[uint64]float64{}
	for si, s := range srcs {
		for pi, text := range s.Sentences {
			if pi >= LeadWindow {
				break
			}
			words := len(strings.Fields(text))
			if words < minWords || words > maxWords || strings.HasSuffix(strings.TrimSpace(text), "?") {
				continue
			}
			v := unit(analyze.Terms(text))
			cands = append(cands, candidate{Sentence: Sentence{Text: text, Article: s.Article}, vec: v, source: si, position: pi})
			for k, w := range v {
				centroid[k] += w
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	normalise(centroid)
	for i := range cands {
		c := &cands[i]
		// Leads carry the news; later sentences carry background.
		c.score = dot(c.vec, centroid) * (1 + 0.5/float64(1+c.position))
	}
	var picked []candidate
	used := make([]bool, len(cands))
	for len(picked) < n {
		best, bestScore := -1, math.Inf(-1)
		for i, c := range cands {
			if used[i] {
				continue
			}
			redundancy := 0.0
			for _, p := range picked {
				redundancy = math.Max(redundancy, dot(c.vec, p.vec))
			}
			if redundancy > 0.6 {
				continue
			}
			s := mmrLambda*c.score - (1-mmrLambda)*redundancy
			if s > bestScore {
				best, bestScore = i, s
			}
		}
		if best < 0 {
			break
		}
		used[best] = true
		picked = append(picked, cands[best])
	}
	slices.SortStableFunc(picked, func(a, b candidate) int {
		if c := cmp.Compare(a.position, b.position); c != 0 {
			return c
		}
		return cmp.Compare(a.source, b.source)
	})
	out := make([]Sentence, len(picked))
	for i, p := range picked {
		out[i] = p.Sentence
	}
	return out
}

// Title chooses an event's headline: the article headline closest to what
// all its articles say, or, when none has one, the most central lead
// sentence cut to headline length.
func Title(srcs []Source) string {
	centroid := map[uint64]float64{}
	for _, s := range srcs {
		for k, w := range unit(analyze.Terms(s.Headline + " " + strings.Join(first(s.Sentences, 3), " "))) {
			centroid[k] += w
		}
	}
	normalise(centroid)
	best, bestScore := "", -1.0
	for _, s := range srcs {
		h := strings.TrimSpace(s.Headline)
		if n := len(strings.Fields(h)); n < 3 || n > 25 {
			continue
		}
		if sc := dot(unit(analyze.Terms(h)), centroid); sc > bestScore {
			best, bestScore = h, sc
		}
	}
	if best != "" {
		return best
	}
	for _, s := range srcs {
		for _, sent := range first(s.Sentences, 2) {
			if len(strings.Fields(sent)) < minWords {
				continue
			}
			if sc := dot(unit(analyze.Terms(sent)), centroid); sc > bestScore {
				best, bestScore = sent, sc
			}
		}
	}
	return Shorten(best, 14)
}

// Shorten cuts a sentence to about maxWords words, preferring to stop at a
// clause boundary, and drops its final period.
func Shorten(s string, maxWords int) string {
	s = strings.TrimSpace(s)
	words := strings.Fields(s)
	if len(words) > maxWords {
		cut := maxWords
		for i := maxWords - 1; i >= maxWords/2; i-- {
			if strings.HasSuffix(words[i], ",") || strings.HasSuffix(words[i], ";") {
				cut = i + 1
				break
			}
		}
		s = strings.Join(words[:cut], " ")
		s = strings.TrimRight(s, ",;:") + "…"
	}
	s = strings.TrimSuffix(s, ".")
	if r, _ := utf8.DecodeRuneInString(s); r != utf8.RuneError && !strings.HasPrefix(s, strings.ToUpper(string(r))) {
		s = strings.ToUpper(string(r)) + s[utf8.RuneLen(r):]
	}
	return s
}

func first(s []string, n int) []string { return s[:min(n, len(s))] }

func unit(stems []string) map[uint64]float64 {
	v := map[uint64]float64{}
	for _, s := range stems {
		v[analyze.TermID(s)]++
	}
	normalise(v)
	return v
}

func normalise(v map[uint64]float64) {
	var n float64
	for _, w := range v {
		n += w * w
	}
	if n == 0 {
		return
	}
	n = math.Sqrt(n)
	for k := range v {
		v[k] /= n
	}
}

func dot(a, b map[uint64]float64) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	var s float64
	for k, w := range a {
		s += w * b[k]
	}
	return s
}
