// Package eval scores Storyline output against gold annotations: flat
// clustering metrics for story clusters, ROUGE for summaries and the
// date/ROUGE family used to evaluate timeline summarisation (tilse,
// news-tls). Everything here is pure computation over in-memory values so
// that the CLI, benchmarks and tests can share one definition of each metric.
package eval

import (
	"fmt"
	"math"
)

// PRF is a precision/recall/F1 triple. One type is shared by B-cubed, ROUGE
// and date F1 so reports can render every metric the same way. All fields
// are in [0, 1] and never NaN.
type PRF struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

// Pairwise holds the pair-counting view of a clustering: every unordered pair
// of items is a positive if the clustering puts both items together. The raw
// counts are kept alongside the ratios because published results (e.g.
// Priberam's news-clustering benchmark) report counts, and counts are what
// one needs to combine or re-derive scores.
type Pairwise struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	TP        int64   `json:"tp"`
	FP        int64   `json:"fp"`
	FN        int64   `json:"fn"`
	TN        int64   `json:"tn"`
}

// Scores is the full set of clustering metrics for one predicted labelling
// against one gold labelling. Several metrics are reported because they
// disagree in instructive ways: pairwise scores are dominated by large
// clusters, B-cubed weighs every item equally, and ARI/NMI correct for (or
// are insensitive to) chance agreement.
type Scores struct {
	Articles     int      `json:"articles"`
	GoldClusters int      `json:"gold_clusters"`
	PredClusters int      `json:"pred_clusters"`
	Pairwise     Pairwise `json:"pairwise"`
	BCubed       PRF      `json:"bcubed"`
	// ARI is the Hubert–Arabie adjusted Rand index; 1 for identical
	// partitions, about 0 for chance agreement, possibly negative.
	ARI float64 `json:"ari"`
	// NMI is mutual information normalised by the arithmetic mean of the two
	// entropies, scikit-learn's default (average_method="arithmetic"), so
	// numbers are comparable with results computed in Python.
	NMI float64 `json:"nmi"`
	// NMIGeometric normalises by the geometric mean of the entropies, the
	// variant used by some older clustering papers.
	NMIGeometric float64 `json:"nmi_geometric"`
}

// Compare scores pred against gold, where gold[i] and pred[i] are the cluster
// labels of item i. Labels are opaque strings (the empty string is an
// ordinary label) and only need to be consistent within one labelling.
//
// All work is done on the contingency table, so the cost is O(n) time and
// O(number of non-empty cells) memory; a million items is fine.
//
// Degenerate inputs never yield NaN:
//   - empty input returns the zero Scores (nothing was scored, which should
//     not look like a perfect result);
//   - pairwise precision is 1 when pred puts no two items together (no
//     predicted pairs means no wrong predicted pairs), and recall is 1 when
//     gold has no pairs; F1 is 0 when precision+recall is 0;
//   - ARI is 1 when there are no disagreeing pairs (FP = FN = 0), matching
//     scikit-learn, e.g. for identical partitions or a single item;
//   - NMI is 1 when both labellings have exactly one cluster, and 0 when the
//     mutual information is 0 otherwise, matching scikit-learn.
//
// It returns an error only if the labellings have different lengths.
func Compare(gold, pred []string) (Scores, error) {
	if len(gold) != len(pred) {
		return Scores{}, fmt.Errorf("eval: gold has %d items but pred has %d", len(gold), len(pred))
	}
	n := len(gold)
	if n == 0 {
		return Scores{}, nil
	}

	goldSize, goldIdx := indexLabels(gold)
	predSize, predIdx := indexLabels(pred)
	cells := make(map[[2]int]int64)
	for i := range n {
		cells[[2]int{goldIdx[i], predIdx[i]}]++
	}

	s := Scores{Articles: n, GoldClusters: len(goldSize), PredClusters: len(predSize)}

	// Pair counts: TP are pairs together in both, TP+FP pairs together in
	// pred, TP+FN pairs together in gold.
	var tp, goldPairs, predPairs int64
	var bcP, bcR float64
	for k, c := range cells {
		tp += choose2(c)
		// Each of the c items in this cell has c correct neighbours
		// (itself included) in a pred cluster of size predSize and a gold
		// cluster of size goldSize.
		bcP += float64(c) * float64(c) / float64(predSize[k[1]])
		bcR += float64(c) * float64(c) / float64(goldSize[k[0]])
	}
	for _, c := range goldSize {
		goldPairs += choose2(c)
	}
	for _, c := range predSize {
		predPairs += choose2(c)
	}
	total := choose2(int64(n))
	fp := predPairs - tp
	fn := goldPairs - tp
	tn := total - tp - fp - fn
	s.Pairwise, s.ARI = PairScores(tp, fp, fn, tn)

	bcP /= float64(n)
	bcR /= float64(n)
	s.BCubed = PRF{Precision: bcP, Recall: bcR, F1: harmonic(bcP, bcR)}

	s.NMI, s.NMIGeometric = nmi(n, goldSize, predSize, cells)
	return s, nil
}

