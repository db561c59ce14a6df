// Package summarize writes what a reader sees first: an event's title and
// its multi-source extractive summary, and a storyline's title.
package summarize

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
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
	vec      vector
	source   int
	position int
	score    float64
}

// Summary picks up to n sentences that are central to the event and say
// different things, from all its articles, in reading order: by position in
// their article, earlier first, and by article order among equals.
func Summary(srcs []Source, n int) []Sentence {
	var cands []candidate
	sum := map[uint64]float64{}
	for si, s := range srcs {
		for pi, text := range s.Sentences {
			if pi >= LeadWindow {
				break
			}
			words := wordCount(text)
			if words < minWords || words > maxWords || strings.HasSuffix(strings.TrimSpace(text), "?") {
				continue
			}
			v := unit(text)
			cands = append(cands, candidate{Sentence: Sentence{Text: text, Article: s.Article}, vec: v, source: si, position: pi})
			for _, t := range v {
				sum[t.id] += t.w
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	centroid := unitOf(sum)
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
	sum := map[uint64]float64{}
	for _, s := range srcs {
		for _, t := range unit(s.Headline + " " + strings.Join(first(s.Sentences, 3), " ")) {
			sum[t.id] += t.w
		}
	}
	centroid := unitOf(sum)
	best, bestScore := "", -1.0
	for _, s := range srcs {
		h := strings.TrimSpace(s.Headline)
		if n := wordCount(h); n < 3 || n > 25 {
			continue
		}
		if sc := dot(unit(h), centroid); sc > bestScore {
			best, bestScore = h, sc
		}
	}
	if best != "" {
		return best
	}
	for _, s := range srcs {
		for _, sent := range first(s.Sentences, 2) {
			if wordCount(sent) < minWords {
				continue
			}
			if sc := dot(unit(sent), centroid); sc > bestScore {
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

// wordCount is len(strings.Fields(s)), without building the fields.
func wordCount(s string) int {
	n, in := 0, false
	for _, r := range s {
		space := unicode.IsSpace(r)
		if !space && !in {
			n++
		}
		in = !space
	}
	return n
}

// A vector is a sparse term vector sorted by term id: sums over it come out
// the same on every run, which sums over a Go map, in random order, do not
// (summaries must not change between two runs on the same input).
type vector []term

type term struct {
	id uint64
	w  float64
}

// unit returns the unit-length term-count vector of a text. Summaries
// tokenise every lead sentence of up to two dozen articles whenever
// an event grows, so it counts sorted term ids rather than stems in a map.
func unit(text string) vector {
	ids := analyze.TermIDs(text)
	slices.Sort(ids)
	v := make(vector, 0, len(ids))
	for _, id := range ids {
		if n := len(v); n > 0 && v[n-1].id == id {
			v[n-1].w++
		} else {
			v = append(v, term{id, 1})
		}
	}
	return normalize(v)
}

// unitOf sorts a map of weights into a vector of unit length.
func unitOf(m map[uint64]float64) vector {
	v := make(vector, 0, len(m))
	for id, w := range m {
		v = append(v, term{id, w})
	}
	slices.SortFunc(v, func(a, b term) int { return cmp.Compare(a.id, b.id) })
	return normalize(v)
}

// normalize scales a sorted vector to unit length.
func normalize(v vector) vector {
	var n float64
	for _, t := range v {
		n += t.w * t.w
	}
	if n > 0 {
		n = math.Sqrt(n)
		for i := range v {
			v[i].w /= n
		}
	}
	return v
}

// dot is the dot product of two sorted vectors, a linear merge.
func dot(a, b vector) float64 {
	var s float64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].id < b[j].id:
			i++
		case a[i].id > b[j].id:
			j++
		default:
			s += a[i].w * b[j].w
			i++
			j++
		}
	}
	return s
}
