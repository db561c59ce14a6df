package eval

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

const eps = 1e-12

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func checkPRF(t *testing.T, what string, got, want PRF) {
	t.Helper()
	if !near(got.Precision, want.Precision, eps) || !near(got.Recall, want.Recall, eps) || !near(got.F1, want.F1, eps) {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
}

func TestCompare(t *testing.T) {
	ln := math.Log
	// Worked example (see tests below for the hand derivation):
	// gold A A A B B C, pred 1 1 2 2 2 2.
	// Cells (A,1)=2 (A,2)=1 (B,2)=2 (C,2)=1; 15 pairs in total.
	// TP=2, gold pairs=4, pred pairs=7 → FP=5, FN=2, TN=6.
	miEx := ln(2)/6 + ln(1.5)/2
	hGoldEx := ln(2)/2 + ln(3)/3 + ln(6)/6
	hPredEx := ln(3)/3 + 2*ln(1.5)/3

	tests := []struct {
		name       string
		gold, pred []string
		want       Scores
	}{
		{
			name: "empty",
			want: Scores{},
		},
		{
			name: "single item",
			gold: []string{"a"}, pred: []string{"x"},
			want: Scores{Articles: 1, GoldClusters: 1, PredClusters: 1,
				Pairwise: Pairwise{Precision: 1, Recall: 1, F1: 1},
				BCubed:   PRF{1, 1, 1}, ARI: 1, NMI: 1, NMIGeometric: 1},
		},
		{
			name: "all singletons in both",
			gold: []string{"a", "b", "c", "d"}, pred: []string{"w", "x", "y", "z"},
			want: Scores{Articles: 4, GoldClusters: 4, PredClusters: 4,
				Pairwise: Pairwise{Precision: 1, Recall: 1, F1: 1, TN: 6},
				BCubed:   PRF{1, 1, 1}, ARI: 1, NMI: 1, NMIGeometric: 1},
		},
		{
			name: "one cluster in both",
			gold: []string{"a", "a", "a", "a"}, pred: []string{"x", "x", "x", "x"},
			want: Scores{Articles: 4, GoldClusters: 1, PredClusters: 1,
				Pairwise: Pairwise{Precision: 1, Recall: 1, F1: 1, TP: 6},
				BCubed:   PRF{1, 1, 1}, ARI: 1, NMI: 1, NMIGeometric: 1},
		},
		{
			// No predicted pairs: precision 1 by convention, recall 0.
			// B-cubed: P=1, R=1/4 per item, F=2·0.25/1.25=0.4.
			name: "pred singletons, gold one cluster",
			gold: []string{"a", "a", "a", "a"}, pred: []string{"w", "x", "y", "z"},
			want: Scores{Articles: 4, GoldClusters: 1, PredClusters: 4,
				Pairwise: Pairwise{Precision: 1, Recall: 0, F1: 0, FN: 6},
				BCubed:   PRF{1, 0.25, 0.4}, ARI: 0, NMI: 0, NMIGeometric: 0},
		},
		{
			name: "gold singletons, pred one cluster",
			gold: []string{"a", "b", "c", "d"}, pred: []string{"x", "x", "x", "x"},
			want: Scores{Articles: 4, GoldClusters: 4, PredClusters: 1,
				Pairwise: Pairwise{Precision: 0, Recall: 1, F1: 0, FP: 6},
				BCubed:   PRF{0.25, 1, 0.4}, ARI: 0, NMI: 0, NMIGeometric: 0},
		},
		{
			// Same partition under different, reordered names; TP=1+3, TN=15-4.
			name: "identical partition, renamed labels",
			gold: []string{"a", "a", "b", "c", "c", "c"}, pred: []string{"z", "z", "", "x", "x", "x"},
			want: Scores{Articles: 6, GoldClusters: 3, PredClusters: 3,
				Pairwise: Pairwise{Precision: 1, Recall: 1, F1: 1, TP: 4, TN: 11},
				BCubed:   PRF{1, 1, 1}, ARI: 1, NMI: 1, NMIGeometric: 1},
		},
		{
			// Crossed 2x2: TP=0, FP=FN=2, TN=2; ARI=2(0-4)/(2·4+2·4)=-0.5;
			// each item has 1 correct of 2 on both sides; MI=0.
			name: "anti-correlated",
			gold: []string{"a", "a", "b", "b"}, pred: []string{"x", "y", "x", "y"},
			want: Scores{Articles: 4, GoldClusters: 2, PredClusters: 2,
				Pairwise: Pairwise{Precision: 0, Recall: 0, F1: 0, FP: 2, FN: 2, TN: 2},
				BCubed:   PRF{0.5, 0.5, 0.5}, ARI: -0.5, NMI: 0, NMIGeometric: 0},
		},
		{
			// P=2/7, R=2/4, F1=4/11; ARI=2(2·6-2·5)/(4·8+7·11)=4/109.
			// B-cubed per item P: 1,1,1/4,1/2,1/2,1/4 → 7/12;
			// R: 2/3,2/3,1/3,1,1,1 → 7/9; F=2/3.
			name: "worked example",
			gold: []string{"A", "A", "A", "B", "B", "C"}, pred: []string{"1", "1", "2", "2", "2", "2"},
			want: Scores{Articles: 6, GoldClusters: 3, PredClusters: 2,
				Pairwise: Pairwise{Precision: 2.0 / 7, Recall: 0.5, F1: 4.0 / 11, TP: 2, FP: 5, FN: 2, TN: 6},
				BCubed:   PRF{7.0 / 12, 7.0 / 9, 2.0 / 3},
				ARI:      4.0 / 109,
				NMI:      miEx / ((hGoldEx + hPredEx) / 2), NMIGeometric: miEx / math.Sqrt(hGoldEx*hPredEx)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Compare(tc.gold, tc.pred)
			if err != nil {
				t.Fatal(err)
			}
			w := tc.want
			if got.Articles != w.Articles || got.GoldClusters != w.GoldClusters || got.PredClusters != w.PredClusters {
				t.Errorf("sizes = %d/%d/%d, want %d/%d/%d", got.Articles, got.GoldClusters, got.PredClusters, w.Articles, w.GoldClusters, w.PredClusters)
			}
			gp, wp := got.Pairwise, w.Pairwise
			if gp.TP != wp.TP || gp.FP != wp.FP || gp.FN != wp.FN || gp.TN != wp.TN {
				t.Errorf("pair counts = %d/%d/%d/%d, want %d/%d/%d/%d", gp.TP, gp.FP, gp.FN, gp.TN, wp.TP, wp.FP, wp.FN, wp.TN)
			}
			checkPRF(t, "pairwise", PRF{gp.Precision, gp.Recall, gp.F1}, PRF{wp.Precision, wp.Recall, wp.F1})
			checkPRF(t, "bcubed", got.BCubed, w.BCubed)
			if !near(got.ARI, w.ARI, eps) {
				t.Errorf("ARI = %v, want %v", got.ARI, w.ARI)
			}
			if !near(got.NMI, w.NMI, eps) || !near(got.NMIGeometric, w.NMIGeometric, eps) {
				t.Errorf("NMI = %v/%v, want %v/%v", got.NMI, got.NMIGeometric, w.NMI, w.NMIGeometric)
			}
		})
	}
}

func TestCompareLengthMismatch(t *testing.T) {
	if _, err := Compare([]string{"a"}, nil); err == nil {
		t.Fatal("expected error for different lengths")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Score did not panic on different lengths")
		}
	}()
	Score([]string{"a"}, nil)
}