// Score is Compare for callers that have already guaranteed equal lengths
// (tests, internal pipelines); a length mismatch there is a programming
// error, so it panics rather than forcing an unreachable error branch.
func Score(gold, pred []string) Scores {
	s, err := Compare(gold, pred)
	if err != nil {
		panic(err)
	}
	return s
}

// PairScores derives pairwise precision/recall/F1 and the adjusted Rand index
// from pair counts alone. It exists so that published confusion counts can be
// turned into the same scores Compare reports, without the underlying
// labellings. The degenerate-case conventions are those documented on
// Compare. Intermediate products are computed in float64 because TP·TN
// overflows int64 for about a million items.
func PairScores(tp, fp, fn, tn int64) (p Pairwise, ari float64) {
	p = Pairwise{TP: tp, FP: fp, FN: fn, TN: tn, Precision: 1, Recall: 1}
	if tp+fp > 0 {
		p.Precision = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		p.Recall = float64(tp) / float64(tp+fn)
	}
	p.F1 = harmonic(p.Precision, p.Recall)

	if fp == 0 && fn == 0 {
		return p, 1
	}
	ftp, ffp, ffn, ftn := float64(tp), float64(fp), float64(fn), float64(tn)
	// Pair-count form of Hubert–Arabie ARI (as in scikit-learn); the
	// denominator is positive because fp or fn is positive.
	num := 2 * (ftp*ftn - ffn*ffp)
	den := (ftp+ffn)*(ffn+ftn) + (ftp+ffp)*(ffp+ftn)
	return p, num / den
}

// indexLabels maps each distinct label to a dense index and returns the
// cluster sizes by index plus the index of every item.
func indexLabels(labels []string) (sizes []int64, idx []int) {
	ids := make(map[string]int)
	idx = make([]int, len(labels))
	for i, l := range labels {
		id, ok := ids[l]
		if !ok {
			id = len(sizes)
			ids[l] = id
			sizes = append(sizes, 0)
		}
		sizes[id]++
		idx[i] = id
	}
	return sizes, idx
}

// nmi returns the arithmetic- and geometric-mean normalised mutual
// information, following scikit-learn's special cases.
func nmi(n int, goldSize, predSize []int64, cells map[[2]int]int64) (arith, geom float64) {
	if len(goldSize) == 1 && len(predSize) == 1 {
		return 1, 1
	}
	N := float64(n)
	var mi float64
	for k, c := range cells {
		fc := float64(c)
		mi += fc / N * math.Log(N*fc/(float64(goldSize[k[0]])*float64(predSize[k[1]])))
	}
	if mi <= 0 {
		return 0, 0
	}
	hg, hp := entropy(N, goldSize), entropy(N, predSize)
	if d := (hg + hp) / 2; d > 0 {
		arith = clamp01(mi / d)
	}
	if d := math.Sqrt(hg * hp); d > 0 {
		geom = clamp01(mi / d)
	}
	return arith, geom
}

func entropy(n float64, sizes []int64) float64 {
	var h float64
	for _, c := range sizes {
		p := float64(c) / n
		h -= p * math.Log(p)
	}
	return h
}

func choose2(c int64) int64 { return c * (c - 1) / 2 }

// harmonic is the F1 combination, defined as 0 when both inputs are 0.
func harmonic(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// clamp01 removes floating-point overshoot such as 1.0000000000000002.
func clamp01(x float64) float64 {
	return math.Max(0, math.Min(1, x))
}
