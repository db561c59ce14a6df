package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"storyline/internal/eval"
	"storyline/internal/pipeline"
)

// fileScores is one dataset's evaluation.
type fileScores struct {
	File string `json:"file"`
	eval.Scores
	Seconds           float64 `json:"seconds"`
	ArticlesPerSecond float64 `json:"articles_per_second"`
}

func evalCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "eval GOLD.jsonl...",
		Short: "Run the pipeline over labelled articles and score its events against the gold labels",
		Args:  cobra.MinimumNArgs(1),
	}
	config := configFlags(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per file")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg, err := config()
		if err != nil {
			return err
		}
		w := cmd.OutOrStdout()
		if !asJSON {
			fmt.Fprintf(w, "%-28s %6s %5s %5s  %-17s  %-17s  %5s  %5s  %6s\n", "file", "arts", "gold", "pred", "pairwise P/R/F1", "B-cubed P/R/F1", "ARI", "NMI", "art/s")
		}
		for _, path := range args {
			arts := readArticles([]string{path})
			start := time.Now()
			p := pipeline.New(cfg)
			gold := make([]string, 0, len(arts))
			pred := make([]string, 0, len(arts))
			for _, d := range pipeline.AnalyzeAll(arts) {
				out := p.Add(d)
				if out.Repeat {
					continue
				}
				gold = append(gold, d.Article.Gold.Event)
				pred = append(pred, fmt.Sprint(out.Placement.Event))
			}
			secs := time.Since(start).Seconds()
			s, err := eval.Compare(gold, pred)
			if err != nil {
				return fmt.Errorf("eval %s: %w", path, err)
			}
			fs := fileScores{File: path, Scores: s, Seconds: secs, ArticlesPerSecond: float64(len(gold)) / max(secs, 1e-9)}
			if asJSON {
				if err := json.NewEncoder(w).Encode(fs); err != nil {
					return err
				}
				continue
			}
			fmt.Fprintf(w, "%-28s %6d %5d %5d  %.3f/%.3f/%.3f  %.3f/%.3f/%.3f  %.3f  %.3f  %6.0f\n",
				shortName(path), s.Articles, s.GoldClusters, s.PredClusters,
				s.Pairwise.Precision, s.Pairwise.Recall, s.Pairwise.F1,
				s.BCubed.Precision, s.BCubed.Recall, s.BCubed.F1, s.ARI, s.NMI, fs.ArticlesPerSecond)
		}
		return nil
	}
	return cmd
}

func shortName(path string) string {
	if len(path) > 28 {
		return "…" + path[len(path)-27:]
	}
	return path
}
