// Package learn trains the join decision of event clustering on labelled
// streams, and measures it honestly: by cross-validation grouped by topic,
// and by leaving one dataset out.
//
// A labelled file is used in every form a stream of its kind could take:
// with its dates (spread over a few days, since a labelled file may give
// every article its story's date where real reports of one event appear
// over days) and with its dates removed, each in several arrival orders.
package learn

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"storyline/internal/analyze"
	"storyline/internal/article"
	"storyline/internal/cluster"
	"storyline/internal/eval"
	"storyline/internal/pipeline"
)

// Options set how a model is trained.
type Options struct {
	// Orders is how many arrival orders of each stream examples are
	// collected from: the given order, then seeded shuffles.
	Orders int
	// Lambda is the L2 penalty on the standardised weights.
	Lambda float64
	// Join is the probability from which a document joins an event.
	Join float64
}

// DefaultOptions returns the options the shipped model was trained with.
func DefaultOptions() Options { return Options{Orders: 3, Lambda: 1, Join: 0.65} }

// A Stream is one labelled set of analysed documents, in arrival order.
type Stream struct {
	Name string
	Docs []analyze.Document
}

// Streams returns the forms a labelled file is trained and measured on:
// as given, with any dates spread over a few days ("dated"), and with
// its dates removed ("dateless"). A file without dates gives one stream.
func Streams(name string, arts []article.Article) []Stream {
	dated := slices.ContainsFunc(arts, func(a article.Article) bool { return a.HasDate() })
	if !dated {
		return []Stream{{name, pipeline.AnalyzeAll(arts)}}
	}
	spread := slices.Clone(arts)
	for i := range spread {
		if spread[i].HasDate() {
			spread[i].Date = spread[i].Date.AddDate(0, 0, jitter(spread[i].ID))
		}
	}
	return []Stream{
		{name + " (dates spread)", pipeline.AnalyzeAll(spread)},
		{name + " (dateless)", pipeline.AnalyzeAll(Dateless(arts))},
	}
}

// Dateless returns the articles without their dates.
func Dateless(arts []article.Article) []article.Article {
	out := slices.Clone(arts)
	for i := range out {
		out[i].Date = time.Time{}
	}
	return out
}

// jitter is a day offset of 0 to 2, fixed by the article id: reports of
// an event appear on its day and the next two.
func jitter(id string) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % 3)
}

// shuffled returns the documents in the order-th arrival order: the given
// one for 0, a seeded shuffle otherwise (the same as pipeline.Evaluate's).
func shuffled(docs []analyze.Document, order int) []analyze.Document {
	out := slices.Clone(docs)
	for run := 1; run <= order; run++ {
		rng := rand.New(rand.NewPCG(uint64(run), 0x5eed))
		rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	}
	return out
}

// Train trains a model on the streams: first on examples from placing
// each document where its label says, then again with the examples of
// that model's own placements added, so that it also learns what to do
// with the mixed events its mistakes make.
func Train(base cluster.Config, streams []Stream, opt Options) (*cluster.Model, error) {
	base.Linear = true // a forced placement decides nothing
	forced := collect(base, streams, opt, true)
	m, err := cluster.Train(forced, opt.Lambda, opt.Join)
	if err != nil {
		return nil, err
	}
	base.Model, base.Linear = m, false
	own := collect(base, streams, opt, false)
	m, err = cluster.Train(append(forced, own...), opt.Lambda, opt.Join)
	if err != nil {
		return nil, err
	}
	m.Trained = fmt.Sprintf("%d choices (%d streams x %d orders), lambda %g", len(forced)+len(own), len(streams), opt.Orders, opt.Lambda)
	return m, nil
}

func collect(cfg cluster.Config, streams []Stream, opt Options, forced bool) []cluster.Choice {
	var out []cluster.Choice
	for _, s := range streams {
		for order := range max(opt.Orders, 1) {
			t := cluster.NewTeacher(cfg, forced)
			for _, d := range shuffled(s.Docs, order) {
				out = append(out, t.Place(&d, d.Article.Gold.Event))
			}
		}
	}
	return out
}

// A Score is the clustering quality of a model on one stream.
type Score struct {
	Stream string `json:"stream"`
	// How the model met the stream: "all-in" (trained on every stream,
	// this one included), "topic folds" (trained without the topics it
	// is scored on), "leave one out" (trained without this dataset).
	Protocol   string  `json:"protocol"`
	PairwiseF1 float64 `json:"pairwise_f1"`
	SD         float64 `json:"pairwise_f1_sd"`
	BCubedF1   float64 `json:"bcubed_f1"`
	Events     int     `json:"events"`
	Predicted  int     `json:"predicted"`
}

