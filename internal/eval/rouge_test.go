package eval

import (
	"slices"
	"testing"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  ...  ", nil},
		{"Hello, World!", []string{"hello", "world"}},
		{"U.S.-China talks in 2024's e-mail", []string{"u", "s", "china", "talks", "in", "2024", "s", "e", "mail"}},
		{"Café ZÜRICH", []string{"café", "zürich"}},
	}
	for _, tc := range tests {
		if got := Tokenize(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRouge(t *testing.T) {
	tests := []struct {
		name      string
		n         int
		cand, ref string
		want      PRF
	}{
		// the×2 cat on mat shared; sat vs is differ: 5 of 6 both ways.
		{"R1 near match", 1, "The cat sat on the mat.", "the cat is on the mat", PRF{5.0 / 6, 5.0 / 6, 5.0 / 6}},
		// Shared bigrams: "the cat", "on the", "the mat" = 3 of 5.
		{"R2 near match", 2, "The cat sat on the mat.", "the cat is on the mat", PRF{0.6, 0.6, 0.6}},
		// "the" is clipped to its single reference occurrence.
		{"R1 clipping", 1, "the the the the", "the cat", PRF{0.25, 0.5, 1.0 / 3}},
		{"R1 identical", 1, "Storm hits coast", "storm HITS coast!", PRF{1, 1, 1}},
		{"R1 disjoint", 1, "alpha beta", "gamma", PRF{}},
		{"both empty", 1, "", "", PRF{}},
		{"empty candidate", 1, "", "a b", PRF{}},
		{"empty reference", 1, "a b", "", PRF{}},
		{"too short for bigrams", 2, "one", "one", PRF{}},
		// Candidate bigram "a b" matches; reference has only one bigram.
		{"R2 short reference", 2, "a b c", "a b", PRF{0.5, 1, 2.0 / 3}},
	}
	for _, tc := range tests {
		checkPRF(t, tc.name, Rouge(tc.n, tc.cand, tc.ref), tc.want)
	}
}

func TestRougeMulti(t *testing.T) {
	// Unigram matches: ref1 {a,b}=2, ref2 {b,c}=2 → 4.
	// Precision 4/(3·2), recall 4/(2+3), F1 = 8/11.
	checkPRF(t, "two refs", RougeMulti(1, "a b c", []string{"a b", "b c d"}), PRF{2.0 / 3, 0.8, 8.0 / 11})
	checkPRF(t, "no refs", RougeMulti(1, "a b c", nil), PRF{})
	checkPRF(t, "one ref equals Rouge", RougeMulti(2, "x y z", []string{"x y"}), Rouge(2, "x y z", "x y"))
}

func TestRougePanicsOnBadN(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Rouge(0, ...) did not panic")
		}
	}()
	Rouge(0, "a", "a")
}
