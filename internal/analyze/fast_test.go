package analyze

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"storyline/internal/article"
	"storyline/internal/synth"
)

// The hot paths of analysis are written for speed; these tests hold them to
// the plain code they replace, on words and texts chosen for the corners:
// case, non-ASCII letters whose lower case is ASCII or of another length,
// invalid UTF-8, and words too long for the stem table.

var trickyTexts = []string{
	"",
	"a",
	"The Minister's MEETINGS were held, Reuters reported (AP Photo/Jane Doe).",
	"İstanbul \u212aelvin Straße HÉLLO ſtate ǅemal ΣΟΦΙΑ ﬁnance",
	"Credİt: Getty / EPA — contributed reporting by Jane; WRITING BY Joe, EDITING BY Ann",
	"x\xffy \xc3 \xe2\x80 Biden’s Putin's   don't DON'T aren't",
	"internationalisation-antidisestablishmentarianism supercalifragilisticexpialidocious",
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvw ABCDEFGHIJKLMNOPQRSTUVW abcdefghijklmnopqrstuvwx",
	"1,200 3.5 2021-09-13 5pm A320 COVID-19 U.S. e.g. p.m.",
	"ALL CAPS KICKER HERE\nsecond line\r\nthird",
	"(afp (AP (ap) /photo/ ph0to pHoTo cOnTrIbUtEd getty GETTY epa EPA",
}

// refTerms is Terms as first written: tokens, stop words, then stems.
func refTerms(text string) []string {
	var out []string
	for _, t := range Tokens(text) {
		if len(t) < 2 || stopWords[t] {
			continue
		}
		out = append(out, snowball(t))
	}
	return out
}

func checkTerms(t *testing.T, text string) {
	t.Helper()
	want := refTerms(text)
	// Twice: the first call may fill the cache, the second reads it.
	for range 2 {
		if got := Terms(text); !slices.Equal(got, want) {
			t.Fatalf("Terms(%q) = %q, want %q", text, got, want)
		}
		ids := appendTermIDs(nil, text)
		wantIDs := make([]uint64, len(want))
		for i, s := range want {
			wantIDs[i] = TermID(s)
		}
		slices.Sort(wantIDs)
		if !slices.Equal(slices.Sorted(slices.Values(ids)), wantIDs) {
			t.Fatalf("appendTermIDs(%q) = %x, want %x", text, ids, wantIDs)
		}
		if got, want := countIDs(ids), refCount(want); !slices.Equal(got, want) {
			t.Fatalf("countIDs(%q) = %v, want %v", text, got, want)
		}
	}
}

