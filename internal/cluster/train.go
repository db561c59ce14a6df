package cluster

import (
	"fmt"
	"math"

	"storyline/internal/analyze"
)

// A Choice is one placement met while placing a labelled stream: the
// features of each candidate event, and which of them the document
// reports (-1: none, it starts an event).
type Choice struct {
	Candidates []FeatureVector
	Priors     []float64 // fixed log-odds added to each candidate's
	Answer     int
}

// A Teacher places a labelled stream to collect choices for training. It
// either places each document where its gold label says (Forced), so that
// candidates are pure events, or where the placer's model decides, so that
// the model also learns from the mixed events its own mistakes make. The
// answer is the candidate whose members most often carry the document's
// label, if any does.
type Teacher struct {
	Placer *Placer
	Forced bool
	gold   map[string]int   // label -> event, for Forced
	labels []map[string]int // by event: its members' labels
}

// NewTeacher returns a Teacher over an empty placer with cfg.
func NewTeacher(cfg Config, forced bool) *Teacher {
	return &Teacher{Placer: NewPlacer(cfg), Forced: forced, gold: map[string]int{}}
}

// Place places one labelled document and returns the choice it met.
func (t *Teacher) Place(d *analyze.Document, label string) Choice {
	p := t.Placer
	p.seq++
	p.observe(d)
	f := p.prepare(d, true)
	cands := p.candidates(&f)
	comps := p.compare(&f, cands)
	ch := Choice{Candidates: make([]FeatureVector, len(cands)), Priors: make([]float64, len(cands)), Answer: -1}
	best, most := -1, 0
	for i, c := range comps {
		ch.Candidates[i], ch.Priors[i] = c.Features, c.Prior
		if n := t.labels[cands[i]][label]; n > most {
			ch.Answer, most = i, n
		}
		if best < 0 || c.Total > comps[best].Total {
			best = i
		}
	}
	var ev int
	if t.Forced {
		id, ok := t.gold[label]
		if !ok || !p.events[id].Hot() {
			id = p.newEvent()
			t.gold[label] = id
		}
		ev = id
	} else if best >= 0 && comps[best].Total >= p.join() {
		ev = int(cands[best])
	} else {
		ev = p.newEvent()
	}
	for len(t.labels) <= ev {
		t.labels = append(t.labels, map[string]int{})
	}
	t.labels[ev][label]++
	p.add(p.events[ev], d.Date, &f)
	p.expire()
	return ch
}

// Train fits the model to choices: a conditional logit in which each
// candidate scores its log-odds and starting a new event scores 0, so that
// a document joins its best candidate when that candidate's log-odds are
// above 0. Candidates are weighed against each other, the way the decision
// meets them, so that what the index proposes more often (large events)
// does not look less likely for it. Fitted by Newton's method with an L2
// penalty lambda on the standardised weights; the same choices in the same
// order give the same model, bit for bit.
func Train(choices []Choice, lambda, join float64) (*Model, error) {
	m := &Model{Features: FeatureNames[:], Weights: make([]float64, numFeatures), Scale: make([]float64, numFeatures), Join: join}
	var rows, joins int
	for _, ch := range choices {
		for _, x := range ch.Candidates {
			rows++
			for i, v := range x {
				m.Scale[i] += float64(v) * float64(v)
			}
		}
		if ch.Answer >= 0 {
			joins++
		}
	}
	if joins == 0 || joins == len(choices) {
		return nil, fmt.Errorf("train: %d of %d choices join an event: need both kinds", joins, len(choices))
	}
	// Scale each feature by its root mean square, so that one penalty
	// suits all; a feature that never fires keeps scale 1 and weight 0.
	for i := range m.Scale {
		m.Scale[i] = math.Sqrt(m.Scale[i] / float64(rows))
		if m.Scale[i] == 0 {
			m.Scale[i] = 1
		}
	}
	const n = numFeatures + 1 // the weights, then the bias
	w := make([]float64, n)
	var xs [][n]float64
	for iter := 0; iter < 50; iter++ {
		var grad [n]float64
		var hess [n][n]float64
		for _, ch := range choices {
			xs = xs[:0]
			for _, x := range ch.Candidates {
				var r [n]float64
				for i := range numFeatures {
					r[i] = float64(x[i]) / m.Scale[i]
				}
				r[numFeatures] = 1
				xs = append(xs, r)
			}
			// Probabilities of the options: each candidate, and a new
			// event with score 0, shifted by the largest score.
			top := 0.0
			zs := make([]float64, len(xs))
			for k, r := range xs {
				zs[k] = ch.Priors[k]
				for i := range n {
					zs[k] += w[i] * r[i]
				}
				top = max(top, zs[k])
			}
			sum := math.Exp(-top)
			for k := range zs {
				zs[k] = math.Exp(zs[k] - top)
				sum += zs[k]
			}
			var mean [n]float64
			for k, r := range xs {
				pk := zs[k] / sum
				for i := range n {
					mean[i] += pk * r[i]
					for j := range n {
						hess[i][j] += pk * r[i] * r[j]
					}
				}
			}
			for i := range n {
				grad[i] += mean[i]
				for j := range n {
					hess[i][j] -= mean[i] * mean[j]
				}
			}
			if ch.Answer >= 0 {
				for i := range n {
					grad[i] -= xs[ch.Answer][i]
				}
			}
		}
		for i := range numFeatures { // the bias is all but unpenalised
			grad[i] += lambda * w[i]
			hess[i][i] += lambda
		}
		grad[numFeatures] += 1e-6 * w[numFeatures]
		hess[numFeatures][numFeatures] += 1e-6
		step, err := solve(hess, grad)
		if err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		// A damped step: the log-likelihood is concave, but a full Newton
		// step from far away can overshoot into overflow.
		var moved float64
		for i := range n {
			moved = max(moved, math.Abs(step[i]))
		}
		damp := min(1, 5/moved)
		if math.IsNaN(moved) {
			return nil, fmt.Errorf("train: the fit diverged")
		}
		for i := range n {
			w[i] -= damp * step[i]
		}
		if moved < 1e-8 {
			break
		}
	}
	copy(m.Weights, w[:numFeatures])
	m.Bias = w[numFeatures]
	return m, nil
}

// solve solves a x = b by Gaussian elimination with partial pivoting.
func solve(a [numFeatures + 1][numFeatures + 1]float64, b [numFeatures + 1]float64) ([]float64, error) {
	const n = numFeatures + 1
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			return nil, fmt.Errorf("singular system at feature %d", c)
		}
		a[c], a[p] = a[p], a[c]
		b[c], b[p] = b[p], b[c]
		for r := c + 1; r < n; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k < n; k++ {
				a[r][k] -= f * a[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for k := r + 1; k < n; k++ {
			s -= a[r][k] * x[k]
		}
		x[r] = s / a[r][r]
	}
	return x, nil
}
