package dedupe

import (
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

func readText(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestNormalisation(t *testing.T) {
	base := "The envoy said: \"We are here to get food moving.\"\nTalks resume on Monday in Geneva."
	tests := []struct {
		name  string
		other string
		same  bool
	}{
		{"identical", base, true},
		{"case", strings.ToUpper(base), true},
		{"curly quotes and dashes", "The envoy said – “We are here to get food moving.”\nTalks resume on Monday in Geneva.", true},
		{"line breaks and spaces", strings.ReplaceAll(base, "\n", "\n\n   "), true},
		{"paragraphs joined", strings.ReplaceAll(base, "\n", " "), true},
		{"one word changed", strings.Replace(base, "Monday", "Tuesday", 1), false},
		{"word order", "The envoy said: \"We are here to move food.\"\nTalks resume on Monday in Geneva.", false},
	}
	want := SignatureOf(base)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SignatureOf(tt.other)
			if (got == want) != tt.same {
				t.Errorf("signatures equal = %v, want %v (similarity %.2f)", got == want, tt.same, Similarity(&got, &want))
			}
		})
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"Präsident", "PRÄSIDENT", true},
		{"Putin’s", "putin's", true},
		{"U.S.", "u s", true},
		{"café", "cafe", false},
		{"東京 都", "東京 都", true},
		{"a1b2", "A1B2", true},
	}
	for _, tt := range tests {
		wa, wb := words(tt.a), words(tt.b)
		same := len(wa) == len(wb)
		for i := 0; same && i < len(wa); i++ {
			same = wa[i] == wb[i]
		}
		if same != tt.same {
			t.Errorf("words(%q) == words(%q): %v, want %v", tt.a, tt.b, same, tt.same)
		}
	}
}

func TestEmptySignature(t *testing.T) {
	for _, text := range []string{"", "   \n", "!!! --- ???"} {
		sig := SignatureOf(text)
		if !sig.Empty() {
			t.Errorf("SignatureOf(%q) not empty", text)
		}
		if s := Similarity(&sig, &sig); s != 0 {
			t.Errorf("empty signature similar to itself: %v", s)
		}
	}
	short := SignatureOf("Talks resume")
	if short.Empty() || short.Shingles != 1 {
		t.Errorf("short text: %d shingles", short.Shingles)
	}
}

// TestSignatureStable pins a few values: signatures may be stored, and a
// change of hashing would silently stop old ones matching new ones.
func TestSignatureStable(t *testing.T) {
	sig := SignatureOf("Negotiators returned to Geneva on Sunday for a third round of talks.")
	got := [3]uint32{sig.Mins[0], sig.Mins[1], sig.Mins[127]}
	want := [3]uint32{388046878, 1006054715, 503314086}
	if got != want || sig.Shingles != 8 {
		t.Errorf("signature changed: %d %v, want 8 %v", sig.Shingles, got, want)
	}
}

func exactJaccard(a, b string) float64 {
	set := func(text string) map[uint64]bool {
		m := map[uint64]bool{}
		shingles(words(text), func(x uint64) { m[x] = true })
		return m
	}
	sa, sb := set(a), set(b)
	inter := 0
	for x := range sa {
		if sb[x] {
			inter++
		}
	}
	union := len(sa) + len(sb) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// TestSimilarityEstimatesJaccard checks the estimate against the exact
// Jaccard similarity on overlapping windows of text, which cover the whole
// range of similarities.
func TestSimilarityEstimatesJaccard(t *testing.T) {
	var all []string
	for _, f := range []string{"geneva-talks.txt", "vienna-talks.txt", "port-strike-north.txt", "port-strike-south.txt"} {
		all = append(all, strings.Fields(readText(t, f))...)
	}
	r := rand.New(rand.NewPCG(1, 2))
	var bias, abs, sq float64
	const n = 400
	for range n {
		start, length := r.IntN(len(all)-300), 100+r.IntN(200)
		shift := r.IntN(length)
		a := strings.Join(all[start:start+length], " ")
		b := strings.Join(all[start+shift:min(len(all), start+shift+100+r.IntN(200))], " ")
		sa, sb := SignatureOf(a), SignatureOf(b)
		d := Similarity(&sa, &sb) - exactJaccard(a, b)
		bias += d / n
		abs += math.Abs(d) / n
		sq += d * d / n
	}
	t.Logf("estimate - exact Jaccard over %d pairs: bias %+.4f, mean |error| %.4f, RMSE %.4f", n, bias, abs, math.Sqrt(sq))
	// The standard error of a 128-hash estimate is at most 0.044.
	if math.Abs(bias) > 0.01 || math.Sqrt(sq) > 0.05 {
		t.Errorf("estimate off: bias %+.4f, RMSE %.4f", bias, math.Sqrt(sq))
	}
}

func BenchmarkSignatureOf(b *testing.B) {
	text := readText(b, "geneva-talks.txt")
	for len(text) < 3000 {
		text += "\n" + readText(b, "vienna-talks.txt")
	}
	text = text[:3000]
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		SignatureOf(text)
	}
}