// refCount is Count as first written, with a map.
func refCount(stems []string) Vector {
	counts := make(map[uint64]float32, len(stems))
	for _, s := range stems {
		counts[TermID(s)]++
	}
	v := make(Vector, 0, len(counts))
	for id, n := range counts {
		v = append(v, Term{ID: id, W: n})
	}
	slices.SortFunc(v, func(a, b Term) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return v
}

// checkVectors compares the vectors of a document of the given headline
// and sentences with those of the plain code.
func checkVectors(t *testing.T, lines []string) {
	t.Helper()
	d := Document{Headline: lines[0], Sentences: lines[1:]}
	prose := strings.Join(d.Sentences, "\n")
	d.vectors(prose)
	lead := d.Headline
	for i := 0; i < len(d.Sentences) && i < leadSentences; i++ {
		lead += "\n" + d.Sentences[i]
	}
	if want := refCount(refTerms(prose)); !slices.Equal(d.Body, want) {
		t.Fatalf("body of %q = %v, want %v", lines, d.Body, want)
	}
	if want := refCount(refTerms(lead)); !slices.Equal(d.Lead, want) {
		t.Fatalf("lead of %q = %v, want %v", lines, d.Lead, want)
	}
}

func TestVectors(t *testing.T) {
	checkVectors(t, trickyTexts)
	checkVectors(t, []string{"0\xf5", "0\xf5", "00", "a\xe2\x80", "bc"})
	checkVectors(t, []string{"", "Talks resume", "in Geneva"})
}

func TestTermsMatchReference(t *testing.T) {
	for _, text := range trickyTexts {
		checkTerms(t, text)
	}
	for w := range stopWords {
		checkTerms(t, w+" "+strings.ToUpper(w)+" "+w+"s")
		if got, want := Stem(w), snowball(w); got != want {
			t.Errorf("Stem(%q) = %q, want %q", w, got, want)
		}
	}
	for _, w := range []string{"Meetings", "", "x", "internationalisation-antidisestablishmentarianism"} {
		if got, want := Stem(w), snowball(w); got != want {
			t.Errorf("Stem(%q) = %q, want %q", w, got, want)
		}
	}
}

func FuzzTerms(f *testing.F) {
	for _, s := range trickyTexts {
		f.Add(s)
	}
	f.Add("0\xf5|0\xf5|00")
	f.Fuzz(func(t *testing.T, text string) {
		checkTerms(t, text)
		checkVectors(t, strings.Split(text, "|"))
		checkHints(t, text)
	})
}

func TestStemKey(t *testing.T) {
	ws := []string{"a", "Ab", "ABCDEFGH", "abcdefghIJKLMNOPqrstuvw", "@[`{", "ZZZZZZZZZZZZZZZZ", "x9Y_",
		"İstanbul", "Kelvin\u212a", "Straße", "héllo", "A\x00B", "A\x00", "\x00\x00"}
	for c := range 128 {
		ws = append(ws, string(rune(c))+"xY", strings.Repeat(string(rune(c)), 9), strings.Repeat(string(rune(c)), 23))
	}
	for _, w := range ws {
		var k stemKey
		n, lw, fits := k.set(w, 0, w)
		var k3 stemKey
		text := w + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		if n3, lw3, fits3 := k3.set(text, 0, text[:len(w)]); n3 != n || lw3 != lw || fits3 != fits || k3 != k {
			t.Fatalf("set(%q) reads past the word", w)
		}
		want := strings.ToLower(w)
		if n != len(want) || lw != "" && lw != want || fits != (len(want) <= maxStemKey) {
			t.Fatalf("set(%q) = %d, %q, %v; want the key of %q", w, n, lw, fits, want)
		}
		if fits {
			var k2 stemKey
			k2.setExact(want)
			if k2 != k || k.String() != want {
				t.Fatalf("set(%q) = key %x, want %x", w, k, k2)
			}
		}
	}
}

func refHints(p string) (bool, bool) {
	lower := strings.ToLower(p)
	any := func(subs ...string) bool {
		return slices.ContainsFunc(subs, func(s string) bool { return strings.Contains(lower, s) })
	}
	return any("contribut", "reporting by", "writing by", "editing by"),
		any("credit", "photo", "(ap", "(afp", "(reuters", "(getty", "reuters", "getty", "epa", "/")
}

func refShouting(p string) bool {
	letters, upper := 0, 0
	for _, r := range p {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	return letters >= 8 && upper*10 >= letters*9
}

func TestNoiseHints(t *testing.T) {
	texts := append([]string{"\x08ap", "\x0f", "credİt", "ph\u212aoto", "(a(afp", "reportinreporting by", "cocontribut",
		"creditin", "edepa", "getget", "writing  by", "(reuter"}, trickyTexts...)
	for _, w := range append(slices.Clone(contributionHints), creditHints...) {
		for _, v := range []string{w, strings.ToUpper(w), strings.ToUpper(w[:1]) + w[1:], w[:len(w)-1], w[1:]} {
			texts = append(texts, v, "x"+v+"y", "é "+v, v+"é")
		}
	}
	for _, s := range texts {
		checkHints(t, s)
	}
}

// checkHints holds the one-pass noise cues and shouting test to the plain
// code they replaced.
func checkHints(t *testing.T, text string) {
	t.Helper()
	mc, mk := noiseHints(text)
	wc, wk := refHints(text)
	if mc != wc || mk != wk {
		t.Errorf("noiseHints(%q) = %v, %v, want %v, %v", text, mc, mk, wc, wk)
	}
	if got, want := isShouting(text), refShouting(text); got != want {
		t.Errorf("isShouting(%q) = %v, want %v", text, got, want)
	}
}

// TestAnalyzeConcurrent analyses articles on several goroutines at once, as
// the pipeline does, while the shared stem cache fills and is rebuilt, and
// holds the documents to those of one goroutine.
func TestAnalyzeConcurrent(t *testing.T) {
	var arts []article.Article
	for a := range synth.Stream(synth.DefaultConfig(300, 99)) {
		arts = append(arts, a)
	}
	got := make([][]Document, 4)
	var wg sync.WaitGroup
	for g := range got {
		wg.Go(func() {
			got[g] = make([]Document, len(arts))
			for i := range arts {
				// Each goroutine walks the articles from another start.
				j := (i + g*len(arts)/len(got)) % len(arts)
				got[g][j] = Analyze(arts[j])
			}
		})
	}
	wg.Wait()
	for i, a := range arts {
		want := Analyze(a)
		for g := range got {
			if !reflect.DeepEqual(got[g][i], want) {
				t.Fatalf("goroutine %d analysed article %d differently", g, i)
			}
		}
	}
}
