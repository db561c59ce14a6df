// Package summarize writes what a reader sees first: an event's title and
// its multi-source extractive summary, and a storyline's title.
package summarize

import (
	"cmp"
	"math"
	"regexp"
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
	// Captions are what the article's photos show (see
	// analyze.CaptionText): candidates for a title when no article has a
	// headline, never summary sentences.
	Captions []string
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
	// MaxRedundancy is the most two summary sentences may share: the
	// cosine of their term vectors. Past it the second says again what the
	// first said ("Putin visited Syria on Tuesday" three ways).
	MaxRedundancy = 0.55
	// coveredWeight is what is left of a term's weight in the event's
	// centroid once a picked sentence has said it: the next sentence is
	// central by what it adds, not by repeating the first.
	coveredWeight = 0.7
	minWords      = 6
	maxWords      = 60
)

type candidate struct {
	Sentence
	vec      vector
	source   int
	position int
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
			if redundancy > MaxRedundancy {
				continue
			}
			// Leads carry the news; later sentences carry background.
			score := dot(c.vec, centroid) * (1 + 0.5/float64(1+c.position))
			if s := mmrLambda*score - (1-mmrLambda)*redundancy; s > bestScore {
				best, bestScore = i, s
			}
		}
		if best < 0 {
			break
		}
		used[best] = true
		picked = append(picked, cands[best])
		centroid = covered(centroid, cands[best].vec)
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

// covered returns the centroid with the terms of a picked sentence
// down-weighted (see coveredWeight), the picked one's terms being said.
func covered(centroid, picked vector) vector {
	out := make(vector, len(centroid))
	copy(out, centroid)
	for i, j := 0, 0; i < len(out) && j < len(picked); {
		switch {
		case out[i].id < picked[j].id:
			i++
		case out[i].id > picked[j].id:
			j++
		default:
			out[i].w *= coveredWeight
			i++
			j++
		}
	}
	return out
}

// Title chooses an event's title. Where any article has a headline it is
// the most representative headline: the one closest to what the other
// articles' headlines and leads say. Otherwise it is the sentence that best
// states the happening, cut to headline length: among the opening sentences
// and photo captions of every article, the one closest to what they all say,
// early in its article, and not background (an earlier year), a quotation
// or page furniture.
func Title(srcs []Source) string {
	if h := bestHeadline(srcs); h != "" {
		return h
	}
	return bestStatement(srcs)
}

// titleSentences is how many opening sentences of each article may state
// its happening.
const titleSentences = 5

func bestHeadline(srcs []Source) string {
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
		if n := wordCount(h); n < 3 || n > 25 || analyze.IsFurniture(h) {
			continue
		}
		if sc := dot(unit(h), centroid); sc > bestScore {
			best, bestScore = h, sc
		}
	}
	return best
}

// A statement is a sentence or caption that may state an event's
// happening.
type statement struct {
	text     string
	vec      vector
	position int
}

func bestStatement(srcs []Source) string {
	var cands []statement
	sum := map[uint64]float64{}
	for _, s := range srcs {
		var all []string
		for pi, text := range first(s.Sentences, titleSentences) {
			all = append(all, text)
			cands = append(cands, statement{text, unit(text), pi})
		}
		for _, text := range s.Captions {
			all = append(all, text)
			// A caption says what its photo shows, as a second lead
			// sentence would.
			cands = append(cands, statement{text, unit(text), 1})
		}
		for _, t := range unit(strings.Join(all, " ")) {
			sum[t.id] += t.w
		}
	}
	centroid := unitOf(sum)
	best, bestScore := "", 0.0
	for _, c := range cands {
		if wordCount(c.text) < minWords || strings.HasSuffix(strings.TrimSpace(c.text), "?") || analyze.IsFurniture(c.text) {
			continue
		}
		sc := dot(c.vec, centroid) * (1 + 0.5/float64(1+c.position)) * statementWeight(c.text)
		if sc > bestScore {
			best, bestScore = c.text, sc
		}
	}
	return Shorten(headlineStyle(best), titleWords)
}

// titleWords is how long a title cut from a sentence may be.
const titleWords = 14

var (
	// yearRe finds a year; fullDateYearRe one that ends a full date,
	// "Sept. 13, 2021". A lead dates its happening by day ("on Monday");
	// a bare year ("in September 2015", "since 2013") recalls the past.
	yearRe         = regexp.MustCompile(`\b(?:1[89]|20)\d\d\b`)
	fullDateYearRe = regexp.MustCompile(`\d{1,2},\s+(?:1[89]|20)\d\d\b`)
)

// statementWeight discounts sentences that do not state the happening:
// background that recalls an earlier year, and quotations, which report
// what someone said about it.
func statementWeight(s string) float64 {
	w := 1.0
	if hasBackgroundYear(s) {
		w *= 0.5
	}
	if r, _ := utf8.DecodeRuneInString(strings.TrimSpace(s)); strings.ContainsRune(`"“'‘`, r) {
		w *= 0.6
	}
	return w
}

// hasBackgroundYear reports whether s names a year outside a full date.
func hasBackgroundYear(s string) bool {
	return len(yearRe.FindAllStringIndex(s, -1)) > len(fullDateYearRe.FindAllStringIndex(s, -1))
}

// officeRe finds a name after its office, "Russian President Vladimir
// Putin": a headline names the person alone.
var officeRe = regexp.MustCompile(`\b(?:\p{Lu}\p{L}*(?:an|ese|ish|ch|i) |U\.S\. |US |UK )?(?:President|Prime Minister|Premier|Chancellor|Foreign Minister|Defen[cs]e Minister|Minister|Secretary of State|Secretary|Governor|Senator|Mayor|King|Queen|Pope|Chairman|General|Gen\.|Gov\.|Sen\.|Rep\.|Dr\.|Mr\.|Mrs\.|Ms\.) ((?:[\p{L}'’.\-]*\p{Lu}[\p{L}'’.\-]*)(?: [\p{L}'’.\-]*\p{Lu}[\p{L}'’.\-]*)+)`)

// headlineStyle shortens a sentence the way headlines do, when it is
// longer than a title may be: people are named without their office.
func headlineStyle(s string) string {
	if wordCount(s) <= titleWords {
		return s
	}
	return officeRe.ReplaceAllString(s, "$1")
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
