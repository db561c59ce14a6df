package pipeline

import (
	"strings"

	"storyline/internal/analyze"
	"storyline/internal/eval"
	"storyline/internal/summarize"
)

// A SummaryReference is an editor's headline and summary of one gold event.
type SummaryReference struct {
	Event   string `json:"event"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
}

// RougeScores are the mean ROUGE F-measures of summaries and titles against
// their references.
type RougeScores struct {
	Rouge1      float64 `json:"rouge1_f"`
	Rouge2      float64 `json:"rouge2_f"`
	TitleRouge1 float64 `json:"title_rouge1_f"`
}

// A SummaryEvaluation scores event summaries three ways, so that a low
// figure can be traced: Predicted summarises the events the pipeline built
// (each gold event matched to the predicted event holding most of its
// articles), Gold summarises the gold clusters themselves (the summariser
// alone), Lead takes the first article's headline and opening sentences (the
// usual baseline).
type SummaryEvaluation struct {
	Events    int         `json:"events"`
	Predicted RougeScores `json:"predicted"`
	Gold      RougeScores `json:"gold_clusters"`
	Lead      RougeScores `json:"lead_baseline"`
}

// EvaluateSummaries places docs with cfg in their given order and scores
// summaries and titles against the references of the gold events present.
func EvaluateSummaries(cfg Config, docs []analyze.Document, refs []SummaryReference) SummaryEvaluation {
	p := New(cfg)
	byGold := map[string][]*analyze.Document{}
	votes := map[string]map[int]int{}
	for i := range docs {
		d := &docs[i]
		out := p.Add(*d)
		g := d.Article.Gold.Event
		byGold[g] = append(byGold[g], d)
		if votes[g] == nil {
			votes[g] = map[int]int{}
		}
		votes[g][out.Placement.Event]++
	}
	var ev SummaryEvaluation
	var pred, gold, lead []RougeScores
	for _, ref := range refs {
		members := byGold[ref.Event]
		if len(members) == 0 {
			continue
		}
		ev.Events++
		best, bestN := -1, 0
		for e, n := range votes[ref.Event] {
			if n > bestN || (n == bestN && e < best) {
				best, bestN = e, n
			}
		}
		pe := p.Event(best, Options{})
		var sents []string
		for _, s := range pe.Summary {
			sents = append(sents, s.Text)
		}
		pred = append(pred, score(ref, pe.Title, sents))

		srcs := make([]summarize.Source, len(members))
		for i, d := range members {
			srcs[i] = summarize.Source{Article: d.Article.ID, Headline: d.Headline, Sentences: d.Sentences, Captions: d.Captions()}
		}
		sents = sents[:0]
		for _, s := range summarize.Summary(srcs, cfg.SummarySentences) {
			sents = append(sents, s.Text)
		}
		gold = append(gold, score(ref, summarize.Title(srcs), sents))

		first := members[0]
		lead = append(lead, score(ref, first.Headline, first.Sentences[:min(cfg.SummarySentences, len(first.Sentences))]))
	}
	ev.Predicted, ev.Gold, ev.Lead = meanRouge(pred), meanRouge(gold), meanRouge(lead)
	return ev
}

func score(ref SummaryReference, title string, sentences []string) RougeScores {
	text := strings.Join(sentences, " ")
	return RougeScores{
		Rouge1:      eval.Rouge(1, text, ref.Summary).F1,
		Rouge2:      eval.Rouge(2, text, ref.Summary).F1,
		TitleRouge1: eval.Rouge(1, title, ref.Title).F1,
	}
}

func meanRouge(xs []RougeScores) RougeScores {
	var m RougeScores
	if len(xs) == 0 {
		return m
	}
	for _, x := range xs {
		m.Rouge1 += x.Rouge1
		m.Rouge2 += x.Rouge2
		m.TitleRouge1 += x.TitleRouge1
	}
	n := float64(len(xs))
	return RougeScores{m.Rouge1 / n, m.Rouge2 / n, m.TitleRouge1 / n}
}