func TestPairScoresPriberam(t *testing.T) {
	// Published counts for Priberam's multilingual clustering (Miranda et
	// al. 2018); scores are given there to 5 decimals.
	p, ari := PairScores(936031, 17710, 101072, 37012362)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"precision", p.Precision, 0.98143},
		{"recall", p.Recall, 0.90254},
		{"F1", p.F1, 0.94034},
		{"ARI", ari, 0.93874},
	} {
		if !near(c.got, c.want, 0.5e-5) {
			t.Errorf("%s = %.6f, want %.5f", c.name, c.got, c.want)
		}
	}
}

func TestPairScoresDegenerate(t *testing.T) {
	tests := []struct {
		name           string
		tp, fp, fn, tn int64
		want           PRF
		ari            float64
	}{
		{"no pairs at all", 0, 0, 0, 0, PRF{1, 1, 1}, 1},
		{"only true negatives", 0, 0, 0, 10, PRF{1, 1, 1}, 1},
		{"only false positives", 0, 3, 0, 0, PRF{0, 1, 0}, 0},
		{"only false negatives", 0, 0, 3, 0, PRF{1, 0, 0}, 0},
		// 2(1·1-1·1)/(2·2+2·2) = 0.
		{"chance", 1, 1, 1, 1, PRF{0.5, 0.5, 0.5}, 0},
	}
	for _, tc := range tests {
		p, ari := PairScores(tc.tp, tc.fp, tc.fn, tc.tn)
		checkPRF(t, tc.name, PRF{p.Precision, p.Recall, p.F1}, tc.want)
		if !near(ari, tc.ari, eps) {
			t.Errorf("%s: ARI = %v, want %v", tc.name, ari, tc.ari)
		}
	}
}

