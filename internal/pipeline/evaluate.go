package pipeline

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"storyline/internal/analyze"
	"storyline/internal/eval"
)

// An Evaluation is the clustering quality of one configuration on one set of
// labelled documents, averaged over one or more stream orders.
type Evaluation struct {
	// Scores holds the mean of every metric over the orders.
	eval.Scores
	// Orders is how many stream orders were run: the given order first, then
	// seeded shuffles of it.
	Orders int `json:"orders"`
	// PairwiseF1SD and BCubedF1SD are the standard deviations over orders:
	// online clustering depends on arrival order, so one run can mislead.
	PairwiseF1SD float64 `json:"pairwise_f1_sd"`
	BCubedF1SD   float64 `json:"bcubed_f1_sd"`
	// Seconds is the placement time of all orders; analysis is done once and
	// not counted, as it does not depend on the configuration.
	Seconds           float64 `json:"seconds"`
	ArticlesPerSecond float64 `json:"articles_per_second"`
}

// Evaluate places docs with cfg, in their given order and then in orders-1
// shuffles seeded by the run number (so every run sees the same orders), and
// scores the events against the documents' gold event labels.
func Evaluate(cfg Config, docs []analyze.Document, orders int) (Evaluation, error) {
	orders = max(orders, 1)
	var runs []eval.Scores
	var placed int
	start := time.Now()
	order := slices.Clone(docs)
	for run := range orders {
		if run > 0 {
			rng := rand.New(rand.NewPCG(uint64(run), 0x5eed))
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		}
		s, n, err := evaluateOnce(cfg, order)
		if err != nil {
			return Evaluation{}, err
		}
		runs = append(runs, s)
		placed += n
	}
	secs := time.Since(start).Seconds()
	ev := Evaluation{Scores: meanScores(runs), Orders: orders, Seconds: secs, ArticlesPerSecond: float64(placed) / max(secs, 1e-9)}
	ev.PairwiseF1SD = spread(runs, func(s eval.Scores) float64 { return s.Pairwise.F1 })
	ev.BCubedF1SD = spread(runs, func(s eval.Scores) float64 { return s.BCubed.F1 })
	return ev, nil
}

func evaluateOnce(cfg Config, docs []analyze.Document) (eval.Scores, int, error) {
	p := New(cfg)
	gold := make([]string, 0, len(docs))
	pred := make([]string, 0, len(docs))
	for _, d := range docs {
		out := p.Add(d)
		if out.Repeat {
			continue
		}
		if d.Article.Gold.Event == "" {
			return eval.Scores{}, 0, fmt.Errorf("article %s (%s): no gold event label", d.Article.ID, d.Article.Origin)
		}
		gold = append(gold, d.Article.Gold.Event)
	}
	// Where each article is at the end: later revisions may have moved it.
	for i := range gold {
		pred = append(pred, fmt.Sprint(p.records[i].event))
	}
	s, err := eval.Compare(gold, pred)
	return s, len(gold), err
}

// ByDate orders documents by their date, given or inferred, keeping the
// given order within a day; undated documents go last, in their given order.
func ByDate(docs []analyze.Document) {
	slices.SortStableFunc(docs, func(a, b analyze.Document) int {
		switch {
		case a.Date.IsZero() || b.Date.IsZero():
			return cmp.Compare(btoi(a.Date.IsZero()), btoi(b.Date.IsZero()))
		default:
			return a.Date.Compare(b.Date)
		}
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func meanScores(runs []eval.Scores) eval.Scores {
	m := runs[0]
	if len(runs) == 1 {
		return m
	}
	n := float64(len(runs))
	avg := func(get func(eval.Scores) float64) float64 {
		var sum float64
		for _, r := range runs {
			sum += get(r)
		}
		return sum / n
	}
	avgInt := func(get func(eval.Scores) int) int {
		return int(math.Round(avg(func(s eval.Scores) float64 { return float64(get(s)) })))
	}
	m.PredClusters = avgInt(func(s eval.Scores) int { return s.PredClusters })
	m.Pairwise = eval.Pairwise{
		Precision: avg(func(s eval.Scores) float64 { return s.Pairwise.Precision }),
		Recall:    avg(func(s eval.Scores) float64 { return s.Pairwise.Recall }),
		F1:        avg(func(s eval.Scores) float64 { return s.Pairwise.F1 }),
	}
	m.BCubed = eval.PRF{
		Precision: avg(func(s eval.Scores) float64 { return s.BCubed.Precision }),
		Recall:    avg(func(s eval.Scores) float64 { return s.BCubed.Recall }),
		F1:        avg(func(s eval.Scores) float64 { return s.BCubed.F1 }),
	}
	m.ARI = avg(func(s eval.Scores) float64 { return s.ARI })
	m.NMI = avg(func(s eval.Scores) float64 { return s.NMI })
	m.NMIGeometric = avg(func(s eval.Scores) float64 { return s.NMIGeometric })
	return m
}

// spread is the population standard deviation of one metric over runs.
func spread(runs []eval.Scores, get func(eval.Scores) float64) float64 {
	var sum, sq float64
	for _, r := range runs {
		sum += get(r)
	}
	mean := sum / float64(len(runs))
	for _, r := range runs {
		d := get(r) - mean
		sq += d * d
	}
	return math.Sqrt(sq / float64(len(runs)))
}
