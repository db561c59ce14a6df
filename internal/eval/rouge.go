package eval

import (
	"strings"
	"unicode"
)

// Tokenize is the tokeniser behind every ROUGE score in this package,
// exported so callers can inspect or reuse exactly what is being counted.
// It lowercases and splits on anything that is not a Unicode letter or digit,
// so punctuation and hyphens separate tokens. There is deliberately no
// stemming and no stopword removal: scores therefore correspond to ROUGE
// without the -m and -s options and are lower than stemmed ROUGE numbers.
func Tokenize(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// ngrams is a multiset of n-grams plus its total size.
type ngrams struct {
	counts map[string]int
	total  int
}

// countNgrams counts n-grams of each text separately and sums them, so
// n-grams never span two texts (e.g. two timeline entries whose order is
// arbitrary).
func countNgrams(n int, texts ...string) ngrams {
	if n < 1 {
		panic("eval: ROUGE n-gram order must be at least 1")
	}
	g := ngrams{counts: make(map[string]int)}
	for _, t := range texts {
		toks := Tokenize(t)
		for i := 0; i+n <= len(toks); i++ {
			g.counts[strings.Join(toks[i:i+n], " ")]++
			g.total++
		}
	}
	return g
}

// overlap is the clipped match count: each n-gram matches at most as often
// as it occurs in either side.
func overlap(a, b ngrams) int {
	if len(a.counts) > len(b.counts) {
		a, b = b, a
	}
	m := 0
	for k, c := range a.counts {
		m += min(c, b.counts[k])
	}
	return m
}

// Rouge is ROUGE-N of candidate against a single reference. Recall is clipped
// matches over reference n-grams, precision is clipped matches over candidate
// n-grams, F1 is their harmonic mean. A side with no n-grams (e.g. an empty
// string, or fewer than n tokens) gives 0 for the ratio it divides, as in
// rouge-score and tilse, so no result is ever NaN. It panics if n < 1.
func Rouge(n int, candidate, reference string) PRF {
	return RougeMulti(n, candidate, []string{reference})
}

// RougeMulti is ROUGE-N against several references, pooled the way
// ROUGE-1.5.5 does by default: matches are summed over references, recall
// divides by the summed reference n-grams, precision divides by the candidate
// n-grams times the number of references. Pooling (rather than taking the
// best reference) rewards content that several annotators agree on. With no
// references all scores are 0. It panics if n < 1.
func RougeMulti(n int, candidate string, references []string) PRF {
	cand := countNgrams(n, candidate)
	var match, refTotal int
	for _, r := range references {
		ref := countNgrams(n, r)
		match += overlap(cand, ref)
		refTotal += ref.total
	}
	return ratios(float64(match), float64(cand.total*len(references)), float64(match), float64(refTotal))
}

// ratios builds a PRF from numerators and denominators, mapping an empty
// denominator to 0.
func ratios(pNum, pDen, rNum, rDen float64) PRF {
	var s PRF
	if pDen > 0 {
		s.Precision = pNum / pDen
	}
	if rDen > 0 {
		s.Recall = rNum / rDen
	}
	s.F1 = harmonic(s.Precision, s.Recall)
	return s
}