// Evaluate scores a configuration on a stream with pipeline.Evaluate.
func Evaluate(cfg pipeline.Config, s Stream, orders int, protocol string) (Score, error) {
	ev, err := pipeline.Evaluate(cfg, s.Docs, orders)
	if err != nil {
		return Score{}, fmt.Errorf("%s: %w", s.Name, err)
	}
	return Score{s.Name, protocol, ev.Pairwise.F1, ev.PairwiseF1SD, ev.BCubed.F1, ev.GoldClusters, ev.PredClusters}, nil
}

// TopicFolds scores each stream by k-fold cross-validation grouped by
// topic: the topics are dealt into k folds, a model is trained on the
// streams without one fold's topics and scores the stream of that fold's
// documents alone, and the folds' clusterings together are scored as one.
// No event is ever in both a model's training and its test.
func TopicFolds(cfg pipeline.Config, streams []Stream, k int, opt Options, orders int) ([]Score, error) {
	fold := foldsOf(streams, k)
	var scores []Score
	models := make([]*cluster.Model, k)
	for f := range k {
		var train []Stream
		for _, s := range streams {
			train = append(train, Stream{s.Name, slices.DeleteFunc(slices.Clone(s.Docs), func(d analyze.Document) bool { return fold[topic(d)] == f })})
		}
		m, err := Train(cfg.Cluster, train, opt)
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f, err)
		}
		models[f] = m
	}
	for _, s := range streams {
		var gold, pred []string
		var f1s []float64
		for order := range max(orders, 1) {
			gold, pred = gold[:0], pred[:0]
			for f := range k {
				test := slices.DeleteFunc(slices.Clone(s.Docs), func(d analyze.Document) bool { return fold[topic(d)] != f })
				c := cfg
				c.Cluster.Model, c.Cluster.Linear = models[f], false
				g, p := place(c, shuffled(test, order))
				gold = append(gold, g...)
				for _, e := range p {
					pred = append(pred, fmt.Sprintf("%d/%s", f, e))
				}
			}
			sc, err := compare(gold, pred)
			if err != nil {
				return nil, err
			}
			f1s = append(f1s, sc.PairwiseF1)
			if order == 0 {
				scores = append(scores, Score{Stream: s.Name, Protocol: fmt.Sprintf("%d topic folds", k), BCubedF1: sc.BCubedF1, Events: sc.Events, Predicted: sc.Predicted})
			}
		}
		last := &scores[len(scores)-1]
		last.PairwiseF1, last.SD = meanSD(f1s)
	}
	return scores, nil
}

// foldsOf deals the streams' topics into k folds, in sorted order, so that
// the folds are the same on every run.
func foldsOf(streams []Stream, k int) map[string]int {
	var topics []string
	for _, s := range streams {
		for _, d := range s.Docs {
			topics = append(topics, topic(d))
		}
	}
	slices.Sort(topics)
	topics = slices.Compact(topics)
	// Deal in a seeded shuffle, so that neighbouring names (ecb topics 1,
	// 10, 11) do not all land in one fold.
	rng := rand.New(rand.NewPCG(7, 0xf01d))
	rng.Shuffle(len(topics), func(i, j int) { topics[i], topics[j] = topics[j], topics[i] })
	fold := make(map[string]int, len(topics))
	for i, t := range topics {
		fold[t] = i % k
	}
	return fold
}

// topic is a document's gold topic, or its event where it has none.
func topic(d analyze.Document) string {
	return cmp.Or(d.Article.Gold.Topic, d.Article.Gold.Event)
}

// place runs the pipeline over docs and returns their gold and predicted
// event labels; repeats are left out.
func place(cfg pipeline.Config, docs []analyze.Document) (gold, pred []string) {
	p := pipeline.New(cfg)
	for _, d := range docs {
		out := p.Add(d)
		if out.Repeat {
			continue
		}
		gold = append(gold, d.Article.Gold.Event)
		pred = append(pred, fmt.Sprint(out.Placement.Event))
	}
	return gold, pred
}

func compare(gold, pred []string) (Score, error) {
	s, err := eval.Compare(gold, pred)
	if err != nil {
		return Score{}, err
	}
	return Score{PairwiseF1: s.Pairwise.F1, BCubedF1: s.BCubed.F1, Events: s.GoldClusters, Predicted: s.PredClusters}, nil
}

func meanSD(xs []float64) (mean, sd float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(xs)))
}
