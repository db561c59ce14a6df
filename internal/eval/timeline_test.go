package eval

import (
	"testing"
	"time"
)

func jan(day int) time.Time { return time.Date(2024, time.January, day, 12, 0, 0, 0, time.UTC) }

// Shared example. Predicted days: Jan 1 {storm hits coast} (3 unigrams,
// 2 bigrams), Jan 3 {floods close roads | schools shut} (5 unigrams,
// 2+1 bigrams). Reference days: Jan 1 {storm hits the coast} (4, 3),
// Jan 2 {floods close many roads} (4, 3), Jan 5 {power restored} (2, 1).
var (
	examplePred = Timeline{
		{jan(3), "Floods close roads."},
		{jan(1), "Storm hits coast"},
		{jan(3), "Schools shut"},
	}
	exampleRef = Timeline{
		{jan(1), "Storm hits the coast"},
		{jan(2), "Floods close many roads"},
		{jan(5), "Power restored"},
	}
)

func TestDateF1(t *testing.T) {
	tests := []struct {
		name      string
		pred, ref Timeline
		want      PRF
	}{
		// Days {1,3} vs {1,2,5}: one hit. P=1/2, R=1/3, F=2/5.
		{"example", examplePred, exampleRef, PRF{0.5, 1.0 / 3, 0.4}},
		{"both empty", nil, nil, PRF{}},
		{"empty pred", nil, exampleRef, PRF{}},
		{"empty ref", examplePred, nil, PRF{}},
		{"one date, same day, different times and text",
			Timeline{{time.Date(2024, 1, 1, 0, 5, 0, 0, time.UTC), ""}},
			Timeline{{time.Date(2024, 1, 1, 23, 55, 0, 0, time.UTC), "x"}}, PRF{1, 1, 1}},
		{"one date, different day", Timeline{{jan(1), "a"}}, Timeline{{jan(2), "a"}}, PRF{}},
	}
	for _, tc := range tests {
		checkPRF(t, tc.name, DateF1(tc.pred, tc.ref), tc.want)
	}
}

func TestConcatRouge(t *testing.T) {
	one := Timeline{{jan(1), "Storm hits coast"}}
	tests := []struct {
		name      string
		n         int
		pred, ref Timeline
		want      PRF
	}{
		// Unigrams: 6 shared (storm hits coast floods close roads) of 8 / 10.
		{"example R1", 1, examplePred, exampleRef, PRF{0.75, 0.6, 2.0 / 3}},
		// Bigrams: "storm hits", "floods close" of 5 / 7. "coast floods"
		// would match too if n-grams crossed entry boundaries.
		{"example R2", 2, examplePred, exampleRef, PRF{0.4, 2.0 / 7, 1.0 / 3}},
		{"empty both", 1, nil, nil, PRF{}},
		{"empty pred", 1, nil, exampleRef, PRF{}},
		{"empty ref", 2, examplePred, nil, PRF{}},
		// Dates are ignored: storm, coast shared; 2/3 and 2/4.
		{"one date each", 1, one, Timeline{{jan(3), "storm hit the coast"}}, PRF{2.0 / 3, 0.5, 4.0 / 7}},
	}
	for _, tc := range tests {
		checkPRF(t, tc.name, ConcatRouge(tc.n, tc.pred, tc.ref), tc.want)
	}
}