// TestCompareBruteForce checks the contingency-table shortcuts against the
// O(n²) definitions on random labellings.
func TestCompareBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := r.IntN(40)
		gold, pred := make([]string, n), make([]string, n)
		kg, kp := 1+r.IntN(6), 1+r.IntN(6)
		for i := range n {
			gold[i] = strconv.Itoa(r.IntN(kg))
			pred[i] = strconv.Itoa(r.IntN(kp))
		}
		got := Score(gold, pred)
		var tp, fp, fn, tn int64
		var bp, br float64
		for i := range n {
			var both, inPred, inGold int
			for j := range n {
				sg, sp := gold[i] == gold[j], pred[i] == pred[j]
				if sg && sp {
					both++
				}
				if sp {
					inPred++
				}
				if sg {
					inGold++
				}
				if j <= i {
					continue
				}
				switch {
				case sg && sp:
					tp++
				case sp:
					fp++
				case sg:
					fn++
				default:
					tn++
				}
			}
			bp += float64(both) / float64(inPred)
			br += float64(both) / float64(inGold)
		}
		if n == 0 {
			continue
		}
		gp := got.Pairwise
		if gp.TP != tp || gp.FP != fp || gp.FN != fn || gp.TN != tn {
			t.Fatalf("trial %d: counts %d/%d/%d/%d, brute force %d/%d/%d/%d", trial, gp.TP, gp.FP, gp.FN, gp.TN, tp, fp, fn, tn)
		}
		if !near(got.BCubed.Precision, bp/float64(n), 1e-9) || !near(got.BCubed.Recall, br/float64(n), 1e-9) {
			t.Fatalf("trial %d: bcubed %+v, brute force %v/%v", trial, got.BCubed, bp/float64(n), br/float64(n))
		}
		for _, v := range []float64{gp.Precision, gp.Recall, gp.F1, got.BCubed.F1, got.ARI, got.NMI, got.NMIGeometric} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("trial %d: non-finite score in %+v", trial, got)
			}
		}
		// Symmetry: swapping gold and pred swaps P/R and keeps ARI/NMI.
		sw := Score(pred, gold)
		if !near(sw.ARI, got.ARI, 1e-12) || !near(sw.NMI, got.NMI, 1e-12) || sw.Pairwise.Precision != gp.Recall {
			t.Fatalf("trial %d: not symmetric: %+v vs %+v", trial, got, sw)
		}
	}
}

func TestCompareMillion(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	const n = 1_000_000
	gold, pred := make([]string, n), make([]string, n)
	labels := make([]string, 1000)
	for i := range labels {
		labels[i] = strconv.Itoa(i)
	}
	for i := range n {
		gold[i] = "g"         // one huge gold cluster: C(1e6, 2) pairs
		pred[i] = labels[i%2] // two predicted halves
	}
	s := Score(gold, pred)
	half := int64(n / 2)
	wantTP := 2 * (half * (half - 1) / 2)
	if s.Pairwise.TP != wantTP || s.Pairwise.FN != half*half || s.Pairwise.FP != 0 || s.Pairwise.TN != 0 {
		t.Fatalf("pairwise = %+v", s.Pairwise)
	}
	if s.Pairwise.Precision != 1 || !near(s.Pairwise.Recall, float64(wantTP)/float64(wantTP+half*half), eps) {
		t.Fatalf("pairwise = %+v", s.Pairwise)
	}
}