func TestAlignRouge(t *testing.T) {
	same := "storm hits coast"
	tests := []struct {
		name      string
		n         int
		pred, ref Timeline
		want      PRF
	}{
		// Pred Jan 1 ↔ ref Jan 1: 3 matches, weight 1 → 3.
		// Pred Jan 3 ↔ ref Jan 2: 3 matches, weight 1/2 → 1.5.
		// P = 4.5/8, R = 4.5/10 (Jan 5 unmatched), F = 0.5.
		{"example R1", 1, examplePred, exampleRef, PRF{0.5625, 0.45, 0.5}},
		// Bigrams: 1·1 + 1·(1/2) = 1.5; P = 1.5/5, R = 1.5/7, F = 1/4.
		{"example R2", 2, examplePred, exampleRef, PRF{0.3, 1.5 / 7, 0.25}},
		{"empty both", 1, nil, nil, PRF{}},
		{"empty pred", 1, nil, exampleRef, PRF{}},
		{"empty ref", 1, examplePred, nil, PRF{}},
		{"one date, identical", 2, Timeline{{jan(4), same}}, Timeline{{jan(4), same}}, PRF{1, 1, 1}},
		// 2 matches (storm, coast) two days apart: 2/3 weighted.
		// P = (2/3)/3, R = (2/3)/4, F = 4/21.
		{"one date each, two days apart", 1,
			Timeline{{jan(1), same}}, Timeline{{jan(3), "storm hit the coast"}}, PRF{2.0 / 9, 1.0 / 6, 4.0 / 21}},
		// m:1 on the precision side: three predicted days all align to the
		// one reference day: (1.5 + 3 + 1.5)/9. Recall aligns the reference
		// day to its best predicted day only: 3/3, not 6/3.
		{"many-to-one stays within [0,1]", 1,
			Timeline{{jan(1), same}, {jan(2), same}, {jan(3), same}},
			Timeline{{jan(2), same}}, PRF{2.0 / 3, 1, 0.8}},
		// Pred Jan 1 "a b c d": ref Jan 1 "a" scores 1·1, ref Jan 3
		// "a b c d" scores 4·(1/3); the larger weighted overlap wins,
		// P = (4/3)/4. Recall: both reference days align to pred Jan 1:
		// (1 + 4/3)/5 = 7/15. F = 7/18.
		{"best weighted overlap beats same day", 1,
			Timeline{{jan(1), "a b c d"}},
			Timeline{{jan(1), "a"}, {jan(3), "a b c d"}}, PRF{1.0 / 3, 7.0 / 15, 7.0 / 18}},
	}
	for _, tc := range tests {
		checkPRF(t, tc.name, AlignRouge(tc.n, tc.pred, tc.ref), tc.want)
	}
}

func TestCompareTimelines(t *testing.T) {
	got := CompareTimelines(examplePred, exampleRef)
	if got.PredDates != 2 || got.RefDates != 3 || got.PredTokens != 8 || got.RefTokens != 10 {
		t.Errorf("sizes = %d/%d/%d/%d, want 2/3/8/10", got.PredDates, got.RefDates, got.PredTokens, got.RefTokens)
	}
	checkPRF(t, "date", got.Date, DateF1(examplePred, exampleRef))
	checkPRF(t, "concat1", got.Concat1, ConcatRouge(1, examplePred, exampleRef))
	checkPRF(t, "concat2", got.Concat2, ConcatRouge(2, examplePred, exampleRef))
	checkPRF(t, "align1", got.AlignM1R1, AlignRouge(1, examplePred, exampleRef))
	checkPRF(t, "align2", got.AlignM1R2, AlignRouge(2, examplePred, exampleRef))
}

func TestDayNum(t *testing.T) {
	plus5 := time.FixedZone("+05", 5*3600)
	tests := []struct {
		t    time.Time
		want int64
	}{
		{time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{time.Date(1970, 1, 2, 23, 59, 59, 0, time.UTC), 1},
		{time.Date(1969, 12, 31, 23, 0, 0, 0, time.UTC), -1},
		// 00:30 on Jan 2 at +05 is Jan 1 in UTC, but the local day counts.
		{time.Date(1970, 1, 2, 0, 30, 0, 0, plus5), 1},
	}
	for _, tc := range tests {
		if got := dayNum(tc.t); got != tc.want {
			t.Errorf("dayNum(%v) = %d, want %d", tc.t, got, tc.want)
		}
	}
}
